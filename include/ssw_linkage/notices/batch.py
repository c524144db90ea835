"""A bureau's batch of notices for one business day: numbered, rendered, published atomically, signed off once.

Numbers run per bureau and fiscal year (April to March, by the batch's day) and are given when a batch is
published, under the bureau's lock: 1 + the highest number of the fiscal year's published batches. So
there is never a gap or a repeat, whatever order days are published in (a day caught up late takes the
next numbers). A published batch is never rebuilt: a rerun of its day checks every file against its
manifest and returns it as it is (same numbers, same bytes), and a report already in a published batch
is never taken again. A batch directory without READY (a publish killed half-way) was never signed off:
the next run of the bureau removes it, and its day is built again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine

from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.errors import IntegrityError, NotReady, UsageError
from ssw_linkage.months import JST
from ssw_linkage.notices import register
from ssw_linkage.notices.enrolment import DEFAULT_PERIOD_DAYS
from ssw_linkage.notices.form import notice_form, number_text
from ssw_linkage.notices.layout import (
    MANIFEST,
    READY,
    REGISTER,
    SIGNOFF,
    NoticesDir,
    fiscal_register_name,
    fiscal_year,
    form_name,
    is_ready,
    is_unfinished,
    manifest,
    remove_tree,
)
from ssw_linkage.notices.register import SignOff
from ssw_linkage.notices.selection import Report, midnight, select_reports, window
from ssw_linkage.notices.senders import NoticeSender, placeholder
from ssw_linkage.reference import Bureau, bureaus
from ssw_linkage.staging import install_ready, private_file, sha256_file, write_atomically

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Batch:
    """A bureau's batch of one day, as published (or empty: no form that day)."""

    bureau: str
    day: date
    directory: Path | None
    forms: int
    workers: int
    first_number: int | None
    last_number: int | None
    sign_off: SignOff | None

    def numbers(self) -> str:
        """``東京局第12号～第15号``, or ``—`` for an empty batch."""
        if not self.forms:
            return "—"
        bureau = bureaus()[self.bureau]
        first = number_text(bureau, self.first_number)
        return first if self.forms == 1 else f"{first}～第{self.last_number}号"

    def summary(self) -> dict:
        """What the DAG's tasks return and the CLI prints: counts, numbers and where, no personal data."""
        return {
            "bureau": self.bureau,
            "day": self.day.isoformat(),
            "forms": self.forms,
            "workers": self.workers,
            "numbers": self.numbers(),
            "directory": str(self.directory) if self.directory else None,
            "sign_off": self.sign_off.decision if self.sign_off else None,
        }


def _bureau(code: str) -> Bureau:
    try:
        return bureaus()[code]
    except KeyError:
        raise UsageError(f"unknown bureau {code!r}; codes are {', '.join(bureaus())}") from None


def _published(batch: Path) -> Batch:
    data = manifest(batch)
    forms = data["forms"]
    return Batch(
        data["bureau"],
        date.fromisoformat(data["day"]),
        batch,
        len(forms),
        sum(f["workers"] for f in forms),
        forms[0]["number"] if forms else None,
        forms[-1]["number"] if forms else None,
        SignOff.read(batch),
    )


def _verify(batch: Path) -> None:
    """Every form of a published batch is there, unchanged, and nothing else is."""
    data = manifest(batch)
    expected = {f["file"]: f["sha256"] for f in data["forms"]}
    present = {p.name for p in batch.iterdir()}
    problems = sorted(set(expected) - present) + sorted(present - set(expected) - {MANIFEST, REGISTER, READY, SIGNOFF})
    problems += [name for name, digest in expected.items() if name in present and sha256_file(batch / name) != digest]
    if problems:
        raise IntegrityError(
            f"published batch {batch} is not as published ({', '.join(problems)} missing, extra or changed): "
            "restore it from its backup; its forms may have been sent"
        )


def check_day(day: date, calendar: GovernmentCalendar, now: datetime | None = None) -> None:
    """Refuse a day with no batch: a government closure, or a day not begun (reports may still come in)."""
    window(day, calendar)
    if midnight(day) > (now or datetime.now(JST)):
        raise NotReady(f"{day} has not begun: reports may still be entered for its batch; nothing was done")


def publish_day(
    engine: Engine,
    root: Path,
    bureau_code: str,
    day: date,
    period_days: int = DEFAULT_PERIOD_DAYS,
    sender: NoticeSender | None = None,
    calendar: GovernmentCalendar | None = None,
    now: datetime | None = None,
) -> Batch:
    """Select, number, render and publish the bureau's batch of ``day`` (a business day that has begun);
    a batch already published is checked and returned as it is."""
    calendar = calendar or GovernmentCalendar.from_environment()
    bureau = _bureau(bureau_code)
    check_day(day, calendar, now)
    if period_days < 0:
        raise UsageError(f"the enrolment period is a number of days, at least 0: {period_days}")
    notices = NoticesDir(root).prepare()
    with notices.lock(bureau.code):
        target = notices.batch(bureau.code, day)
        if target.exists() and not is_unfinished(target):
            _verify(target)
            log.info("batch %s %s already published; left as it is", bureau.code, day)
            return _published(target)
        published = _published_batches(notices, bureau.code, {fiscal_year(day), fiscal_year(day) - 1})
        taken = {f["report_id"] for m in published for f in m["forms"]}
        reports = select_reports(engine, bureau.code, day, period_days, calendar, already_notified=taken)
        if not reports:
            log.info("batch %s %s: no report to notify", bureau.code, day)
            return Batch(bureau.code, day, None, 0, 0, None, None, None)
        year = fiscal_year(day)
        first = 1 + max((f["number"] for m in published if m["fiscal_year"] == year for f in m["forms"]), default=0)
        build = notices.build(bureau.code, day)
        _build(build, reports, first, bureau, day, period_days, sender or placeholder(bureau), window(day, calendar))
        install_ready(build, target)
        _write_registers(notices, bureau.code, year)
    batch = _published(target)
    log.info("batch %s %s published: %d forms, %d workers, %s", bureau.code, day, batch.forms, batch.workers,
             batch.numbers())  # fmt: skip
    return batch


def _published_batches(notices: NoticesDir, bureau: str, years: set[int]) -> list[dict]:
    """The manifests of the bureau's published batches in ``years``; unfinished ones are removed first."""
    found = []
    for day, path in notices.batches(bureau).items():
        if is_unfinished(path):
            log.warning("removing the unfinished batch %s %s (its publish did not complete)", bureau, day)
            remove_tree(path)
        elif fiscal_year(day) in years:
            found.append(manifest(path))
    return found


def _build(
    build: Path,
    reports: list[Report],
    first: int,
    bureau: Bureau,
    day: date,
    period_days: int,
    sender: NoticeSender,
    entered: tuple[datetime, datetime],
) -> None:
    forms = []
    for number, report in enumerate(reports, start=first):
        pdf = notice_form(report, number, day, bureau, sender, period_days)
        name = form_name(bureau.code, fiscal_year(day), number)
        with private_file(build / name) as f:
            f.write(pdf)
        forms.append(
            {
                "number": number,
                "number_text": number_text(bureau, number),
                "report_id": report.report_id,
                "received_on": report.received_on.isoformat(),
                "employer_id": report.employer.employer_id,
                "employer": report.employer.name or "",
                "workers": len(report.workers),
                "file": name,
                "bytes": len(pdf),
                "sha256": sha256_file(build / name),
            }
        )
    data = {
        "bureau": bureau.code,
        "bureau_name": bureau.name_ja,
        "day": day.isoformat(),
        "fiscal_year": fiscal_year(day),
        "window": {"recorded_from": entered[0].isoformat(), "recorded_before": entered[1].isoformat()},
        "enrolment_period_days": period_days,
        "forms": forms,
    }
    with private_file(build / MANIFEST) as f:
        f.write((json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    register.write(build / REGISTER, register.lines(data, None))



def _write_registers(notices: NoticesDir, bureau: str, year: int) -> None:
    """The fiscal year's register, from every published batch of the year in day order."""
    numbered = []
    for day, path in notices.batches(bureau).items():
        if fiscal_year(day) == year and is_ready(path):
            data = manifest(path)
            numbered += zip((f["number"] for f in data["forms"]), register.lines(data, SignOff.read(path)))
    register.write(notices.bureau(bureau) / fiscal_register_name(year), [row for _, row in sorted(numbered)])


def record_sign_off(root: Path, bureau_code: str, day: date, sign_off: SignOff) -> SignOff:
    """Record the officer's decision on a published batch in its SIGNOFF.JSON and the registers, once:
    a second call leaves everything as it is and returns the first decision."""
    bureau = _bureau(bureau_code)
    notices = NoticesDir(root).prepare()
    with notices.lock(bureau.code):
        batch = notices.batch(bureau.code, day)
        if not is_ready(batch):
            raise NotReady(f"no published batch {bureau.code} {day} to sign off")
        recorded = SignOff.read(batch)
        if recorded is not None:
            log.info("batch %s %s was already signed off (%s); left as it is", bureau.code, day, recorded.decision)
            return recorded
        write_atomically(batch / SIGNOFF, sign_off.to_json())
        register.write(batch / REGISTER, register.lines(manifest(batch), sign_off))
        _write_registers(notices, bureau.code, fiscal_year(day))
    log.info("batch %s %s signed off: %s", bureau.code, day, sign_off.decision)
    return sign_off


def awaiting_sign_off(root: Path, day: date) -> list[Batch]:
    """The published batches of ``day`` (every bureau) that nobody has signed off yet."""
    notices = NoticesDir(root)
    waiting = []
    for code in bureaus():
        batch = notices.root / code / day.isoformat()
        if is_ready(batch) and SignOff.read(batch) is None:
            waiting.append(_published(batch))
    return waiting
