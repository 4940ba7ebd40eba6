"""Helpers for the accounts tests: GraphQL and internal calls over HTTP, and a direct DB reader.

The direct reader exists only to check what tests must see from outside the service: that a
refused mutation changed nothing, and (for the expired-token test) the stored signing key.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pymongo import MongoClient

from devstack.graphql_client import GraphQLResponse, post_graphql

SIGN_UP = """
mutation($input: SignUpInput!) {
  signUp(input: $input) { token expiresAt person { id displayName } }
}
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountsService:
    url: str
    internal_token: str
    mongodb_uri: str
    prefix: str
    pid: int

    @property
    def database(self) -> str:
        return f"{self.prefix}_accounts"

    def gql(
        self, query: str, variables: Mapping[str, Any] | None = None, token: str | None = None
    ) -> GraphQLResponse:
        return post_graphql(f"{self.url}/graphql", query, variables, token=token)

    def internal(
        self, path: str, payload: Mapping[str, Any] | None = None, *, token: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        return http_json(
            f"{self.url}{path}",
            payload,
            {"X-Internal-Token": self.internal_token if token is None else token},
        )

    def counts(self) -> dict[str, int]:
        """Document counts of every collection in accounts' database."""
        client: MongoClient[dict[str, Any]] = MongoClient(self.mongodb_uri)
        try:
            db = client[self.database]
            return {name: db[name].count_documents({}) for name in db.list_collection_names()}
        finally:
            client.close()

    def find_one(self, collection: str, query: Mapping[str, Any]) -> dict[str, Any] | None:
        client: MongoClient[dict[str, Any]] = MongoClient(self.mongodb_uri)
        try:
            return client[self.database][collection].find_one(dict(query))
        finally:
            client.close()


def http_json(
    url: str, payload: Mapping[str, Any] | None, headers: Mapping[str, str]
) -> tuple[int, dict[str, Any]]:
    """GET (no payload) or POST JSON; the status and decoded body, errors included."""
    data = None if payload is None else json.dumps(dict(payload)).encode()
    request = urllib.request.Request(url, data=data, method="GET" if data is None else "POST")
    request.add_header("Content-Type", "application/json")
    for key, value in headers.items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def codes(response: GraphQLResponse) -> list[str]:
    return [str((error.get("extensions") or {}).get("code")) for error in response.errors]


def ok(response: GraphQLResponse) -> dict[str, Any]:
    assert not response.errors, response.errors
    assert response.data is not None
    return response.data


@dataclass(frozen=True, slots=True, kw_only=True)
class SignedIn:
    token: str
    person_id: str
    email: str
    password: str


def sign_up(url: str, *, region: str = "EU", display_name: str = "Test Person") -> SignedIn:
    """A new person (unique email), signed in, against the accounts GraphQL endpoint at `url`."""
    email = f"p{uuid.uuid4().hex[:12]}@example.com"
    password = "correct horse battery"
    variables = {
        "input": {
            "email": email,
            "password": password,
            "displayName": display_name,
            "region": region,
        }
    }
    data = ok(post_graphql(f"{url}/graphql", SIGN_UP, variables))
    payload = data["signUp"]
    return SignedIn(
        token=payload["token"], person_id=payload["person"]["id"], email=email, password=password
    )
