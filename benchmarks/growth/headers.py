"""What header forwarding costs per request: through the setting, and as the `HeaderRules` plugin.

`python -m benchmarks.growth.headers` builds the gateway's ASGI app three times over memoised
subgraph answers (seven subgraph requests per query, as `plugins.py`): forwarding nothing;
forwarding `authorization` and `x-tenant` with `headers.forward`; and the same two headers with
the `HeaderRules` plugin and no setting. Every request carries both headers and one more that is
never forwarded. The setting applies the rules once per client request; the plugin once per
subgraph request, through the plugin wrapper around the transport. This is the measurement
behind keeping the setting as the fast path (docs/plugins.md).
"""

from __future__ import annotations

import asyncio
from typing import Any

from benchmarks.growth.plugins import measure_apps

__all__ = ["measure_headers"]

FORWARDED = ("authorization", "x-tenant")
SENT = (
    (b"authorization", b"Bearer benchmark-token"),
    (b"x-tenant", b"acme"),
    (b"x-request-id", b"not-forwarded"),
)


def measure_headers(*, rounds: int = 15, per_round: int = 40) -> dict[str, Any]:
    """Median microseconds per warm request: none forwarded, the setting, the plugin."""
    from gateway.config import Config, HeadersConfig, MetricsConfig
    from gateway.plugins import HeaderRules

    plain = Config(metrics=MetricsConfig(enabled=False))
    setting = Config(metrics=MetricsConfig(enabled=False), headers=HeadersConfig(forward=FORWARDED))
    variants: dict[str, tuple[Any, list[object]]] = {
        "none": (plain, []),
        "setting": (setting, []),
        "plugin": (plain, [HeaderRules({"forward": list(FORWARDED)})]),
    }
    result = asyncio.run(measure_apps(variants, rounds, per_round, SENT))
    return {"us_per_request": result, "rounds": rounds, "per_round": per_round}


if __name__ == "__main__":
    print("header forwarding, whole warm requests through the ASGI app:")
    measure_headers()
