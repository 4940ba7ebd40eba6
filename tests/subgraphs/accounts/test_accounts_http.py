"""The HTTP edge of a subgraph: health, malformed requests answered as coded GraphQL errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.subgraphs.accounts.accounts_support import AccountsService, http_json

pytestmark = pytest.mark.integration


def test_health(accounts: AccountsService) -> None:
    assert http_json(f"{accounts.url}/health", None, {}) == (200, {"status": "ok"})


@pytest.mark.parametrize(
    "body",
    [b"{bad json", b"[]", b'{"query": 5}', b'{"query": "{ me { id } }", "variables": "x"}', b""],
)
def test_malformed_requests_get_a_coded_json_error(accounts: AccountsService, body: bytes) -> None:
    request = urllib.request.Request(
        f"{accounts.url}/graphql",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 400
    payload = json.loads(caught.value.read())
    assert payload["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
