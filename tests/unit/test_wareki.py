"""和暦: the era boundary of 2019-04-30 / 2019-05-01, 元年, and the years around it."""

from datetime import date

import pytest

from ssw_linkage.wareki import era_year, format_date, format_month


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 6, 19), "令和元年6月19日"),  # the agreement's date
        (date(2019, 12, 31), "令和元年12月31日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(2026, 6, 1), "令和8年6月1日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
    ],
)
def test_dates_as_forms_write_them(day, written):
    assert format_date(day) == written


def test_era_and_year():
    assert era_year(date(2019, 5, 1)) == ("令和", 1)
    assert era_year(date(2019, 4, 30)) == ("平成", 31)


def test_months_take_the_era_of_their_first_day():
    assert format_month(2019, 4) == "平成31年4月"
    assert format_month(2019, 5) == "令和元年5月"
    assert format_month(2026, 5) == "令和8年5月"


def test_a_date_before_showa_is_refused():
    with pytest.raises(ValueError, match="before 昭和"):
        format_date(date(1926, 12, 24))
