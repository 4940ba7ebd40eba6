"""Every error a subgraph returns has a code; unexpected ones are masked."""

from __future__ import annotations

from enum import Enum

import strawberry
from graphql import GraphQLFormattedError

from subgraphs.common.errors import AppError, ErrorCode, whole_rate_limit
from subgraphs.common.schema import federation_schema, print_schema_sdl


@strawberry.enum
class Colour(Enum):
    RED = "RED"


@strawberry.federation.type(keys=["id"])
class Thing:
    id: strawberry.ID


@strawberry.type
class Query:
    @strawberry.field
    def thing(self) -> Thing:
        return Thing(id=strawberry.ID("1"))

    @strawberry.field
    def boom(self) -> int:
        raise RuntimeError("database password is hunter2")

    @strawberry.field
    def refused(self) -> int:
        raise AppError(ErrorCode.FORBIDDEN, "Not yours.", reason="owner")

    @strawberry.field
    def paint(self, colour: Colour) -> str:
        return colour.value


SCHEMA = federation_schema(query=Query)


async def _errors(
    query: str, variables: dict[str, object] | None = None
) -> list[GraphQLFormattedError]:
    result = await SCHEMA.execute(query, variable_values=variables)
    assert result.errors
    return [error.formatted for error in result.errors]


async def test_unexpected_exceptions_are_masked() -> None:
    [error] = await _errors("{ boom }")
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "hunter2" not in str(error)


async def test_app_errors_keep_message_code_and_details() -> None:
    [error] = await _errors("{ refused }")
    assert error["message"] == "Not yours."
    assert error["extensions"] == {"code": "FORBIDDEN", "reason": "owner"}
    assert error["path"] == ["refused"]


async def test_pre_execution_errors_get_codes() -> None:
    [syntax] = await _errors("{ boom(")
    [unknown_field] = await _errors("{ nothing }")
    [bad_enum] = await _errors("{ paint(colour: BLUE) }")
    [bad_variable] = await _errors("query($c: Colour!) { paint(colour: $c) }", {"c": "BLUE"})
    assert syntax["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
    assert unknown_field["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert bad_enum["extensions"] == {"code": "BAD_USER_INPUT"}
    assert bad_variable["extensions"] == {"code": "BAD_USER_INPUT"}


def test_sdl_links_federation_2() -> None:
    sdl = print_schema_sdl(SCHEMA)
    assert sdl.startswith('schema @link(url: "https://specs.apollo.dev/federation/v2.9"')
    assert 'type Thing @key(fields: "id")' in sdl


def test_a_response_of_nothing_but_rate_limits_waits_for_the_longest() -> None:
    def limited(wait: object) -> dict[str, object]:
        return {"message": "slow down", "extensions": {"code": "RATE_LIMITED", "retryAfter": wait}}

    assert whole_rate_limit({"data": None, "errors": [limited(3), limited(9)]}) == 9
    assert whole_rate_limit({"data": {"signIn": None}, "errors": [limited("x")]}) == 1
    assert whole_rate_limit({"data": {"a": 1}, "errors": [limited(3)]}) is None
    other = {"message": "no", "extensions": {"code": "UNAUTHENTICATED"}}
    assert whole_rate_limit({"data": None, "errors": [limited(3), other]}) is None
    assert whole_rate_limit({"data": {"a": 1}}) is None
