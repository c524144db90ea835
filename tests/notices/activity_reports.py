"""Activity reports for rule tests, added to a SourceBuilder: every value explicit."""

from __future__ import annotations

from datetime import date, datetime

from source_builder import SourceBuilder, jst

LANDED = date(2025, 4, 10)  # every worker's landing as 特定技能1号, long before the reports
PREVIOUS_YEAR = (date(2025, 4, 1), date(2026, 3, 31))  # the period a 2026 report covers
ACTION = "事業主に対し、速やかに被保険者資格取得手続を行うよう指導した。"


def worker(src: SourceBuilder, name: str = "NGUYEN VAN TEST", **particulars) -> int:
    """An SSW worker with a card and a registered address."""
    person = src.person(name, **particulars)
    src.permit(person, "landing", "SSW1", LANDED, field="飲食料品製造業", expires=date(2027, 4, 9))
    src.notify(person, LANDED, jst(date(2025, 4, 20)), kind="after_landing", address="東京都千代田区千代田1-1 寮101")
    return person


def report(
    src: SourceBuilder,
    received: date,
    workers: list[tuple[int, str, date | None, str | None]],
    recorded: datetime | None = None,
    bureau: str = "TOKYO",
    employer: int | None = None,
    action: str | None = ACTION,
) -> int:
    """A report received on ``received``, entered at ``recorded`` (default: that day at noon JST), naming
    ``workers`` as (person, enrolment, hired_on, reason)."""
    report_id = src._add(
        "activity_reports", employer or src.employer_id, bureau, received, *PREVIOUS_YEAR, action,
        recorded or jst(received),
    )  # fmt: skip
    for person, enrolment, hired, reason in workers:
        src.rows["activity_report_workers"].append([report_id, person, enrolment, hired, reason])
    return report_id
