"""Benchmark: publish the 別添 notices of a whole report season (every bureau, every business day of April–May).

    python benchmarks/notice_benchmark.py --source sqlite:///demo/source.db --skip-seed   # the demo's data
    python benchmarks/notice_benchmark.py --source sqlite:////tmp/bench.db --events 30000

Prints forms, workers, seconds and forms per second (the form's font subset dominates the time).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from ssw_linkage import source, synthetic
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.months import DataMonth
from ssw_linkage.notices.batch import publish_day
from ssw_linkage.reference import bureaus


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", required=True)
    p.add_argument("--events", type=int, default=30_000)
    p.add_argument("--skip-seed", action="store_true", help="use the source as it is")
    args = p.parse_args()
    engine = source.connect(args.source)
    if not args.skip_seed:
        source.drop_schema(engine)
        synthetic.seed(engine, DataMonth(2026, 1).until(DataMonth(2026, 7)), args.events)
    calendar = GovernmentCalendar()
    days = [date(2026, 4, 1) + timedelta(days=n) for n in range(68)]  # reports entered up to early June
    forms = workers = 0
    with tempfile.TemporaryDirectory() as root:
        started = time.monotonic()
        for day in filter(calendar.is_business_day, days):
            for bureau in bureaus():
                batch = publish_day(engine, Path(root), bureau, day, calendar=calendar)
                forms, workers = forms + batch.forms, workers + batch.workers
        elapsed = time.monotonic() - started
    print(f"{forms:,} forms ({workers:,} workers) in {elapsed:.1f} s: {forms / elapsed:.2f} forms/s")


if __name__ == "__main__":
    main()
