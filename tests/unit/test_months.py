from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ssw_linkage.months import JST, DataMonth


def test_parse_and_format():
    assert DataMonth.parse("2026-05") == DataMonth.parse("202605") == DataMonth(2026, 5)
    assert str(DataMonth(2026, 5)) == "2026-05" and DataMonth(2026, 5).compact == "202605"
    with pytest.raises(ValueError, match="YYYY-MM"):
        DataMonth.parse("May 2026")
    with pytest.raises(ValueError):
        DataMonth(2026, 13)


def test_window_is_jst_and_half_open():
    may = DataMonth(2026, 5)
    assert may.start == datetime(2026, 5, 1, tzinfo=JST)
    assert may.end == datetime(2026, 6, 1, tzinfo=JST)
    assert may.start.astimezone(ZoneInfo("UTC")) == datetime(2026, 4, 30, 15, tzinfo=ZoneInfo("UTC"))


def test_of_takes_the_japanese_date():
    assert DataMonth.of(datetime(2026, 5, 31, 15, 30, tzinfo=ZoneInfo("UTC"))) == DataMonth(2026, 6)
    assert DataMonth.of(date(2026, 12, 31)) == DataMonth(2026, 12)
    with pytest.raises(ValueError, match="naive"):
        DataMonth.of(datetime(2026, 5, 1))


def test_year_rollover_and_ranges():
    assert DataMonth(2026, 12).next() == DataMonth(2027, 1)
    assert DataMonth(2027, 1).previous() == DataMonth(2026, 12)
    assert [str(m) for m in DataMonth(2026, 11).until(DataMonth(2027, 2))] == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
    ]
