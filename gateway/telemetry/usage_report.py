"""`gateway usage`: operations and fields per client app, read from a metrics scrape.

The figures are the gateway's own counters (`gateway_client_operations_total`,
`gateway_client_field_usage_total`, see `usage.py`), so the report needs no store of its own:
point it at a running gateway's metrics endpoint (with workers, any worker answers for all) or
at a saved scrape. They count since the gateway started; for "the last 30 days", query
Prometheus over the same counters (`increase(...[30d])`), as the README shows.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from prometheus_client.parser import text_string_to_metric_families

__all__ = ["ClientUsage", "read_scrape", "read_usage", "run_usage"]

TIMEOUT = 10.0


@dataclass(slots=True)
class ClientUsage:
    """One client's counts: by `operation_type operation_name`, and by `Type.field`."""

    operations: dict[str, int] = field(default_factory=dict)
    fields: dict[str, int] = field(default_factory=dict)


def read_usage(scrape: str) -> dict[str, ClientUsage]:
    """Per-client usage from a scrape in Prometheus' text format."""
    usage: defaultdict[str, ClientUsage] = defaultdict(ClientUsage)
    for family in text_string_to_metric_families(scrape):
        for sample in family.samples:
            labels, count = sample.labels, int(sample.value)
            if sample.name == "gateway_client_operations_total" and count:
                key = f"{labels['operation_type']} {labels['operation_name']}".rstrip()
                seen = usage[labels["client"]].operations
                seen[key] = seen.get(key, 0) + count
            elif sample.name == "gateway_client_field_usage_total" and count:
                usage[labels["client"]].fields[labels["coordinate"]] = count
    return dict(usage)


def read_scrape(source: str) -> str:
    """A scrape from a metrics URL or a file."""
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=TIMEOUT) as response:
            text: str = response.read().decode()
            return text
    return Path(source).read_text(encoding="utf-8")


def _print(usage: dict[str, ClientUsage]) -> None:
    if not usage:
        print("no client usage recorded (is metrics.enabled on?)")
    for client in sorted(usage):
        counts = usage[client]
        print(f"{client}: {sum(counts.operations.values())} operations")
        for name, count in sorted(counts.operations.items(), key=lambda item: -item[1]):
            print(f"  {count:>8}  {name}")
        if counts.fields:
            print("  fields:")
        for coordinate, count in sorted(counts.fields.items(), key=lambda item: -item[1]):
            print(f"  {count:>8}  {coordinate}")


def run_usage(source: str, *, as_json: bool) -> int:
    """The `gateway usage` command: 0, or 1 when the scrape cannot be read."""
    try:
        usage = read_usage(read_scrape(source))
    except (OSError, urllib.error.URLError, ValueError, KeyError) as error:
        print(f"gateway usage: cannot read metrics from {source}: {error}", file=sys.stderr)
        return 1
    if as_json:
        data = {
            client: {"operations": counts.operations, "fields": counts.fields}
            for client, counts in usage.items()
        }
        print(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode())
    else:
        _print(usage)
    return 0
