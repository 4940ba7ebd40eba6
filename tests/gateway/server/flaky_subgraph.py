"""The `people` subgraph behind a fault: every other POST answers 503, run as
`python flaky_subgraph.py PORT`. `GET /posts` says how many POSTs arrived, so a test can count
the gateway's attempts (a retried query costs two, a mutation is never sent twice).
"""

from __future__ import annotations

import sys

import uvicorn
from starlette.types import Receive, Scope, Send

from tests.gateway.server.server_subgraph import app as people

POSTS = [0]


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http" and scope["path"] == "/posts":
        body = str(POSTS[0]).encode()
        headers = [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    if scope["type"] == "http" and scope["method"] == "POST":
        POSTS[0] += 1
        if POSTS[0] % 2 == 1:
            headers = [(b"content-type", b"text/plain"), (b"content-length", b"4")]
            await send({"type": "http.response.start", "status": 503, "headers": headers})
            await send({"type": "http.response.body", "body": b"busy"})
            return
    await people(scope, receive, send)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
