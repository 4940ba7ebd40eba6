"""What plugins cost per request: none loaded, hooks that do nothing, and the stamp example.

`python -m benchmarks.growth.plugins` builds the gateway's ASGI app over memoised subgraph
answers (seven subgraph requests per query) with each set of plugins and times the same warm
request through each, interleaved in rounds as `telemetry.py` does. With no plugin loaded the
endpoint and the transport are the ones of a gateway without plugins (the chain is looked at
once, when the app is built), so `measure_check` times what is left per request: the one
`is not None` check before execution.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
import timeit
from typing import Any

import orjson

from benchmarks.growth.telemetry import _call
from benchmarks.growth.transport import MemoTransport
from benchmarks.subgraphs.schema import build_subgraph_schema
from benchmarks.workload import SUBGRAPH_NAMES, SUPERGRAPH, query_text

__all__ = ["measure_apps", "measure_check", "measure_plugins"]


class _NoOp:
    """Every hook, doing nothing: the price of the calls themselves."""

    async def on_request(self, ctx: object) -> None:
        return None

    async def on_operation(self, ctx: object) -> None:
        return None

    async def on_plan(self, ctx: object) -> None:
        return None

    async def on_subgraph_request(self, ctx: object) -> None:
        return None

    async def on_subgraph_response(self, ctx: object) -> None:
        return None

    async def on_response(self, ctx: object) -> None:
        return None


def _plugin_sets() -> dict[str, list[object]]:
    from examples.plugins.stamp import plugin as stamp

    return {"none": [], "no-op hooks": [_NoOp()], "stamp": [stamp]}


async def measure_apps(
    variants: dict[str, tuple[Any, list[object]]],
    rounds: int,
    per_round: int,
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> dict[str, float]:
    """Median microseconds per warm request through each variant's app (`Config`, plugins),
    interleaved in rounds; the first variant is the baseline the others are printed against."""
    from gateway.server.app import create_app
    from gateway.supergraph import SupergraphProblems, load_supergraph

    supergraph = load_supergraph(SUPERGRAPH.read_text())
    if isinstance(supergraph, SupergraphProblems):
        raise RuntimeError(f"workload supergraph does not load: {supergraph}")
    memo = MemoTransport({name: build_subgraph_schema(name) for name in SUBGRAPH_NAMES})
    body = orjson.dumps({"query": query_text(), "operationName": "TestQuery"})
    apps = {}
    for name, (config, plugins) in variants.items():
        app = create_app(config, supergraph=supergraph, transport=memo, plugins=plugins)
        for _ in range(30):  # warm: cached document, plan, shapes and answers
            assert await _call(app, body, headers) == 200
        apps[name] = app
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, *gc.get_threshold()[1:])
    samples: dict[str, list[float]] = {name: [] for name in apps}
    order = list(apps.items())
    for turn in range(rounds):
        for name, app in order[turn % len(order) :] + order[: turn % len(order)]:
            start = time.perf_counter()
            for _ in range(per_round):
                await _call(app, body, headers)
            samples[name].append((time.perf_counter() - start) / per_round)
    gc.unfreeze()
    result = {name: statistics.median(found) * 1e6 for name, found in samples.items()}
    base = next(iter(result.values()))
    for name, micros in result.items():
        print(
            f"  {name:>12}: {micros:8.1f} us/request  ({micros - base:+6.1f} us vs {order[0][0]})"
        )
    return result


async def _measure(rounds: int, per_round: int) -> dict[str, Any]:
    from gateway.config import Config, MetricsConfig

    config = Config(metrics=MetricsConfig(enabled=False))
    variants = {name: (config, plugins) for name, plugins in _plugin_sets().items()}
    result = await measure_apps(variants, rounds, per_round)
    return {"us_per_request": result, "rounds": rounds, "per_round": per_round}


def measure_plugins(*, rounds: int = 15, per_round: int = 40) -> dict[str, Any]:
    """Median microseconds per warm request for each set of plugins."""
    return asyncio.run(_measure(rounds, per_round))


def measure_check(calls: int = 1_000_000) -> float:
    """Nanoseconds per request that plugins cost when none is loaded: the endpoint's check."""
    from gateway.config import Config, MetricsConfig
    from gateway.plugins import PluginChain
    from gateway.server.endpoint import GraphQLEndpoint
    from gateway.server.state import ServingState

    config = Config(metrics=MetricsConfig(enabled=False))
    state = ServingState(config, MemoTransport({}))
    endpoint = GraphQLEndpoint(state, config, None, plugins=PluginChain([]))
    nanos = min(timeit.repeat("e._plugins is not None", globals={"e": endpoint}, number=calls))
    nanos = nanos / calls * 1e9
    print(f"  the check with no plugin loaded: {nanos:.1f} ns per request")
    return nanos


if __name__ == "__main__":
    print("plugins, none loaded:")
    measure_check()
    print("whole warm requests through the ASGI app:")
    measure_plugins()
