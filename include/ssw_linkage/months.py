"""Data months (データ対象月): Japanese calendar months with a JST window."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ssw_linkage.errors import NotReady

JST = ZoneInfo("Asia/Tokyo")

_MONTH_RE = re.compile(r"^(\d{4})-?(\d{2})$")


@dataclass(frozen=True, order=True)
class DataMonth:
    """A calendar month in Asia/Tokyo; its window is [1st 00:00 JST, next 1st 00:00 JST)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, got {self.month}")

    @classmethod
    def parse(cls, text: str) -> DataMonth:
        """Parse ``2026-05`` or ``202605``."""
        match = _MONTH_RE.match(text.strip())
        if not match:
            raise ValueError(f"not a data month (expected YYYY-MM): {text!r}")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, moment: datetime | date) -> DataMonth:
        """The data month containing a date, or an aware datetime taken in JST."""
        if isinstance(moment, datetime):
            if moment.tzinfo is None:
                raise ValueError("naive datetime: a data month needs a timezone")
            moment = moment.astimezone(JST)
        return cls(moment.year, moment.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def compact(self) -> str:
        """``YYYYMM``, used for package directory names."""
        return f"{self.year:04d}{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def next(self) -> DataMonth:
        return DataMonth(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> DataMonth:
        return DataMonth(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def start(self) -> datetime:
        """Window start: the 1st at 00:00 JST."""
        return datetime(self.year, self.month, 1, tzinfo=JST)

    @property
    def end(self) -> datetime:
        """Window end (exclusive): the next month's 1st at 00:00 JST."""
        return self.next().start

    def require_over(self, now: datetime | None = None) -> None:
        """Refuse a month whose window has not closed: its package would be incomplete."""
        if self.end > (now or datetime.now(JST)):
            raise NotReady(f"data month {self} is not over yet (it ends {self.end.isoformat()}); nothing was done")

    def months_since(self, earlier: DataMonth) -> int:
        return (self.year - earlier.year) * 12 + self.month - earlier.month

    def until(self, last: DataMonth) -> list[DataMonth]:
        """This month through ``last`` inclusive."""
        months, current = [], self
        while current <= last:
            months.append(current)
            current = current.next()
        return months
