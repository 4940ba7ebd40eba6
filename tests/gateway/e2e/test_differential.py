"""Random valid queries (hypothesis-graphql) answered by our gateway and by Apollo Gateway.

Both serve the same supergraph over the same subgraphs; for every generated query the `data`
must be identical and both must agree on whether there were errors. This reaches shapes the
hand-written cases do not: odd aliases, repeated fields, nested fragments, `__typename`.
"""

from __future__ import annotations

import pytest

from tests.gateway.e2e.e2e_support import Stack, assert_random_queries_agree

pytestmark = [pytest.mark.node, pytest.mark.integration]


def test_random_queries_match_apollo_gateway(e2e_stack: Stack, apollo_url: str) -> None:
    fields = ["me", "users", "topProducts", "topReviews"]
    assert_random_queries_agree(e2e_stack.supergraph, apollo_url, examples=40, fields=fields)
