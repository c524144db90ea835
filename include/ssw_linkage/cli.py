"""Command line: the same functions the DAG calls, without a scheduler.

ssw-linkage run --month 2026-05 --source sqlite:///demo.db --staging staging/
ssw-linkage seed --source sqlite:///demo.db --months 2026-03:2026-06 --events 5000
ssw-linkage spec > docs/data-dictionary.md
ssw-linkage verify /media/cdrom          (the receiver's check of a disc, a folder or an image)
ssw-linkage notices --day 2026-05-12 --source sqlite:///demo.db --notices notices/   (別添 notices of a day)
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
import time
import traceback
from datetime import date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

from ssw_linkage import PROVISION_DAG_ID, dictionary, errors, package, retention, source, synthetic
from ssw_linkage.audit import AuditLog
from ssw_linkage.business_calendar import GovernmentCalendar, weekday_ja
from ssw_linkage.disc.sender import Sender
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.notices import senders
from ssw_linkage.notices.enrolment import DEFAULT_PERIOD_DAYS
from ssw_linkage.reference import bureaus
from ssw_linkage.staging import Staging

FIRST_YEAR, LAST_YEAR = 2019, 2100  # the agreement's first year; a bound the calendar is sure to handle
BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports `yes | head`
PASSWORD_ENV, SENDER_ENV, CONTACT_ENV = "SSW_DISC_PASSWORD", "SSW_DISC_SENDER", "SSW_DISC_CONTACT"
MIN_PASSWORD_LENGTH = 8

EXIT_CODES = """exit codes:
  0  done
  1  missed: some data months have no published package
  2  usage: a wrong argument or option; nothing was done
  3  conflict: a different package is already published (rerun with --replace)
  4  not ready: the data month is not over yet; purge: not handed over, or still within its retention period
  5  source unavailable: the source database cannot be reached or holds no source schema
  6  staging: the staging directory is missing, not a directory or not writable
  7  integrity: counts do not reconcile, nothing was published; verify: the disc fails a check;
     audit --check: the audit log was edited or cut
141  the reader of the output went away (e.g. | head)
Errors are one line on stderr; add --verbose for the traceback."""


# The disc (fpdf, fontTools, pycdlib, pyzipper) and the notices' forms (fpdf) are imported by the commands that
# use them: about 50 MB and a third of a second that every other command, and `run` while it extracts, need not
# carry.


class _Parser(argparse.ArgumentParser):
    """Argument errors become one UsageError line instead of argparse's usage block."""

    def error(self, message: str):
        raise errors.UsageError(f"{message} (see {self.prog} --help)")


def _month(text: str) -> DataMonth:
    try:
        month = DataMonth.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if not FIRST_YEAR <= month.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"data month {month} is outside {FIRST_YEAR}-01..{LAST_YEAR}-12")
    return month


def _months(text: str) -> list[DataMonth]:
    first, _, last = text.partition(":")
    first_month, last_month = _month(first), _month(last or first)
    if first_month > last_month:
        raise argparse.ArgumentTypeError(f"{first_month} comes after {last_month}: write FIRST:LAST")
    return first_month.until(last_month)


def _year(text: str) -> int:
    year = int(text) if text.isdigit() else -1
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"not a year from {FIRST_YEAR} to {LAST_YEAR}: {text!r}")
    return year


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (expected YYYY-MM-DD): {text!r}") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"{day} is outside {FIRST_YEAR}..{LAST_YEAR}")
    return day


def _days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}")
    return int(text)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {text!r}")
    return int(text)


def _share(text: str) -> float:
    try:
        share = float(text)
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise argparse.ArgumentTypeError(f"not a share from 0 to 1: {text!r}")
    return share


def _existing_staging(path: Path) -> None:
    """Refuse to read a staging path that is missing or not a directory (a typo lists every month)."""
    if path.exists() and not path.is_dir():
        raise errors.StagingError(f"staging {path} is not a directory: check --staging")
    if not path.is_dir():
        raise errors.StagingError(f"no staging directory {path}: check --staging")


def _run(args: argparse.Namespace) -> int:
    password = _encryption_password() if args.encrypt and not args.no_disc else None
    engine = source.connect_existing(args.source)
    started = time.monotonic()

    def progress(item: int, rows: int) -> None:
        print(f"  item {item}: {rows:,} rows …", file=sys.stderr)

    manifest = package.run_month(engine, args.month, args.staging, args.encoding, args.replace, progress, args.trial)
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
    if not args.no_disc:
        from ssw_linkage.disc.build import build_disc

        _print_disc(build_disc(args.staging, args.month, _sender(args), password))
    return 0


def _encryption_password() -> str:
    """The disc password from SSW_DISC_PASSWORD or typed twice at a terminal; never an argument."""
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise errors.UsageError(f"--encrypt needs a password: set {PASSWORD_ENV} or type it at a terminal")
        password = getpass.getpass("disc password: ")
        if getpass.getpass("disc password again: ") != password:
            raise errors.UsageError("the two passwords differ; nothing was done")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise errors.UsageError(f"the disc password must have at least {MIN_PASSWORD_LENGTH} characters")
    return password


def _verify_password() -> str | None:
    """For an encrypted disc: SSW_DISC_PASSWORD, or typed at a terminal; None otherwise."""
    if PASSWORD_ENV in os.environ:
        return os.environ[PASSWORD_ENV]
    return getpass.getpass("disc password / パスワード: ") if sys.stdin.isatty() else None


def _sender(args: argparse.Namespace) -> Sender:
    default = Sender()
    return Sender(
        args.sender or os.environ.get(SENDER_ENV) or default.office,
        args.contact or os.environ.get(CONTACT_ENV) or default.contact,
    )


def _print_disc(disc) -> None:
    print(f"disc image   {disc.image}  ({disc.image_bytes:,} bytes, encrypted: {'yes' if disc.encrypted else 'no'})")
    print(f"  SHA-256    {disc.image_sha256}")
    print(f"cover sheet  {disc.cover}  (print it and hand it over with the disc)")


def _disc(args: argparse.Namespace) -> int:
    password = _encryption_password() if args.encrypt else None
    _existing_staging(args.staging)
    from ssw_linkage.disc.build import build_disc

    _print_disc(build_disc(args.staging, args.month, _sender(args), password))
    return 0


def _verify(args: argparse.Namespace) -> int:
    if not args.path.exists():
        raise errors.UsageError(f"no such disc, folder or image: {args.path}")
    from ssw_linkage.disc.verify import verify_disc

    report = verify_disc(args.path, _verify_password)
    print("\n".join(report.lines()))
    return 0 if report.ok else errors.IntegrityError.exit_code


def _notices(args: argparse.Namespace) -> int:
    from ssw_linkage.notices.batch import check_day, publish_day

    try:
        configured = senders.parse(args.senders.read_text(encoding="utf-8") if args.senders else "")
    except OSError as error:
        raise errors.UsageError(f"cannot read --senders {args.senders}: {error.strerror}") from None
    check_day(args.day, GovernmentCalendar.from_environment())  # before anything is printed or done
    engine = source.connect_existing(args.source)
    print(f"day {args.day}  →  {args.notices}")
    print(f"{'bureau':<10} {'forms':>5} {'workers':>7}  numbers")
    for code in args.bureau or list(bureaus()):
        batch = publish_day(engine, args.notices, code, args.day, args.period_days, configured.get(code))
        print(f"{code:<10} {batch.forms:>5} {batch.workers:>7}  {batch.numbers()}")
    print("sign-off: the bureau's officer approves each batch in Airflow (ssw_insurance_notice, Required Actions)")
    return 0


def _seed(args: argparse.Namespace) -> int:
    engine = source.connect(args.source)
    present = source.existing_tables(engine)
    if present and args.if_empty:
        print(f"{source.describe(engine)} already holds the source tables: left as it is")
        return 0
    if present and not args.drop_existing:
        raise errors.UsageError(
            f"{source.describe(engine)} already holds the source tables: add --drop-existing to replace them"
        )
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
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise errors.UsageError(
            f"cannot write --output {args.output}: {error.strerror} (check the path; its directory must exist)"
        ) from None
    return 0


def _deadline(args: argparse.Namespace) -> int:
    if (args.year is None) == (args.month is None):
        raise errors.UsageError("give either a data month (YYYY-MM) or --year YYYY")
    calendar = GovernmentCalendar.from_environment()
    months = [args.month] if args.month else DataMonth(args.year, 1).until(DataMonth(args.year, 12))
    print("対象月   翌月の最終業務日    提出期限")
    for month in months:
        last, due = calendar.last_business_day(month.next()), calendar.deadline(month)
        print(f"{month}  {last}（{weekday_ja(last)}）  {due}（{weekday_ja(due)}）")
    return 0


def _missed(args: argparse.Namespace) -> int:
    _existing_staging(args.staging)
    finished = DataMonth.of(datetime.now(JST)).previous()
    last = args.to or finished
    for month in (args.first, last):
        if month > finished:
            raise errors.NotReady(
                f"data month {month} is not over yet, so it cannot be missing: the last finished month is {finished}"
            )
    if args.first > last:
        raise errors.UsageError(f"--from {args.first} comes after --to {last}: give the earlier month first")
    missing = package.missing_months(args.staging, args.first, last)
    checked = len(args.first.until(last))
    if not missing:
        print(f"every data month from {args.first} to {last} has a published package in {args.staging}")
        return 0
    calendar = GovernmentCalendar.from_environment()
    span = f"{len(missing)} of {checked} data months from {args.first} to {last}"
    print(f"{span} have no published package in {args.staging}:")
    print("\n  data month  deadline (提出期限)")
    for month in missing:
        due = calendar.deadline(month)
        print(f"  {month}     {due}（{weekday_ja(due)}）")
    print(BACKFILL_HOW.format(dag=PROVISION_DAG_ID))
    ranges = _runs(missing)
    for n, run in enumerate(ranges, start=1):
        first_day, last_day = run[0].first_day, run[-1].next().first_day - timedelta(days=1)
        step = f"  # {n} of {len(ranges)}: start it once the one before has finished\n" if n > 1 else ""
        print(
            f"{step}  airflow backfill create --dag-id {PROVISION_DAG_ID} --from-date {first_day} --to-date {last_day}"
            f" --reprocess-behavior completed --max-active-runs {len(run)}"
        )
    print(BACKFILL_HELP.format(dag=PROVISION_DAG_ID, staging=args.staging, month=missing[0]))
    return 1


BACKFILL_HOW = """
To backfill them with Airflow, where `airflow` reaches the deployment's metadata database (a running
scheduler executes the runs; Airflow allows one open backfill per DAG):
  airflow dags unpause {dag}"""
BACKFILL_HELP = """
- `--reprocess-behavior completed` reruns months whose earlier runs failed, were cancelled, or succeeded
  before their package went missing; without it Airflow creates no run for them and says nothing.
- `--max-active-runs` (the number of months) starts every month at once: each run then waits in
  `handover` for its officer without holding back the others (Airflow's default, 10, would stop the
  backfill after ten months until their handovers are recorded); the DAG extracts two months at a time.
- "Another backfill is running for Dag {dag}": an earlier backfill is still open. Let its runs
  finish (or cancel it in the UI: the DAG's Backfill banner), wait half a minute for the scheduler to
  close it, then run the command again. A month whose run is still running is skipped: let it end first.
- Without Airflow, one month at a time:
  ssw-linkage run --month {month} --source SOURCE_URL --staging {staging}"""


def _audit(args: argparse.Namespace) -> int:
    _existing_staging(args.staging)
    log = AuditLog(args.staging)
    if not args.check:
        for entry in log.entries(args.month):
            facts = {k: v for k, v in entry.items() if k not in ("seq", "time", "event", "month", "revision", "actor")}
            revision = f"r{entry['revision']}" if entry["revision"] else "-"
            print(
                f"{entry['seq']:>4} {entry['time']} {entry['month']} {revision:<3} {entry['event']:<11} "
                f"{entry['actor']}  {json.dumps(facts, ensure_ascii=False, sort_keys=True)}"
            )
        return 0
    problems = log.check()
    if problems:
        raise errors.IntegrityError(f"audit log {log.path} is not whole: {'; '.join(problems)}")
    print(f"audit log {log.path}: {len(log.entries())} entries, chain and HEAD intact")
    return 0


def _purge(args: argparse.Namespace) -> int:
    _existing_staging(args.staging)
    result = retention.purge(args.staging, args.month, args.retention_days)
    print(
        f"{args.month} r{result['revision']}: {result['files_removed']} files removed; manifest, cover sheet, "
        "delivery records and audit log kept"
    )
    return 0


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
    p = _Parser(
        prog="ssw-linkage",
        description=__doc__.splitlines()[0],
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {version('ssw-linkage')}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="log progress, and show the traceback of an error")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, func) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=summary, description=summary, parents=[common])
        cmd.set_defaults(func=func)
        return cmd

    source_help = "source database URL: sqlite:///path/to/source.db or postgresql://user@host:port/db"
    run = command("run", "extract, validate and publish one data month (exactly what the DAG runs)", _run)
    run.add_argument("--month", type=_month, required=True, help="data month, YYYY-MM; it must be over")
    run.add_argument("--source", required=True, help=source_help + " (must hold the source tables)")
    run.add_argument("--staging", type=Path, required=True, help="staging directory (created if missing)")
    run.add_argument(
        "--encoding", choices=sorted(package.ENCODINGS), default="cp932", help="CSV encoding (default: cp932)"
    )
    run.add_argument(
        "--replace",
        action="store_true",
        help="supersede a different published package (the old one goes to STAGING/.superseded/)",
    )
    run.add_argument("--no-disc", action="store_true", help="publish the package only; build no disc image")
    _disc_options(run)
    _trial_option(run)

    disc = command("disc", "(re)build the disc image and cover sheet of a published data month", _disc)
    disc.add_argument("--month", type=_month, required=True, help="data month, YYYY-MM, with a ready package")
    disc.add_argument("--staging", type=Path, required=True, help="staging directory (must exist)")
    _disc_options(disc)
    _trial_option(disc)

    verify = command("verify", "check a disc, a folder or an image file (for the receiver: MHLW, JPS)", _verify)
    verify.epilog = (
        f"exit 0 when every check passes, 7 when one fails (one line per problem). An encrypted disc is "
        f"opened with the password from {PASSWORD_ENV}, or typed when asked at a terminal."
    )
    verify.add_argument("path", type=Path, help="mounted disc (e.g. /media/cdrom, D:\\), folder or .ISO image")

    notices = command("notices", "select, number and publish one business day's 別添 notices (as the DAG)", _notices)
    notices.add_argument("--day", type=_day, required=True, help="business day, YYYY-MM-DD; it must have begun")
    notices.add_argument("--source", required=True, help=source_help + " (must hold the source tables)")
    notices.add_argument("--notices", type=Path, required=True, help="notices directory (created if missing)")
    notices.add_argument(
        "--bureau", action="append", choices=list(bureaus()), help="a bureau (repeat for several; default: all)"
    )
    notices.add_argument(
        "--period-days",
        type=_days,
        default=DEFAULT_PERIOD_DAYS,
        help=f"enrolment period in days after hiring (default: {DEFAULT_PERIOD_DAYS})",
    )
    notices.add_argument(
        "--senders", type=Path, help="JSON file: each bureau's officer, contact and approvers (default: placeholders)"
    )

    seed = command("seed", "create the source schema and load synthetic demo data", _seed)
    seed.add_argument("--source", required=True, help=source_help + " (an SQLite file is created)")
    seed.add_argument(
        "--months", type=_months, required=True, help="data months the events fall in: YYYY-MM or YYYY-MM:YYYY-MM"
    )
    seed.add_argument("--events", type=_positive, default=5_000, help="about how many events (default: 5000)")
    seed.add_argument("--seed", type=int, default=20190619, help="random seed: the same seed gives the same data")
    seed.add_argument("--bad-rate", type=_share, default=0.0, help="share (0..1) of stories given one bad record")
    existing = seed.add_mutually_exclusive_group()
    existing.add_argument("--drop-existing", action="store_true", help="drop the source tables first")
    existing.add_argument("--if-empty", action="store_true", help="do nothing (exit 0) if the source tables exist")

    spec = command("spec", "print the data dictionary (Markdown)", _spec)
    spec.add_argument("--output", type=Path, help="write it to this file instead of standard output")

    missed = command("missed", "list finished data months with no published package, and how to backfill them", _missed)
    missed.epilog = "exit 0 when every month has a package, 1 when some are missing (listed)"
    missed.add_argument("--staging", type=Path, required=True, help="staging directory (must exist)")
    missed.add_argument("--from", dest="first", type=_month, required=True, help="first data month to check")
    missed.add_argument("--to", type=_month, help="last data month to check (default: last month)")

    audit = command("audit", "print the audit log of a staging directory, or check that it is whole", _audit)
    audit.epilog = "with --check: exit 0 when every line follows the one before it and HEAD names the last, else 7"
    audit.add_argument("--staging", type=Path, required=True, help="staging directory (must exist)")
    audit.add_argument("--check", action="store_true", help="verify the chain of SHA-256 digests and HEAD")
    audit.add_argument("--month", type=_month, help="print only this data month's events")
    _trial_option(audit)

    purge = command("purge", "delete a handed-over month's personal data once its retention period is over", _purge)
    purge.epilog = "exit 0 when purged, 4 when the month was not handed over or its retention period is not over"
    purge.add_argument("--month", type=_month, required=True, help="data month, YYYY-MM, handed over to MHLW")
    purge.add_argument("--staging", type=Path, required=True, help="staging directory (must exist)")
    purge.add_argument(
        "--retention-days",
        type=_days,
        default=retention.DEFAULT_RETENTION_DAYS,
        help=f"days kept after the handover (default: {retention.DEFAULT_RETENTION_DAYS})",
    )
    _trial_option(purge)

    deadline = command("deadline", "the delivery deadline of a data month, or a year's table", _deadline)
    deadline.add_argument("month", nargs="?", type=_month, help="data month, YYYY-MM")
    deadline.add_argument("--year", type=_year, help="print every data month of this year instead")
    return p


def _disc_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--encrypt",
        action="store_true",
        help=f"put the data files in an AES-256 ZIP; the password comes from {PASSWORD_ENV} or is typed when asked",
    )
    cmd.add_argument("--sender", help=f"sender office on the cover sheet (default: {SENDER_ENV}, else a placeholder)")
    cmd.add_argument("--contact", help=f"contact on the cover sheet (default: {CONTACT_ENV}, else a placeholder)")


def _trial_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument(
        "--trial",
        action="store_true",
        help="the trial run (初回試験): work in STAGING/trial, apart from the real months; papers marked 試験",
    )


def main(argv: list[str] | None = None) -> int:
    """Run one command; a failure is one line on stderr and the exit code of its class."""
    args = None
    try:
        args = parser().parse_args(argv)
        logging.basicConfig(
            level=logging.INFO if args.verbose else logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        if getattr(args, "trial", False):
            args.staging = Staging(args.staging).trial().root
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except errors.SswError as error:
        if args is not None and args.verbose:
            traceback.print_exc()
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to say to a closed pipe
        return BROKEN_PIPE
