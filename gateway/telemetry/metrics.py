"""Prometheus metrics of one gateway: requests, subgraph fetches, caches, subscriptions, and the
scrape endpoint.

Every metric sits in the gateway's own `CollectorRegistry` (several gateways may share a
process). Labelled children are looked up once and kept (`_Children`): prometheus-client's
`labels()` checks and locks on every call, several microseconds a request otherwise.

With several worker processes a scrape reaches one of them, so each worker's numbers alone
would be wrong. prometheus-client's multiprocess mode is used instead: `gateway serve
--workers N` creates a temporary folder and names it in `PROMETHEUS_MULTIPROC_DIR` before the
workers start (`multiprocess_folder`); prometheus-client then keeps every value in a file there
and a scrape of any worker adds up all the files. The in-flight gauge sums live processes only.
A worker that dies and is replaced leaves its counters in the folder (as it should: counters
never go down), and its in-flight files too until the server stops.

Cardinality: operation names come from clients, so only the first `operation_names` distinct
names of valid operations get a label of their own; later ones are counted as `other`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["MULTIPROC_ENV", "GatewayMetrics", "ServingFacts", "multiprocess_folder"]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Seconds: a cached query through the gateway takes a few milliseconds, a timeout seconds."""
OTHER = "other"

M = TypeVar("M", Counter, Histogram, Gauge)


class _Children(Generic[M]):
    """A labelled metric's children by label values, each looked up once."""

    __slots__ = ("_children", "_metric")

    def __init__(self, metric: M) -> None:
        self._metric: M = metric
        self._children: dict[tuple[str, ...], M] = {}

    def __call__(self, *values: str) -> M:
        child = self._children.get(values)
        if child is None:
            child = self._children[values] = self._metric.labels(*values)
        return child


class GatewayMetrics:
    """The gateway's metrics and their `GET /metrics` endpoint."""

    def __init__(self, operation_names: int) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._multiprocess = MULTIPROC_ENV in os.environ
        if not self._multiprocess:
            ProcessCollector(registry=self.registry)
        registry = self.registry
        operation = ("operation_type", "operation_name")
        self._requests = _Children(
            Counter(
                "gateway_requests",
                "GraphQL requests answered, by operation and outcome",
                (*operation, "outcome"),
                registry=registry,
            )
        )
        self._latency = _Children(
            Histogram(
                "gateway_request_duration_seconds",
                "Time from receiving a GraphQL request to its answer",
                operation,
                buckets=BUCKETS,
                registry=registry,
            )
        )
        self.in_flight = Gauge(
            "gateway_requests_in_flight",
            "GraphQL requests being answered",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self._fetches = _Children(
            Counter(
                "gateway_subgraph_fetches",
                "HTTP requests to subgraphs, by outcome (ok, http_error, error, timeout, "
                "cancelled)",
                ("subgraph", "outcome"),
                registry=registry,
            )
        )
        self._fetch_latency = _Children(
            Histogram(
                "gateway_subgraph_fetch_duration_seconds",
                "Time a subgraph took to answer (retries of a stale connection included)",
                ("subgraph",),
                buckets=BUCKETS,
                registry=registry,
            )
        )
        self._documents = _Children(
            Counter(
                "gateway_document_cache_lookups",
                "Documents looked up in the document cache, by result (hit, miss)",
                ("result",),
                registry=registry,
            )
        )
        self._plans = _Children(
            Counter(
                "gateway_plan_cache_lookups",
                "Validated operations whose plan was already built (hit) or was built (miss)",
                ("result",),
                registry=registry,
            )
        )
        self._entity_cache = _Children(
            Counter(
                "gateway_entity_cache_lookups",
                "Entities and root queries looked up in the entity cache, by subgraph, type "
                "and result (hit, miss)",
                ("subgraph", "type", "result"),
                registry=registry,
            )
        )
        self._client_operations = _Children(
            Counter(
                "gateway_client_operations",
                "GraphQL requests by client app (bounded: metrics.client_names or the first "
                "metrics.clients names, then 'other') and operation",
                ("client", *operation),
                registry=registry,
            )
        )
        self._client_fields = _Children(
            Counter(
                "gateway_client_field_usage",
                "Executed operations selecting each Type.field, by client app "
                "(metrics.field_usage)",
                ("client", "coordinate"),
                registry=registry,
            )
        )
        self._subscriptions_open = _Children(
            Gauge(
                "gateway_subscriptions_open",
                "Subscriptions streaming now, by transport (websocket, sse, multipart)",
                ("transport",),
                registry=registry,
                multiprocess_mode="livesum",
            )
        )
        self._subscription_events = _Children(
            Counter(
                "gateway_subscription_events",
                "Subscription events sent towards clients (each run through its plan), by "
                "transport",
                ("transport",),
                registry=registry,
            )
        )
        self._names: set[str] = set()
        self._serving: _ServingCollector | None = None
        self._max_names = operation_names

    def operation_label(self, name: str, valid: bool) -> str:
        """The label for operation `name`: itself while few names were seen, else `other`."""
        if name in self._names:
            return name
        if valid and len(self._names) < self._max_names:
            self._names.add(name)
            return name
        return OTHER

    def request(self, kind: str, name: str, outcome: str, seconds: float) -> None:
        """One GraphQL request answered."""
        self._requests(kind, name, outcome).inc()
        self._latency(kind, name).observe(seconds)

    def client_request(
        self, client: str, kind: str, name: str, fields: frozenset[str] = frozenset()
    ) -> None:
        """One GraphQL request of client app `client` (a bounded label) and the fields its
        operation selected."""
        self._client_operations(client, kind, name).inc()
        for coordinate in fields:
            self._client_fields(client, coordinate).inc()

    def fetch(self, subgraph: str, outcome: str, seconds: float) -> None:
        """One HTTP request to a subgraph ended."""
        self._fetches(subgraph, outcome).inc()
        self._fetch_latency(subgraph).observe(seconds)

    def document_lookup(self, hit: bool) -> None:
        self._documents("hit" if hit else "miss").inc()

    def plan_lookup(self, hit: bool) -> None:
        self._plans("hit" if hit else "miss").inc()

    def entity_cache_lookups(self, subgraph: str, type_name: str, hits: int, misses: int) -> None:
        """One lookup of the entity cache: how many were found and how many were not."""
        if hits:
            self._entity_cache(subgraph, type_name, "hit").inc(hits)
        if misses:
            self._entity_cache(subgraph, type_name, "miss").inc(misses)

    def subscription_opened(self, transport: str) -> None:
        self._subscriptions_open(transport).inc()

    def subscription_closed(self, transport: str) -> None:
        self._subscriptions_open(transport).dec()

    def subscription_event(self, transport: str) -> None:
        self._subscription_events(transport).inc()

    def watch_serving(self, serving: Callable[[], ServingFacts]) -> None:
        """Report what `serving` says at each scrape: the supergraph served (its hash), its
        reloads, and each subgraph's circuit. These are this process's own view: with
        workers, the worker that answers the scrape says what it serves."""
        self._serving = _ServingCollector(serving)
        if not self._multiprocess:
            self.registry.register(self._serving)

    async def endpoint(self, request: Request) -> Response:
        """`GET /metrics`: the text format; with workers, the sum over every worker's files."""
        registry = self.registry
        if self._multiprocess:
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            if self._serving is not None:
                registry.register(self._serving)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


@dataclass(frozen=True, slots=True)
class ServingFacts:
    """What the server serves now, read at each scrape (`ServingState`, the HTTP transport)."""

    supergraph_hash: str | None
    reloads: int
    refused_reloads: int
    circuits: Mapping[str, str]
    """Subgraph name -> closed, open or half_open, for the subgraphs called so far."""


class _ServingCollector:
    """A prometheus-client collector over `ServingFacts` (values known only at scrape time)."""

    def __init__(self, serving: Callable[[], ServingFacts]) -> None:
        self._serving = serving

    def collect(self) -> Iterator[Metric]:
        facts = self._serving()
        info = GaugeMetricFamily(
            "gateway_supergraph_info", "The supergraph served, by hash (1)", labels=["hash"]
        )
        if facts.supergraph_hash is not None:
            info.add_metric([facts.supergraph_hash], 1)
        yield info
        reloads = CounterMetricFamily(
            "gateway_supergraph_reloads",
            "Supergraph reloads, by result (installed, refused)",
            labels=["result"],
        )
        reloads.add_metric(["installed"], facts.reloads)
        reloads.add_metric(["refused"], facts.refused_reloads)
        yield reloads
        circuits = GaugeMetricFamily(
            "gateway_subgraph_circuit_open",
            "1 while a subgraph's circuit breaker is open (or half open, probing), else 0",
            labels=["subgraph", "state"],
        )
        for name, state in sorted(facts.circuits.items()):
            circuits.add_metric([name, state], 0 if state == "closed" else 1)
        yield circuits


@contextlib.contextmanager
def multiprocess_folder() -> Iterator[None]:
    """A `PROMETHEUS_MULTIPROC_DIR` for the workers started inside, removed after them.

    One named by the deployment is kept as it is (and not removed): it may be shared with a
    process manager that cleans it itself.
    """
    if os.environ.get(MULTIPROC_ENV):
        yield
        return
    folder = tempfile.mkdtemp(prefix="gateway-metrics-")
    os.environ[MULTIPROC_ENV] = folder
    try:
        yield
    finally:
        os.environ.pop(MULTIPROC_ENV, None)
        shutil.rmtree(folder, ignore_errors=True)
