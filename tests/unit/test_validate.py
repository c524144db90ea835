from datetime import date, datetime

import pytest

from ssw_linkage.months import JST
from ssw_linkage.spec import item
from ssw_linkage.validate import RowChecker, SpecMismatch

ITEM1 = item(1)
KEYS = [c.key for c in ITEM1.columns]


def good_row(**changes):
    row = {
        "record_id": "SP1",
        "event_date": date(2026, 5, 10),
        "card_number": "AB12345678CD",
        "name_roman": "NGUYEN VAN AN",
        "name_kanji": None,
        "birth_date": "1995-04-01",
        "sex": "M",
        "nationality": "ベトナム",
        "status": "特定技能1号",
        "ssw_field": "介護",
        "period_months": 12,
        "expires_on": date(2027, 5, 10),
        "employer_name": "株式会社テスト",
        "employer_address": "東京都",
        "corporate_number": "7000012050002",
        "employer_phone": "03-0000-0000",
        "employer_representative": "試験 太郎",
    }
    row.update(changes)
    return [row[k] for k in KEYS]


def check(encoding="cp932", **changes):
    return RowChecker(ITEM1, KEYS, encoding).check(good_row(**changes))


def test_good_row_renders_iso_dates_and_empty_nulls():
    texts, violations = check()
    assert violations == []
    assert texts[1] == "2026-05-10" and texts[5] == "1995-04-01" and texts[4] == "" and texts[10] == "12"


@pytest.mark.parametrize(
    ("changes", "violation"),
    [
        ({"card_number": "AB1234567CD"}, "card_number:format"),
        ({"corporate_number": "7000012050003"}, "corporate_number:check_digit"),
        ({"name_roman": None}, "name_roman:required"),
        ({"name_roman": ""}, "name_roman:required"),
        ({"birth_date": "1899-12-31"}, "birth_date:range"),
        ({"birth_date": "2026-05-11"}, "birth_date+event_date:birth_after_event"),
        ({"birth_date": "1995-02-30"}, "birth_date:invalid_date"),
        ({"nationality": "Vietnam"}, "nationality:known_code"),
        ({"ssw_field": "素形材産業"}, "ssw_field+event_date:field_not_in_force"),
        ({"ssw_field": "宇宙"}, "ssw_field:known_code"),
        ({"name_kanji": "𠮷田 花子"}, "name_kanji:not_encodable_cp932"),
    ],
)
def test_each_rule_names_column_and_rule_but_never_the_value(changes, violation):
    _, violations = check(**changes)
    assert violations == [violation]
    assert all(str(v) not in violation for v in changes.values() if v)


def test_utf8_output_accepts_what_cp932_cannot():
    assert check("utf-8-sig", name_kanji="𠮷田 花子")[1] == []
    assert check(name_kanji="髙橋 一郎")[1] == []  # 髙 is in CP932 (IBM extension)


def test_timestamps_are_written_in_jst():
    checker = RowChecker(item(6), [c.key for c in item(6).columns], "cp932")
    col = [c.key for c in item(6).columns].index("notice_arrived_at")
    assert (
        checker.check([None] * col + ["2026-05-31 15:30:00+00:00"] + [None] * 30)[0][col] == "2026-06-01T00:30:00+09:00"
    )
    assert datetime(2026, 6, 1, 0, 30, tzinfo=JST).isoformat() == "2026-06-01T00:30:00+09:00"


def test_sql_that_drifts_from_the_spec_is_refused():
    with pytest.raises(SpecMismatch, match="item 1: item1_landing.sql .*missing \\['sex'\\]"):
        RowChecker(ITEM1, [k for k in KEYS if k != "sex"], "cp932")
