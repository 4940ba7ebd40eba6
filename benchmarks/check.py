"""Send one real request and compare the answer with the reference response, key order aside."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import orjson

from benchmarks.workload import query_text, reference_response

__all__ = ["Check", "check_gateway", "wait_until_correct"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    """One verified request: whether it matched, the body's length, and what went wrong."""

    ok: bool
    length: int
    detail: str = ""


def _first_difference(got: Any, want: Any, path: str = "$") -> str:
    if type(got) is not type(want):
        return f"{path}: got {str(got)[:80]!r}, want {str(want)[:80]!r}"
    if isinstance(want, dict):
        for key in sorted(set(got) | set(want)):
            if key not in got or key not in want:
                return f"{path}.{key}: present in {'got' if key in got else 'want'} only"
            if got[key] != want[key]:
                return _first_difference(got[key], want[key], f"{path}.{key}")
    if isinstance(want, list):
        if len(got) != len(want):
            return f"{path}: {len(got)} items, want {len(want)}"
        for index, (g, w) in enumerate(zip(got, want, strict=True)):
            if g != w:
                return _first_difference(g, w, f"{path}[{index}]")
    return f"{path}: got {str(got)[:80]!r}, want {str(want)[:80]!r}"


def check_gateway(url: str, *, authorization: str | None = None, timeout: float = 30) -> Check:
    """POST the workload query once and compare the JSON answer with the reference."""
    headers = {"content-type": "application/json", "accept": "application/json"}
    if authorization:
        headers["authorization"] = authorization
    body = orjson.dumps({"query": query_text(), "operationName": "TestQuery"})
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        return Check(ok=False, length=0, detail=f"HTTP {error.code}: {error.read()[:300]!r}")
    except (OSError, TimeoutError) as error:
        return Check(ok=False, length=0, detail=f"{type(error).__name__}: {error}")
    try:
        got = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return Check(ok=False, length=len(raw), detail=f"not JSON: {raw[:200]!r}")
    want = reference_response()
    if got == want:
        return Check(ok=True, length=len(raw))
    return Check(ok=False, length=len(raw), detail=_first_difference(got, want))


def wait_until_correct(url: str, *, deadline_s: float, alive: Any = None) -> Check:
    """Poll until the gateway answers (correctly or not), it dies, or the deadline passes."""
    last = Check(ok=False, length=0, detail="never answered")
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if alive is not None and not alive():
            return Check(ok=False, length=0, detail=f"process exited; last: {last.detail}")
        last = check_gateway(url, timeout=10)
        if last.ok or last.length:
            return last
        time.sleep(0.25)
    return last
