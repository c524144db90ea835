"""Which reports a bureau notifies on a day, and which workers their forms list: SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from activity_reports import report, worker
from source_builder import SourceBuilder, jst

from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.errors import UsageError
from ssw_linkage.notices.selection import select_reports, window

CALENDAR = GovernmentCalendar()
TUESDAY, WEDNESDAY = date(2026, 5, 12), date(2026, 5, 13)  # the week after Golden Week (05-06 a substitute holiday)


@pytest.fixture
def src(engine) -> SourceBuilder:
    return SourceBuilder(engine)


def selected(src: SourceBuilder, day: date, bureau: str = "TOKYO", **kwargs) -> dict[int, list[int]]:
    reports = select_reports(src.engine, bureau, day, 5, CALENDAR, **kwargs)
    return {r.report_id: [w.person_id for w in r.workers] for r in reports}


def test_the_enrolment_period_boundary_recent_hires_and_enrolled_workers(src):
    last_day, day_after, enrolled, long_ago, no_hire_date, hired_later = (worker(src) for _ in range(6))
    mixed = report(src, TUESDAY, [
        (last_day, "not_enrolled", date(2026, 5, 7), "雇用直後"),  # Thursday + 5 days = Tuesday: still inside
        (day_after, "not_enrolled", date(2026, 5, 6), "手続漏れ"),  # its period ended on Monday 05-11: reported
        (enrolled, "enrolled", date(2026, 5, 1), None),
        (long_ago, "not_enrolled", date(2025, 4, 10), "本人の希望"),
        (no_hire_date, "not_enrolled", None, None),  # nothing shows the period has not run out
        (hired_later, "not_enrolled", date(2026, 5, 14), None),  # hired after the report date: nothing due yet
    ])  # fmt: skip
    only_recent = report(src, TUESDAY, [(worker(src), "not_enrolled", date(2026, 5, 8), None)])
    clean = report(src, TUESDAY, [(worker(src), "enrolled", date(2025, 4, 10), None)])
    src.load()
    assert selected(src, WEDNESDAY) == {mixed: [day_after, long_ago, no_hire_date]}
    assert only_recent not in selected(src, WEDNESDAY) and clean not in selected(src, WEDNESDAY)


def test_a_period_ending_on_a_closed_day_runs_to_the_next_business_day(src):
    monday_hire, friday_hire = worker(src), worker(src)
    # Hired Monday 05-11: day five is Saturday 05-16, so the period runs to Monday 05-18 (休日法2条).
    weekend = report(src, date(2026, 5, 18), [(monday_hire, "not_enrolled", date(2026, 5, 11), None)])
    # Hired Friday 05-08: day five is Wednesday 05-13, a business day; by Monday 05-18 it has run out.
    late = report(src, date(2026, 5, 18), [(friday_hire, "not_enrolled", date(2026, 5, 8), None)])
    src.load()
    assert selected(src, date(2026, 5, 19)) == {late: [friday_hire]}
    assert weekend not in selected(src, date(2026, 5, 19))


def test_each_report_lands_in_exactly_one_day_by_when_it_was_entered_in_jst(src):
    entered = {
        "friday_evening": jst(date(2026, 5, 8), 23, 59),
        "saturday": jst(date(2026, 5, 9), 10),
        "monday_midnight": jst(date(2026, 5, 11), 0, 0),
        "monday_early": jst(date(2026, 5, 11), 8, 59),  # still Sunday 23:59 in UTC
        "monday_noon": jst(date(2026, 5, 11), 12),
        "tuesday_midnight": jst(date(2026, 5, 12), 0, 0),
    }
    ids = {
        name: report(src, moment.date(), [(worker(src), "not_enrolled", None, None)], recorded=moment)
        for name, moment in entered.items()
    }
    src.load()
    days = (date(2026, 5, 11), TUESDAY, WEDNESDAY)
    batches = {day: sorted(selected(src, day)) for day in days}
    assert batches == {
        date(2026, 5, 11): sorted([ids["friday_evening"], ids["saturday"]]),
        TUESDAY: sorted([ids["monday_midnight"], ids["monday_early"], ids["monday_noon"]]),
        WEDNESDAY: [ids["tuesday_midnight"]],
    }


def test_a_closed_day_has_no_batch_and_the_window_spans_the_closure():
    with pytest.raises(UsageError, match="not a government business day"):
        window(date(2026, 5, 6), CALENDAR)
    start, end = window(date(2026, 5, 7), CALENDAR)  # after Golden Week: from Friday 05-01
    assert (start.isoformat(), end.isoformat()) == ("2026-05-01T00:00:00+09:00", "2026-05-07T00:00:00+09:00")


def test_only_the_bureaus_own_reports_and_none_already_notified(src):
    tokyo = report(src, TUESDAY, [(worker(src), "not_enrolled", None, None)])
    osaka = report(src, TUESDAY, [(worker(src), "not_enrolled", None, None)], bureau="OSAKA")
    src.load()
    assert list(selected(src, WEDNESDAY)) == [tokyo]
    assert list(selected(src, WEDNESDAY, "OSAKA")) == [osaka]
    assert selected(src, WEDNESDAY, already_notified={tokyo}) == {}


def test_the_form_shows_what_was_in_force_on_the_report_date_as_known_before_the_day(src):
    person = worker(src, "LE THI OLD", birth=date(1999, 4, 30), sex="F", kanji=None)
    src.particulars(person, date(2026, 5, 20), name="LE THI NEW")  # changed after the report date
    src.notify(person, date(2026, 5, 1), jst(date(2026, 5, 13), 9), address="大阪府大阪市北区1-1")  # arrived later
    reported = report(src, TUESDAY, [(person, "not_enrolled", date(2025, 4, 10), "手続中")])
    src.load()
    (found,) = select_reports(src.engine, "TOKYO", WEDNESDAY, 5, CALENDAR)
    (shown,) = found.workers
    assert found.report_id == reported and found.received_on == TUESDAY and found.employer.name == "株式会社テスト"
    assert (shown.name_roman, shown.birth_date, shown.sex, shown.status, shown.ssw_field) == (
        "LE THI OLD", date(1999, 4, 30), "F", "特定技能1号", "飲食料品製造業"
    )
    assert (shown.address, shown.expires_on, shown.card_number, shown.reason) == (
        "東京都千代田区千代田1-1 寮101", date(2027, 4, 9), "AB00000001CD", "手続中"
    )
