"""What counts as a well-formed subgraph answer (the GraphQL-over-HTTP response shape)."""

from __future__ import annotations

import pytest

from gateway.transports.protocol import (
    SUBREQUEST_MALFORMED_RESPONSE,
    SubgraphFailure,
    SubgraphResponse,
    response_from_payload,
)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"data": {"a": 1}}, SubgraphResponse(data={"a": 1})),
        ({"data": {"a": 1}, "errors": None}, SubgraphResponse(data={"a": 1})),
        ({"data": {"a": 1}, "errors": []}, SubgraphResponse(data={"a": 1})),
        (
            {"data": None, "errors": [{"message": "m"}]},
            SubgraphResponse(data=None, errors=({"message": "m"},)),
        ),
        ({"errors": [{"message": "m"}]}, SubgraphResponse(data=None, errors=({"message": "m"},))),
    ],
)
def test_well_formed_answers(payload: object, expected: SubgraphResponse) -> None:
    assert response_from_payload("s", payload) == expected


@pytest.mark.parametrize(
    "payload",
    [
        [1, 2],
        {},
        {"data": None},
        {"data": None, "errors": []},
        {"data": None, "errors": None},
        {"data": [1]},
        {"data": "x", "errors": [{"message": "m"}]},
        {"data": {}, "errors": {"message": "m"}},
        {"data": {}, "errors": ["m"]},
    ],
)
def test_malformed_answers(payload: object) -> None:
    result = response_from_payload("s", payload)
    assert isinstance(result, SubgraphFailure)
    assert result.code == SUBREQUEST_MALFORMED_RESPONSE
    assert "'s'" in result.message
