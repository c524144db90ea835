"""Benchmark: seed N events into one data month and publish it; prints load and run figures.

    python benchmarks/month_benchmark.py --source postgresql://postgres@127.0.0.1:5432/test --events 1000000
    /usr/bin/time -v python benchmarks/month_benchmark.py --skip-seed …   # peak memory of the run alone

On PostgreSQL it works in its own schema (``ssw_bench``), dropped and recreated by the seed step.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from ssw_linkage import package, source, synthetic
from ssw_linkage.months import DataMonth

SCHEMA = "ssw_bench"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", required=True)
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--month", type=DataMonth.parse, default=DataMonth(2026, 5))
    p.add_argument("--skip-seed", action="store_true", help="reuse the data of an earlier run")
    args = p.parse_args()
    url = args.source
    if url.startswith("postgres"):
        if not args.skip_seed:
            with source.connect(url).begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        url = f"{url}?options=-csearch_path%3D{SCHEMA}"
    engine = source.connect(url)
    if not args.skip_seed:
        started = time.monotonic()
        report = synthetic.seed(engine, [args.month], args.events)
        seconds = time.monotonic() - started
        print(f"seed: {report.events:,} events in {seconds:.1f} s ({report.events / seconds:,.0f} events/s)")
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
    window = source.window_params(engine, args.month)
    with engine.connect() as conn:
        events = sum(
            conn.execute(text(f"SELECT COUNT(*) FROM {table} WHERE recorded_at >= :window_start AND recorded_at < :window_end"), window).scalar_one()  # noqa: S608,E501 - table names from EVENT_TABLES
            for table in synthetic.EVENT_TABLES
        )
    print(f"month {args.month}: {events:,} source events recorded in the window")
    with tempfile.TemporaryDirectory() as staging:
        started = time.monotonic()
        manifest = package.run_month(engine, args.month, Path(staging))
        seconds = time.monotonic() - started
        rows = manifest["totals"]["extracted"]
        size = sum(i["bytes"] for i in manifest["items"])
        print(f"run:  {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s), {size / 1e6:.0f} MB CSV")
        for item in manifest["items"]:
            print(f"      item {item['item']}: {item['extracted']:,}")


if __name__ == "__main__":
    main()
