"""The enrolment period (被保険者資格取得届の提出期間) and whether a worker is still inside it on a report date.

An employer files the acquisition of health-insurance and employees'-pension coverage within N days of
hiring, 5 by default (健康保険法施行規則24条, 厚生年金保険法施行規則15条). Counted as the Civil Code counts:
the day of hire is not counted (民法140条: the period starts with the hire, not at midnight), so the period
ends at the end of day hire + N (民法141条); if that day is a government closure, the period runs to the
next business day (行政機関の休日に関する法律 第2条: a filing deadline that falls on a closure moves to the
day after it). A worker is inside the period, and so not reported as uninsured, when the report date is
on or before that last day. Hired Thursday 2026-05-07, the period ends Tuesday 05-12: a report dated
05-12 does not report the worker, one dated 05-13 does. Hired Monday 05-11, day five is Saturday 05-16,
so the period runs to Monday 05-18.

A hire date after the report date is inside the period too (nothing was due yet). A worker the employer
reports as not enrolled without a hire date is reported: nothing shows the period has not run out.
"""

from __future__ import annotations

from datetime import date, timedelta

from ssw_linkage.business_calendar import GovernmentCalendar

DEFAULT_PERIOD_DAYS = 5


def last_day(hired_on: date, period_days: int, calendar: GovernmentCalendar) -> date:
    """The last day on which the enrolment of a worker hired on ``hired_on`` may still be filed."""
    day = hired_on + timedelta(days=period_days)
    return day if calendar.is_business_day(day) else calendar.next_business_day(day)


def inside_period(hired_on: date | None, report_date: date, period_days: int, calendar: GovernmentCalendar) -> bool:
    """Whether a worker hired on ``hired_on`` is still inside the enrolment period on ``report_date``."""
    return hired_on is not None and report_date <= last_day(hired_on, period_days, calendar)
