"""Sending a subgraph request that carries files: a multipart POST, the files streamed.

The HTTP/1 client (`http1.py`) sends whole bodies held in memory, which suits JSON and not
files, so a request with files goes through aiohttp (already the subscriptions' client), whose
multipart writer reads each file's chunks as it sends them (chunked transfer encoding). Such
requests are mutations in practice and rare next to queries, so the cost per request that made
`http1.py` worth writing does not matter here. As for any mutation, nothing is retried or
shared. The subgraph's answer is bounded like `http1.py`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp

from gateway.transports.files import multipart_parts
from gateway.transports.http1 import DEFAULT_MAX_BODY_BYTES
from gateway.transports.outcomes import Failed, RawAnswer
from gateway.transports.protocol import SUBREQUEST_HTTP_ERROR, SubgraphFailure

__all__ = ["UploadSender"]

MAX_REDIRECTS = 3

_NOT_SENT = frozenset(
    {"host", "content-length", "content-type", "transfer-encoding", "connection", "keep-alive",
     "upgrade", "te", "trailer", "expect", "proxy-connection", "accept-encoding"}
)  # fmt: skip


class UploadSender:
    """One aiohttp session (no cookies), opened on the first upload and closed with the
    transport."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(
        self,
        service_name: str,
        url: str,
        headers: Mapping[str, str],
        body: Mapping[str, Any],
        seconds: float,
    ) -> RawAnswer | Failed:
        """POST `body` as a multipart request within `seconds`; a failure is a value."""
        if self._session is None:
            self._session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
        sent = {k: v for k, v in headers.items() if k.lower() not in _NOT_SENT}
        # Servers with CSRF prevention (Apollo Server, graphql-yoga) want a preflight header
        # on multipart requests; the gateway has already checked the client's.
        sent.update({"apollo-require-preflight": "true", "accept": "application/json"})
        timeout = aiohttp.ClientTimeout(total=seconds)
        try:
            for _ in range(MAX_REDIRECTS + 1):
                async with self._session.post(
                    url, data=_writer(body), headers=sent, timeout=timeout, allow_redirects=False
                ) as response:
                    target = _same_origin_redirect(url, response)
                    if target is not None:  # the files are spooled: they can be sent again
                        url = target
                        continue
                    payload = await response.content.read(DEFAULT_MAX_BODY_BYTES + 1)
                    if len(payload) > DEFAULT_MAX_BODY_BYTES:
                        return _failed(service_name, "the answer is too large", "other")
                    return RawAnswer(response.status, response.reason, payload)
            return _failed(service_name, "too many redirects", "other")
        except TimeoutError:
            return _failed(service_name, f"no answer within {seconds:g}s", "timeout")
        except aiohttp.ClientConnectorError as error:
            return _failed(service_name, f"cannot connect ({error.os_error})", "connect")
        except (aiohttp.ClientError, ValueError) as error:
            return _failed(service_name, str(error) or error.__class__.__name__, "lost")


def _writer(body: Mapping[str, Any]) -> aiohttp.MultipartWriter:
    """`operations`, `map` and the files, each file read from its spool as it is sent."""
    operations, mapping, files = multipart_parts(body)
    writer = aiohttp.MultipartWriter("form-data")
    for name, content in (("operations", operations), ("map", mapping)):
        part = writer.append(content, {"Content-Type": "application/json"})
        part.set_content_disposition("form-data", name=name)
    for index, upload in enumerate(files):
        kind = upload.content_type or "application/octet-stream"
        part = writer.append(upload.chunks(), {"Content-Type": kind})
        part.set_content_disposition(
            "form-data", name=str(index), filename=upload.filename or str(index)
        )
    return writer


def _same_origin_redirect(url: str, response: aiohttp.ClientResponse) -> str | None:
    """Where a 307/308 to the same origin points (a subgraph mounted at `/graphql/` answers
    `/graphql` with one), as `http.py` follows them; any other answer: None."""
    location = response.headers.get("location")
    if response.status not in (307, 308) or not location:
        return None
    target = urljoin(url, location)
    before, after = urlsplit(url), urlsplit(target)
    if (before.scheme, before.netloc) != (after.scheme, after.netloc):
        return None
    return target


def _failed(service_name: str, reason: str, kind: Any) -> Failed:
    failure = SubgraphFailure(
        message=f"HTTP fetch failed from '{service_name}': {reason}", code=SUBREQUEST_HTTP_ERROR
    )
    return Failed(failure, kind)
