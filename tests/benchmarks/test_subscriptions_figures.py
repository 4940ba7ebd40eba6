"""The subscription benchmark's pure parts: percentiles and the figures of a run (no timing is
asserted; the benchmark itself runs only as `python -m benchmarks subscriptions`)."""

from __future__ import annotations

from benchmarks.subscriptions import percentile, summarize, to_markdown


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([], 99) == 0.0


def test_a_run_counts_missed_deliveries_and_divides_per_subscription() -> None:
    run = summarize(
        gateway="ours",
        people=2,
        events=4,
        expected=10,
        latencies_s=[0.001, 0.002, 0.003, 0.004, 0.010, 0.005, 0.006, 0.007],
        errors=1,
        seconds=2.0,
        rss_added=4 * 1024 * 1024,
        subscriptions=1024,
        cpu_s={"gateway": 0.08, "whatsapp": 0.16},
    )
    assert run.deliveries == 8
    assert run.missed == 2
    assert run.p50_ms == 4.0
    assert run.p99_ms == 10.0
    assert run.max_ms == 10.0
    assert run.deliveries_per_s == 4.0
    assert run.rss_kb_per_subscription == 4.0
    assert run.gateway_cpu_ms_per_delivery == 10.0
    assert run.whatsapp_cpu_ms_per_delivery == 20.0
    table = to_markdown([run])
    assert table.splitlines()[2].startswith("| ours | 1024 | 2 | 4 | 8 | 2 | 1 |")
