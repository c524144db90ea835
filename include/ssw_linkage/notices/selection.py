"""Which activity reports a bureau notifies on a business day, and what their forms show.

A day's batch holds the reports the bureau entered (``recorded_at``) from the previous business day
00:00 JST up to the day itself 00:00 JST: the windows of consecutive business days meet, so each report
falls in exactly one day's batch, and a report entered late goes with the day after its entry, never
lost, never repeated. A report is notified when at least one worker it names as not enrolled is outside
the enrolment period on the report date (``enrolment``); the form lists those workers only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Engine, text

from ssw_linkage import source
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.errors import UsageError
from ssw_linkage.months import JST
from ssw_linkage.notices.enrolment import inside_period
from ssw_linkage.queries import render

SQL = "notices/not_enrolled.sql"


@dataclass(frozen=True)
class Employer:
    """The establishment (事業場) as the form shows it."""

    employer_id: int
    name: str | None
    address: str | None
    phone: str | None
    representative: str | None


@dataclass(frozen=True)
class Worker:
    """A worker reported as not enrolled, with the particulars in force on the report date."""

    person_id: int
    name_roman: str | None
    name_kanji: str | None
    nationality: str | None
    birth_date: date | None
    sex: str | None
    status: str | None
    expires_on: date | None
    address: str | None
    ssw_field: str | None
    card_number: str | None
    hired_on: date | None
    reason: str | None


@dataclass(frozen=True)
class Report:
    """An activity report to notify: the employer and the workers to report."""

    report_id: int
    received_on: date
    period_start: date
    period_end: date
    bureau_action: str | None
    employer: Employer
    workers: tuple[Worker, ...]


def window(day: date, calendar: GovernmentCalendar) -> tuple[datetime, datetime]:
    """The entry window of a business day's batch: [previous business day 00:00 JST, ``day`` 00:00 JST)."""
    if not calendar.is_business_day(day):
        raise UsageError(f"{day} is not a government business day ({calendar.closure_reason(day)}): no batch that day")
    return midnight(calendar.previous_business_day(day)), midnight(day)


def midnight(day: date) -> datetime:
    """00:00 JST of ``day``: where batch windows meet, and the as-of moment of a day's forms."""
    return datetime.combine(day, time(0), tzinfo=JST)


def _date(value: date | str | None) -> date | None:
    """A DATE column's value (SQLite gives ISO text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def select_reports(
    engine: Engine,
    bureau: str,
    day: date,
    period_days: int,
    calendar: GovernmentCalendar,
    already_notified: Collection[int] = (),
) -> list[Report]:
    """The reports of ``bureau``'s batch on ``day``, in order of report date then report id; reports in
    ``already_notified`` (published in an earlier batch) are left out."""
    start, end = window(day, calendar)
    params = {
        "bureau": bureau,
        "window_start": source.bind_timestamp(engine, start),
        "window_end": source.bind_timestamp(engine, end),
    }
    with engine.connect() as conn:
        rows = conn.execute(text(render(SQL, engine.dialect.name)), params).mappings().all()
    reported: dict[int, tuple[Mapping, list[Worker]]] = {}
    for row in rows:
        received, hired = _date(row["received_on"]), _date(row["hired_on"])
        if row["report_id"] in already_notified or inside_period(hired, received, period_days, calendar):
            continue
        worker = Worker(
            row["person_id"], row["name_roman"], row["name_kanji"], row["nationality"], _date(row["birth_date"]),
            row["sex"], row["status"], _date(row["expires_on"]), row["address"], row["ssw_field"],
            row["card_number"], hired, row["reason"],
        )  # fmt: skip
        reported.setdefault(row["report_id"], (row, []))[1].append(worker)
    return [_report(row, workers) for row, workers in reported.values()]


def _report(row: Mapping, workers: list[Worker]) -> Report:
    employer = Employer(
        row["employer_id"], row["employer_name"], row["employer_address"], row["employer_phone"],
        row["employer_representative"],
    )  # fmt: skip
    return Report(
        row["report_id"], _date(row["received_on"]), _date(row["period_start"]), _date(row["period_end"]),
        row["bureau_action"], employer, tuple(workers),
    )  # fmt: skip
