"""Client request batching: a POST body that is a JSON array of GraphQL requests is answered
with a JSON array of responses, in the same order (Apollo Router's query batching format).

Each item is one request to the endpoint's single-request pipeline (`run`), so it passes every
security control a lone request does: persisted documents, authentication, the rate limit
(each item counts), the document limits, cost and authorization. Items run concurrently, as
Apollo Router and Cosmo Router run them; a client that needs one mutation to follow another
sends them in separate requests. A batch that cannot run at all (batching off, empty, over
`batching.max_size`) is one error response, not an array; an item that cannot be read gets a
BAD_REQUEST error in its slot, and the other items run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from starlette.responses import Response

from gateway.config import BatchingConfig
from gateway.runtime import GraphQLRequest
from gateway.server.params import BatchPayload, RequestProblem, from_json
from gateway.server.responses import BAD_REQUEST, JsonBytesResponse, error_body, graphql_response

__all__ = ["BATCH_LIMIT_EXCEEDED", "BatchResponse", "answer_batch"]

BATCH_LIMIT_EXCEEDED = "BATCH_LIMIT_EXCEEDED"
RunOne = Callable[[GraphQLRequest], Awaitable[Response]]
_KEPT_HEADERS = frozenset({"x-supergraph-hash", "www-authenticate", "retry-after", "allow"})


class BatchResponse(JsonBytesResponse):
    """The array of answers. `items` keeps each answer's body: plugins (`server/plugged.py`)
    run their hooks on the way out once per item and serialise the array again."""

    items: tuple[Mapping[str, Any], ...] = ()


def _refusal(batch: BatchPayload, config: BatchingConfig) -> tuple[str, str] | None:
    """Why the batch as a whole cannot run: (message, code), or None."""
    if not config.enabled:
        message = "Batched requests (a JSON array) are not enabled on this gateway."
        return message, BAD_REQUEST
    if not batch.items:
        return "The batch is empty: send at least one request in the array.", BAD_REQUEST
    if len(batch.items) > config.max_size:
        message = (
            f"The batch has {len(batch.items)} requests; the limit is {config.max_size} "
            "(batching.max_size)."
        )
        return message, BATCH_LIMIT_EXCEEDED
    return None


async def _one(item: GraphQLRequest | RequestProblem, run: RunOne) -> Response | dict[str, Any]:
    if isinstance(item, RequestProblem):
        return error_body(f"Batch item: {item.message}", item.code)
    return await run(item)


def _body(answer: Response | dict[str, Any]) -> Mapping[str, Any]:
    """One item's GraphQL body; an answer that is not one JSON body (a stream) cannot be put
    in the array, so its slot says so."""
    if isinstance(answer, dict):
        return answer
    body = getattr(answer, "graphql_body", None)
    if isinstance(body, Mapping):
        return body
    message = "This request cannot be answered inside a batch (its answer is a stream)."
    return error_body(message, BAD_REQUEST)


def _status_and_headers(answers: list[Response | dict[str, Any]]) -> tuple[int, dict[str, str]]:
    """The items' status when they all agree (a bad token: 401 for every item), else 200; the
    headers of the first answer that clients act on (the supergraph hash, a challenge)."""
    statuses = {a.status_code if isinstance(a, Response) else 400 for a in answers}
    status = statuses.pop() if len(statuses) == 1 else 200
    headers: dict[str, str] = {}
    for answer in answers:
        if isinstance(answer, Response):
            for name, value in answer.headers.items():
                if name in _KEPT_HEADERS and (status != 200 or name == "x-supergraph-hash"):
                    headers.setdefault(name, value)
    return status, headers


async def answer_batch(
    batch: BatchPayload, config: BatchingConfig, media: str, run: RunOne
) -> Response:
    """The array of answers to `batch`, or one error when the batch cannot run."""
    refusal = _refusal(batch, config)
    if refusal is not None:
        message, code = refusal
        return graphql_response(error_body(message, code), 400, media)
    items = [from_json(item) for item in batch.items]
    answers = list(await asyncio.gather(*(_one(item, run) for item in items)))
    bodies = [_body(answer) for answer in answers]
    status, headers = _status_and_headers(answers)
    response = BatchResponse(orjson.dumps(bodies), status, media, headers)
    errors = [error for body in bodies for error in body.get("errors", ())]
    response.graphql_body = {"errors": errors} if errors else {"data": {}}
    response.items = tuple(bodies)
    return response
