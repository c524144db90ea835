"""The enrolment period: 民法140条 (the day of hire not counted), 休日法2条 (a closed last day moves on)."""

from __future__ import annotations

from datetime import date

import pytest

from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.notices.enrolment import inside_period, last_day

CALENDAR = GovernmentCalendar()


@pytest.mark.parametrize(
    ("hired", "days", "last"),
    [
        (date(2026, 5, 7), 5, date(2026, 5, 12)),  # Thursday: day five is Tuesday
        (date(2026, 5, 11), 5, date(2026, 5, 18)),  # Monday: day five is Saturday, so Monday after
        (date(2026, 4, 28), 5, date(2026, 5, 7)),  # day five is Sunday 05-03; 05-04…05-06 are holidays
        (date(2026, 12, 24), 5, date(2027, 1, 4)),  # day five is 12-29: the year-end closure runs to 01-03
        (date(2026, 5, 7), 0, date(2026, 5, 7)),  # a period of 0 days ends on the day of hire
        (date(2026, 5, 7), 7, date(2026, 5, 14)),  # the period is configuration
    ],
)
def test_the_last_day_of_the_period(hired, days, last):
    assert last_day(hired, days, CALENDAR) == last


def test_a_worker_is_inside_up_to_and_including_the_last_day():
    hired = date(2026, 5, 7)
    assert inside_period(hired, date(2026, 5, 12), 5, CALENDAR)  # the last day: not yet uninsured
    assert not inside_period(hired, date(2026, 5, 13), 5, CALENDAR)  # the day after: reported
    assert inside_period(hired, date(2026, 5, 6), 5, CALENDAR)  # hired after the report date


def test_an_extra_closure_extends_the_period():
    hired = date(2026, 5, 7)
    closed = GovernmentCalendar(extra_closures=[date(2026, 5, 12)])
    assert last_day(hired, 5, closed) == date(2026, 5, 13)
    assert inside_period(hired, date(2026, 5, 13), 5, closed)


def test_no_hire_date_is_never_inside():
    assert not inside_period(None, date(2026, 5, 12), 5, CALENDAR)
