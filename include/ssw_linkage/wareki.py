"""Japanese era dates (和暦) as forms write them: era name, year (元年 for the first), Arabic numerals.

令和 began on 2019-05-01, so 2019-04-30 is 平成31年4月30日 and 2019-05-01 is 令和元年5月1日.
"""

from __future__ import annotations

from datetime import date

# Each era and its first day, newest first.
ERAS = (
    ("令和", date(2019, 5, 1)),
    ("平成", date(1989, 1, 8)),
    ("昭和", date(1926, 12, 25)),
)


def era_year(day: date) -> tuple[str, int]:
    """The era and the year within it (1 for the era's first year)."""
    for era, first in ERAS:
        if day >= first:
            return era, day.year - first.year + 1
    raise ValueError(f"{day.isoformat()} is before {ERAS[-1][0]} ({ERAS[-1][1].isoformat()})")


def era_year_text(day: date) -> str:
    """``令和8年``, or ``令和元年`` in an era's first year."""
    era, year = era_year(day)
    return f"{era}{'元' if year == 1 else year}年"


def format_date(day: date) -> str:
    """``令和元年5月1日``: the date as a Japanese form writes it."""
    return f"{era_year_text(day)}{day.month}月{day.day}日"


def format_month(year: int, month: int) -> str:
    """``令和8年5月``: a month (its first day decides the era, as for a data month)."""
    return f"{era_year_text(date(year, month, 1))}{month}月"
