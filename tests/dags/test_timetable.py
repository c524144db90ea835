"""MonthlyProvisionTimetable: run dates and data intervals for every month of 2019–2031."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pendulum
import pytest
from airflow.timetables.base import TimeRestriction

from ssw_linkage.airflow_glue.timetable import MonthlyProvisionTimetable
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.months import JST, DataMonth

TT = MonthlyProvisionTimetable("07:00")
START = pendulum.datetime(2019, 6, 1, tz="Asia/Tokyo")


def schedule(first: datetime, last: datetime | None = None, catchup: bool = True):
    restriction, info, infos = TimeRestriction(first, last, catchup), None, []
    while len(infos) < 200:
        info = TT.next_dagrun_info(last_automated_data_interval=info and info.data_interval, restriction=restriction)
        if info is None:
            break
        infos.append(info)
    return infos


def test_every_month_2019_to_2031_runs_on_the_first_business_day_after_it():
    cal = GovernmentCalendar()
    infos = schedule(START, pendulum.datetime(2031, 12, 31, tz="Asia/Tokyo"))
    months = DataMonth(2019, 6).until(DataMonth(2031, 12))
    assert len(infos) == len(months)
    for info, month in zip(infos, months, strict=True):
        assert info.data_interval.start == month.start and info.data_interval.end == month.end
        assert info.logical_date == month.start
        run = info.run_after.astimezone(JST)
        assert run.time() == time(7, 0) and DataMonth.of(run) == month.next()
        assert cal.is_business_day(run.date())
        assert not any(cal.is_business_day(d) for d in _days(month.next().first_day, run.date()))


def _days(first: date, before: date):
    return [first + timedelta(days=n) for n in range((before - first).days)]


@pytest.mark.parametrize(
    ("month", "run"),
    [
        ("2019-04", "2019-05-07T07:00:00+09:00"),  # enthronement and Golden Week: 1–6 May closed
        ("2026-04", "2026-05-01T07:00:00+09:00"),  # Friday 1 May 2026 is a business day
        ("2025-12", "2026-01-05T07:00:00+09:00"),  # 1–3 Jan closed, 4 Jan a Sunday
        ("2026-12", "2027-01-04T07:00:00+09:00"),
        ("2026-10", "2026-11-02T07:00:00+09:00"),  # 1 Nov 2026 is a Sunday
    ],
)
def test_run_dates_around_holidays(month, run):
    assert TT.run_after(DataMonth.parse(month)).isoformat() == run


def test_jst_midnight_decides_the_month_of_manual_runs():
    june = TT.infer_manual_data_interval(run_after=pendulum.datetime(2026, 5, 31, 15, 30, tz="UTC"))
    may = TT.infer_manual_data_interval(run_after=pendulum.datetime(2026, 5, 31, 14, 59, tz="UTC"))
    assert june.start == DataMonth(2026, 6).start and may.start == DataMonth(2026, 5).start
    assert may.end == datetime(2026, 6, 1, tzinfo=JST)


@pytest.mark.parametrize("tz", ["UTC", "Asia/Tokyo"])
def test_backfill_range_covers_the_months_named_in_either_timezone(tz):
    infos = schedule(pendulum.datetime(2026, 1, 1, tz=tz), pendulum.datetime(2026, 3, 31, tz=tz))
    assert [str(DataMonth.of(i.data_interval.start)) for i in infos] == ["2026-01", "2026-02", "2026-03"]


def test_without_catchup_only_the_newest_due_month_is_scheduled():
    now = pendulum.now("UTC")
    (first, *_) = schedule(START, catchup=False)
    assert DataMonth.of(first.data_interval.start) == TT.latest_due(now)
    # before 07:00 JST on the first business day of a month, the month before last is the newest due
    at_six = pendulum.datetime(2026, 12, 1, 6, tz="Asia/Tokyo")
    assert TT.latest_due(at_six) == DataMonth(2026, 10)
    assert TT.latest_due(at_six.add(hours=1)) == DataMonth(2026, 11)


def test_serialization_round_trip_and_summary():
    assert MonthlyProvisionTimetable.deserialize(TT.serialize()) == TT
    assert "翌月第1業務日" in TT.summary


def test_run_ids_name_the_data_month():
    from airflow.timetables.base import DataInterval
    from airflow.utils.types import DagRunType

    january = DataMonth(2026, 1)
    interval = DataInterval(pendulum.instance(january.start), pendulum.instance(january.end))
    due = TT.run_after(january)
    scheduled = TT.generate_run_id(run_type=DagRunType.SCHEDULED, run_after=due, data_interval=interval)
    assert scheduled == "scheduled__2026-01__2026-02-02T07:00:00+09:00"
    clicked = pendulum.datetime(2026, 11, 28, 1, 2, 3, tz="UTC")
    manual = TT.generate_run_id(run_type=DagRunType.MANUAL, run_after=clicked, data_interval=interval)
    assert manual == "manual__2026-01__2026-11-28T10:02:03+09:00"
    # a logical date of "now" (the UI's default) or none: the month comes from the run's data_month instead
    now = TT.infer_manual_data_interval(run_after=clicked)
    for interval in (now, None):
        run_id = TT.generate_run_id(run_type=DagRunType.MANUAL, run_after=clicked, data_interval=interval)
        assert run_id.startswith("manual__2026-11-28T01:02:03")
