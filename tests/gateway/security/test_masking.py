"""Error masking as a pure function: what production lets out of a subgraph's error."""

from __future__ import annotations

from gateway.security.masking import MASKED_MESSAGE, mask_errors

ALLOWED = ("code", "serviceName")


def test_internal_subgraph_errors_lose_message_and_extensions() -> None:
    body = {
        "data": {"me": None},
        "errors": [
            {
                "message": "pymongo.errors.ServerSelectionTimeoutError: db-7:27017",
                "path": ["me"],
                "extensions": {
                    "code": "INTERNAL_SERVER_ERROR",
                    "serviceName": "accounts",
                    "stacktrace": ["Traceback (most recent call last):", "  File ..."],
                    "exception": {"type": "ServerSelectionTimeoutError"},
                },
                "debug": "extra top-level key",
            },
            {"message": "no code at all", "extensions": {"serviceName": "whatsapp"}},
        ],
    }
    masked = mask_errors(body, ALLOWED)
    assert masked == {
        "data": {"me": None},
        "errors": [
            {
                "message": MASKED_MESSAGE,
                "path": ["me"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "serviceName": "accounts"},
            },
            {"message": MASKED_MESSAGE, "extensions": {"serviceName": "whatsapp"}},
        ],
    }
    assert "Traceback" in str(body)  # the input is left as it was


def test_client_facing_errors_keep_their_message() -> None:
    error = {
        "message": "The token was revoked.",
        "path": ["me"],
        "extensions": {"code": "UNAUTHENTICATED", "serviceName": "accounts", "when": 1},
    }
    masked = mask_errors({"errors": [error]}, ALLOWED)
    assert masked["errors"] == [
        {
            "message": "The token was revoked.",
            "path": ["me"],
            "extensions": {"code": "UNAUTHENTICATED", "serviceName": "accounts"},
        }
    ]


def test_gateway_errors_keep_their_message() -> None:
    error = {
        "message": "Cannot query field 'x'.",
        "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
    }
    assert mask_errors({"errors": [error]}, ALLOWED) == {"errors": [error]}
