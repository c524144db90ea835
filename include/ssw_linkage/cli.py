"""Command line: the same functions the DAG calls, without a scheduler.

ssw-linkage run --month 2026-05 --source sqlite:///demo.db --staging staging/
ssw-linkage seed --source sqlite:///demo.db --months 2026-03:2026-06 --events 5000
ssw-linkage spec > docs/data-dictionary.md
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from ssw_linkage import dictionary, errors, package, source, synthetic
from ssw_linkage.business_calendar import GovernmentCalendar, weekday_ja
from ssw_linkage.months import JST, DataMonth


def _month(text: str) -> DataMonth:
    try:
        return DataMonth.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _months(text: str) -> list[DataMonth]:
    first, _, last = text.partition(":")
    return _month(first).until(_month(last or first))


def _run(args: argparse.Namespace) -> int:
    started = time.monotonic()

    def progress(item: int, rows: int) -> None:
        print(f"  item {item}: {rows:,} rows …", file=sys.stderr)

    manifest = package.run_month(
        source.connect(args.source), args.month, args.staging, args.encoding, args.replace, progress
    )
    print(f"data month {manifest['data_month']}  →  {args.staging / args.month.compact}")
    print(f"{'item':>4} {'extracted':>10} {'written':>10} {'quarantined':>12}  file")
    for row in manifest["items"]:
        counts = f"{row['extracted']:>10,} {row['written']:>10,} {row['quarantined']:>12,}"
        print(f"{row['item']:>4} {counts}  {row['file']}")
    totals = manifest["totals"]
    elapsed = time.monotonic() - started
    print(
        f"{'all':>4} {totals['extracted']:>10,} {totals['written']:>10,} {totals['quarantined']:>12,}"
        f"  in {elapsed:.1f} s ({totals['extracted'] / max(elapsed, 1e-9):,.0f} rows/s)"
    )
    return 0


def _seed(args: argparse.Namespace) -> int:
    engine = source.connect(args.source)
    if args.drop_existing:
        source.drop_schema(engine)
    report = synthetic.seed(
        engine,
        args.months,
        args.events,
        args.seed,
        args.bad_rate,
        progress=lambda n: print(f"  {n:,} events loaded …", file=sys.stderr),
    )
    print(f"seeded {report.events:,} events: " + ", ".join(f"{t} {n:,}" for t, n in sorted(report.rows.items())))
    if report.injected:
        print("injected bad records: " + ", ".join(f"{k} {n}" for k, n in sorted(report.injected.items())))
    return 0


def _spec(args: argparse.Namespace) -> int:
    text = dictionary.render()
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _deadline(args: argparse.Namespace) -> int:
    calendar = GovernmentCalendar.from_environment()
    if args.year is None and args.month is None:
        print("error: give a data month (YYYY-MM) or --year YYYY", file=sys.stderr)
        return 2
    months = [args.month] if args.month else DataMonth(args.year, 1).until(DataMonth(args.year, 12))
    print("対象月   翌月の最終業務日    提出期限")
    for month in months:
        last, due = calendar.last_business_day(month.next()), calendar.deadline(month)
        print(f"{month}  {last}（{weekday_ja(last)}）  {due}（{weekday_ja(due)}）")
    return 0


def _missed(args: argparse.Namespace) -> int:
    last = args.to or DataMonth.of(datetime.now(JST)).previous()
    missing = package.missing_months(args.staging, args.first, last)
    if not missing:
        print(f"every data month from {args.first} to {last} has a published package")
        return 0
    calendar = GovernmentCalendar.from_environment()
    print("対象月   提出期限")
    for month in missing:
        due = calendar.deadline(month)
        print(f"{month}  {due}（{weekday_ja(due)}）")
    print("\nbackfill (unpause the DAG first):")
    for run in _runs(missing):
        print(
            f"  airflow backfill create --dag-id ssw_monthly_provision "
            f"--from-date {run[0].first_day} --to-date {run[-1].next().first_day - timedelta(days=1)}"
        )
    return 1


def _runs(months: list[DataMonth]) -> list[list[DataMonth]]:
    """Split sorted months into runs of consecutive months."""
    runs: list[list[DataMonth]] = []
    for month in months:
        if runs and runs[-1][-1].next() == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ssw-linkage", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="extract, validate and publish one data month")
    run.add_argument("--month", type=_month, required=True, help="data month, YYYY-MM")
    run.add_argument("--source", required=True, help="source database URL (sqlite:///… or postgresql://…)")
    run.add_argument("--staging", type=Path, required=True, help="staging directory")
    run.add_argument("--encoding", choices=sorted(package.ENCODINGS), default="cp932")
    run.add_argument("--replace", action="store_true", help="supersede a different published package")
    run.set_defaults(func=_run)

    seed = sub.add_parser("seed", help="create the source schema and load synthetic demo data")
    seed.add_argument("--source", required=True)
    seed.add_argument("--months", type=_months, required=True, help="YYYY-MM or YYYY-MM:YYYY-MM")
    seed.add_argument("--events", type=int, default=5_000)
    seed.add_argument("--seed", type=int, default=20190619)
    seed.add_argument("--bad-rate", type=float, default=0.0, help="share of stories given one bad record")
    seed.add_argument("--drop-existing", action="store_true", help="drop the source tables first")
    seed.set_defaults(func=_seed)

    spec = sub.add_parser("spec", help="print the data dictionary (Markdown)")
    spec.add_argument("--output", type=Path)
    spec.set_defaults(func=_spec)
    missed = sub.add_parser("missed", help="list data months with no published package, and how to backfill them")
    missed.add_argument("--staging", type=Path, required=True)
    missed.add_argument("--from", dest="first", type=_month, required=True, help="first data month to check")
    missed.add_argument("--to", type=_month, help="last data month to check (default: last month)")
    missed.set_defaults(func=_missed)

    deadline = sub.add_parser("deadline", help="the delivery deadline of a data month, or a year's table")
    deadline.add_argument("month", nargs="?", type=_month, help="data month, YYYY-MM")
    deadline.add_argument("--year", type=int, help="print every data month of this year")
    deadline.set_defaults(func=_deadline)
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except errors.PackageConflict as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
