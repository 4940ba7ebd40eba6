"""Cost limits from `@cost`/`@listSize` in the supergraph, through the real gateway.

The checked-in supergraph carries no cost directives, so the test serves a copy that gives
`Person.whatsapp` a weight of 5 and `WhatsAppAccount.statuses` an assumed size of 50, and
tries operations at the limit and one point over it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from devstack.processes import Service, free_port
from devstack.stack import gateway_env, start_gateway
from gateway.security.cost import estimate_cost
from gateway.supergraph import Supergraph, load_supergraph
from tests.gateway.security.security_support import SUPERGRAPH, Stack, gql

pytestmark = pytest.mark.integration

LIMIT = 56
AT_LIMIT = "{ me { whatsapp { statuses { id text } } } }"  # 1 + 5 + 50 * 1
OVER = "{ me { whatsapp { statuses { id } } stickers(first: 1) { id } } }"  # 56 + 1 * 1
LIST_BY_VARIABLE = "query S($n: Int!) { me { stickers(first: $n) { id } } }"  # 1 + n


def costed_sdl() -> str:
    sdl = SUPERGRAPH.read_text()
    link = '  @link(url: "https://specs.apollo.dev/link/v1.0")\n'
    assert link in sdl
    sdl = sdl.replace(
        link,
        link
        + '  @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@cost", "@listSize"])\n',
    )
    sdl += (
        "\ndirective @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION"
        " | INPUT_FIELD_DEFINITION | OBJECT | SCALAR\n"
        "directive @listSize(assumedSize: Int, slicingArguments: [String!],"
        " sizedFields: [String!], requireOneSlicingArgument: Boolean = true)"
        " on FIELD_DEFINITION\n"
    )
    whatsapp = "whatsapp: WhatsAppAccount @join__field(graph: WHATSAPP)"
    statuses = "statuses: [WhatsAppStatus!]!"
    assert whatsapp in sdl
    assert sdl.count(statuses) == 1
    sdl = sdl.replace(whatsapp, whatsapp + " @cost(weight: 5)")
    return sdl.replace(statuses, statuses + " @listSize(assumedSize: 50)")


def cost_of(query: str, variables: dict[str, int] | None = None) -> int:
    loaded = load_supergraph(costed_sdl())
    assert isinstance(loaded, Supergraph), loaded
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return estimate_cost(loaded, fragments, operation, variables, 10).cost


@pytest.fixture(scope="module")
def gateway(security_stack: Stack) -> Iterator[Service]:
    path: Path = security_stack.log_dir / "supergraph-costed.graphql"
    path.write_text(costed_sdl())
    env = {
        **gateway_env(security_stack.services),
        "GATEWAY_LOG_LEVEL": "warning",
        "GATEWAY_LIMITS_MAX_COST": str(LIMIT),
    }
    service = start_gateway(path, free_port(), env, security_stack.log_dir / "gateway-cost.log")
    yield service
    service.stop()


def test_costs_follow_the_directives() -> None:
    assert cost_of(AT_LIMIT) == LIMIT
    assert cost_of(OVER) == LIMIT + 1
    assert cost_of(LIST_BY_VARIABLE, {"n": 55}) == LIMIT
    assert cost_of("{ me { stickers { id } } }") == 1 + 10  # the configured default size
    assert cost_of("mutation { signOut }") == 10


def test_at_the_limit_runs(gateway: Service) -> None:
    reply = gql(gateway, AT_LIMIT)
    assert reply.status == 200
    assert "COST_LIMIT_EXCEEDED" not in reply.codes
    assert reply.body["data"] == {"me": None}  # ran as far as accounts, which wants a token


def test_over_the_limit_is_refused_before_any_subgraph(gateway: Service) -> None:
    reply = gql(gateway, OVER)
    assert reply.codes == ["COST_LIMIT_EXCEEDED"]
    assert "data" not in reply.body
    assert str(LIMIT + 1) in reply.body["errors"][0]["message"]


def test_slicing_arguments_from_variables(gateway: Service) -> None:
    assert "COST_LIMIT_EXCEEDED" not in gql(gateway, LIST_BY_VARIABLE, {"n": 55}).codes
    assert gql(gateway, LIST_BY_VARIABLE, {"n": 56}).codes == ["COST_LIMIT_EXCEEDED"]
