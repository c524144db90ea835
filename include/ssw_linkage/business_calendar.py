"""Government business days (行政機関の休日) and the agreement's deadline.

Closed: Saturdays, Sundays, national holidays (``holidays``, JP: substitute and citizens' holidays
included), 29 December to 3 January (行政機関の休日に関する法律 第1条; the ``holidays`` package has no
29–31 December), and extra closures declared at short notice (``SSW_EXTRA_CLOSURES``).

The deadline for data month M is one business day before the last business day of month M+1
(翌月の最終業務日の遅くとも一業務日前).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import holidays

from ssw_linkage.months import DataMonth

YEAR_END_CLOSURE = {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}
EXTRA_CLOSURES_ENV = "SSW_EXTRA_CLOSURES"
WEEKDAYS_JA = "月火水木金土日"


@cache
def _japan() -> type[holidays.HolidayBase]:
    """``holidays``' Japan calendar, its module loaded alone: ``holidays.country_holidays("JP")`` first imports
    every country's module (about 280, 0.15–0.3 s), in every process that counts business days."""
    path = Path(holidays.__file__).with_name("countries") / "japan.py"
    spec = importlib.util.spec_from_file_location("ssw_linkage._holidays_japan", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Japan


class GovernmentCalendar:
    """Business days of Japanese government offices."""

    def __init__(self, extra_closures: Iterable[date] = ()):
        self.extra_closures = frozenset(extra_closures)
        self._national = _japan()()

    @classmethod
    def from_environment(cls) -> GovernmentCalendar:
        """Extra closures from ``SSW_EXTRA_CLOSURES``: ISO dates separated by commas."""
        raw = os.environ.get(EXTRA_CLOSURES_ENV, "")
        return cls(date.fromisoformat(d.strip()) for d in raw.split(",") if d.strip())

    def closure_reason(self, day: date) -> str | None:
        """Why government offices are closed on ``day`` (in English), or None on a business day."""
        if day.weekday() >= 5:
            return "weekend"
        if (day.month, day.day) in YEAR_END_CLOSURE:
            return "year-end closure"
        if day in self.extra_closures:
            return "extra closure"
        return self._national.get(day)

    def is_business_day(self, day: date) -> bool:
        return self.closure_reason(day) is None

    def next_business_day(self, day: date) -> date:
        """The first business day after ``day``."""
        day += timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def previous_business_day(self, day: date) -> date:
        """The last business day before ``day``."""
        day -= timedelta(days=1)
        while not self.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def first_business_day(self, month: DataMonth) -> date:
        return self.next_business_day(month.first_day - timedelta(days=1))

    def last_business_day(self, month: DataMonth) -> date:
        return self.previous_business_day(month.next().first_day)

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
        if end < start:
            return -self.business_days_between(end, start)
        return sum(self.is_business_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))

    def deadline(self, month: DataMonth) -> date:
        """The day the package for ``month`` must be ready: one business day before the last
        business day of the following month."""
        return self.previous_business_day(self.last_business_day(month.next()))


def weekday_ja(day: date) -> str:
    """The weekday as written in Japanese, e.g. ``金``."""
    return WEEKDAYS_JA[day.weekday()]
