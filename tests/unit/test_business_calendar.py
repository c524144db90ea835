"""The government calendar and the deadline, checked against hand-typed public facts."""

from datetime import date, timedelta

import pytest

from ssw_linkage.business_calendar import YEAR_END_CLOSURE, GovernmentCalendar, weekday_ja
from ssw_linkage.months import DataMonth

# National holidays as published by the Cabinet Office (内閣府「国民の祝日」), typed by hand:
# an independent source, not the ``holidays`` package.
CABINET_OFFICE_HOLIDAYS = {
    2019: [
        "01-01",
        "01-14",
        "02-11",
        "03-21",
        "04-29",
        "04-30",
        "05-01",
        "05-02",
        "05-03",
        "05-04",
        "05-05",
        "05-06",
        "07-15",
        "08-11",
        "08-12",
        "09-16",
        "09-23",
        "10-14",
        "10-22",
        "11-03",
        "11-04",
        "11-23",
    ],
    2026: [
        "01-01",
        "01-12",
        "02-11",
        "02-23",
        "03-20",
        "04-29",
        "05-03",
        "05-04",
        "05-05",
        "05-06",
        "07-20",
        "08-11",
        "09-21",
        "09-22",
        "09-23",
        "10-12",
        "11-03",
        "11-23",
    ],
}

# Deadlines worked out by hand from the calendar: data month → (last business day of M+1, deadline).
DEADLINES = {
    "2023-05": ("2023-06-30", "2023-06-29"),  # the agreement's example: no holidays, Friday → Thursday
    "2019-11": ("2019-12-27", "2019-12-26"),  # year-end closure; 28 Dec is a Saturday
    "2020-11": ("2020-12-28", "2020-12-25"),
    "2021-11": ("2021-12-28", "2021-12-27"),
    "2024-11": ("2024-12-27", "2024-12-26"),
    "2025-11": ("2025-12-26", "2025-12-25"),  # 28 Dec is a Sunday
    "2026-11": ("2026-12-28", "2026-12-25"),  # without the closure it would be 30 Dec
    "2019-03": ("2019-04-26", "2019-04-25"),  # 2019 enthronement: 29 Apr, 30 Apr closed
    "2024-03": ("2024-04-30", "2024-04-26"),  # 昭和の日 on Monday 29 Apr, then a weekend
    "2025-03": ("2025-04-30", "2025-04-28"),  # 昭和の日 on Tuesday 29 Apr
    "2026-03": ("2026-04-30", "2026-04-28"),  # 昭和の日 on Wednesday 29 Apr
    "2023-03": ("2023-04-28", "2023-04-27"),  # 30 Apr is a Sunday
    "2025-12": ("2026-01-30", "2026-01-29"),  # 31 Jan is a Saturday
    "2026-04": ("2026-05-29", "2026-05-28"),  # 31 May is a Sunday
    "2020-06": ("2020-07-31", "2020-07-30"),  # Olympic year
    "2026-07": ("2026-08-31", "2026-08-28"),  # last day a Monday: deadline the Friday before
}


@pytest.fixture(scope="module")
def cal() -> GovernmentCalendar:
    return GovernmentCalendar()


@pytest.mark.parametrize("year", sorted(CABINET_OFFICE_HOLIDAYS))
def test_every_day_of_the_year_against_the_cabinet_office_list(cal, year):
    holidays = {date.fromisoformat(f"{year}-{md}") for md in CABINET_OFFICE_HOLIDAYS[year]}
    day = date(year, 1, 1)
    while day.year == year:
        year_end = (day.month, day.day) in {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}
        expected = day.weekday() < 5 and day not in holidays and not year_end
        assert cal.is_business_day(day) == expected, day
        day += timedelta(days=1)


@pytest.mark.parametrize(("month", "expected"), sorted(DEADLINES.items()))
def test_deadlines_worked_out_by_hand(cal, month, expected):
    m = DataMonth.parse(month)
    assert (str(cal.last_business_day(m.next())), str(cal.deadline(m))) == expected


def test_deadline_shape_for_every_month_2019_to_2031(cal):
    for month in DataMonth(2019, 6).until(DataMonth(2031, 12)):
        due, last = cal.deadline(month), cal.last_business_day(month.next())
        assert DataMonth.of(due) == month.next() and cal.is_business_day(due)
        assert cal.next_business_day(due) == last and cal.business_days_between(due, last) == 1
        assert not any(
            cal.is_business_day(last + timedelta(days=n)) and DataMonth.of(last + timedelta(days=n)) == month.next()
            for n in range(1, 7)
        )


def test_year_end_and_extra_closures(cal):
    assert not cal.is_business_day(date(2026, 12, 29)) and cal.closure_reason(date(2027, 1, 4)) is None
    assert cal.closure_reason(date(2026, 12, 30)) == "year-end closure"
    special = GovernmentCalendar([date(2026, 12, 25)])
    assert special.deadline(DataMonth(2026, 11)) == date(2026, 12, 24)
    assert special.closure_reason(date(2026, 12, 25)) == "extra closure"


def test_extra_closures_from_the_environment(monkeypatch):
    monkeypatch.setenv("SSW_EXTRA_CLOSURES", "2026-12-25, 2026-12-24")
    assert GovernmentCalendar.from_environment().deadline(DataMonth(2026, 11)) == date(2026, 12, 23)


def test_counting_and_stepping_across_golden_week(cal):
    assert cal.business_days_between(date(2026, 4, 30), date(2026, 5, 7)) == 2
    assert cal.business_days_between(date(2026, 5, 7), date(2026, 4, 30)) == -2
    assert cal.next_business_day(date(2026, 5, 1)) == date(2026, 5, 7)
    assert cal.previous_business_day(date(2026, 5, 7)) == date(2026, 5, 1)
    assert cal.first_business_day(DataMonth(2027, 1)) == date(2027, 1, 4)
    assert weekday_ja(date(2026, 12, 25)) == "金"


def test_national_holidays_are_those_of_the_holidays_package_for_japan(cal):
    import holidays

    published = holidays.country_holidays("JP", years=range(2019, 2036))
    for n in range((date(2036, 1, 1) - date(2019, 1, 1)).days):
        day = date(2019, 1, 1) + timedelta(days=n)
        if day.weekday() < 5 and (day.month, day.day) not in YEAR_END_CLOSURE:
            assert cal.closure_reason(day) == published.get(day), day


def test_counting_business_days_loads_no_other_country():
    """Every deadline sensor, notice and outcome task counts business days: loading ~280 countries' holiday
    modules would cost each of them 0.15-0.3 s."""
    import subprocess
    import sys

    code = (
        "import sys; from datetime import date; from ssw_linkage.business_calendar import GovernmentCalendar; "
        "GovernmentCalendar().closure_reason(date(2026, 5, 5)); "
        "print(sorted(m for m in sys.modules if m.startswith('holidays.countries')))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
