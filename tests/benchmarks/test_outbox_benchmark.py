"""The outbox benchmark, run small: the deployed topology (nginx, FerretDB, Redis, real
subgraph and gateway processes) drains due cross-posts with one and with two whatsapp workers,
and its own exactly-once accounting finds every cross-post delivered once. No rate is asserted;
the figures in docs/scaling.md come from `python -m benchmarks outbox`."""

from __future__ import annotations

import pytest

from benchmarks.outbox import outbox_markdown, run_outbox_benchmark

pytestmark = pytest.mark.integration

STATUSES = 6


def test_two_whatsapp_workers_drain_due_cross_posts_exactly_once() -> None:
    report = run_outbox_benchmark(STATUSES, None, poll_seconds=0.2, batch_size=4)
    assert [run.whatsapp_replicas for run in report.runs] == [1, 2]
    for run in report.runs:
        assert (run.duplicates, run.lost) == (0, 0), run
        assert run.statuses == STATUSES
        assert run.cross_posts_per_s > 0
        assert {"whatsapp", "facebook", "instagram"} <= run.cpu_ms_per_status.keys()
    rows = outbox_markdown(report).splitlines()
    assert rows[2].startswith(f"| 1 | {STATUSES} |")
    assert rows[3].startswith(f"| 2 | {STATUSES} |")
