from datetime import date, datetime
from decimal import Decimal

import pytest

from ssw_linkage import package
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.spec import item
from ssw_linkage.validate import RowChecker, SpecMismatch

ITEM1 = item(1)
KEYS = [c.key for c in ITEM1.columns]
MAY = DataMonth(2026, 5)


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
    return RowChecker(ITEM1, KEYS, encoding, MAY).check(good_row(**changes))


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
    checker = RowChecker(item(6), [c.key for c in item(6).columns], "cp932", MAY)
    col = [c.key for c in item(6).columns].index("notice_arrived_at")
    assert (
        checker.check([None] * col + ["2026-05-31 15:30:00+00:00"] + [None] * 30)[0][col] == "2026-06-01T00:30:00+09:00"
    )
    assert datetime(2026, 6, 1, 0, 30, tzinfo=JST).isoformat() == "2026-06-01T00:30:00+09:00"


def test_sql_that_drifts_from_the_spec_is_refused():
    with pytest.raises(SpecMismatch, match="item 1: item1_landing.sql .*missing \\['sex'\\]"):
        RowChecker(ITEM1, [k for k in KEYS if k != "sex"], "cp932", MAY)


@pytest.mark.parametrize(
    ("changes", "violations"),
    [
        ({"name_roman": '=HYPERLINK("http://evil.example","x")'}, ["name_roman:formula"]),
        *(({"name_roman": f"{start}1"}, ["name_roman:formula"]) for start in "+-@＝＋－＠"),
        ({"name_roman": " \u3000=1"}, ["name_roman:formula"]),  # after leading spaces
        *(
            ({"name_roman": f"NGUYEN{ch}AN"}, ["name_roman:control_character"])
            for ch in "\x00\t\r\n\x1b\x07\x7f\x85\x9f"
        ),
        *(
            ({"name_roman": f"NGUYEN{ch}AN"}, ["name_roman:bidi_control"])
            for ch in "\u061c\u200e\u200f\u202a\u202e\u2066\u2069"
        ),
        (
            {"name_roman": "=\r\n" + "X" * 200},
            ["name_roman:too_long", "name_roman:control_character", "name_roman:formula"],
        ),
        ({"name_roman": "N" * 10_000}, ["name_roman:too_long"]),
        ({"name_roman": "   "}, ["name_roman:required"]),
        ({"name_roman": "\u3000\u3000"}, ["name_roman:required"]),
        ({"name_roman": "\r\n\t"}, ["name_roman:required"]),  # whitespace only: missing, not a control character
        ({"name_roman": b"NGUYEN"}, ["name_roman:invalid_text"]),
        ({"name_roman": memoryview(b"NGUYEN")}, ["name_roman:invalid_text"]),
        ({"name_roman": 12}, ["name_roman:invalid_text"]),
        ({"employer_phone": "=1+1"}, ["employer_phone:formula"]),
        ({"employer_phone": "+cmd|'/C calc'!A0"}, ["employer_phone:format"]),
        ({"period_months": 12.7}, ["period_months:invalid_integer"]),
        ({"period_months": 12.0}, ["period_months:invalid_integer"]),
        ({"period_months": True}, ["period_months:invalid_integer"]),
        ({"period_months": Decimal("12.7")}, ["period_months:invalid_integer"]),
        ({"period_months": Decimal("NaN")}, ["period_months:invalid_integer"]),
        ({"period_months": Decimal("Infinity")}, ["period_months:invalid_integer"]),
        ({"period_months": "12.7"}, ["period_months:invalid_integer"]),
        ({"period_months": "１２"}, ["period_months:invalid_integer"]),
        ({"period_months": b"12"}, ["period_months:invalid_integer"]),
        ({"period_months": "0"}, ["period_months:range"]),
        ({"event_date": date(2100, 1, 1)}, ["event_date:after_window"]),
        ({"event_date": "2026-06-01"}, ["event_date:after_window"]),
        ({"event_date": datetime(2026, 5, 10, tzinfo=JST)}, ["event_date:invalid_date"]),
        ({"event_date": "20260510"}, ["event_date:invalid_date"]),
        ({"event_date": "2026-W19-1"}, ["event_date:invalid_date"]),
        ({"event_date": b"2026-05-10"}, ["event_date:invalid_date"]),
        ({"event_date": " "}, ["event_date:required"]),
        ({"expires_on": date(2026, 5, 9)}, ["expires_on+event_date:expiry_before_event"]),
    ],
)
def test_text_type_and_window_rules(changes, violations):
    texts, found = check(**changes)
    assert found == violations
    (key,) = changes
    if "+" not in violations[0]:
        assert texts[KEYS.index(key)] == ""  # a value that breaks a rule of its own is never rendered


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"period_months": Decimal("12")}, "12"),
        ({"period_months": Decimal("12.0")}, "12"),
        ({"period_months": "12"}, "12"),
        ({"event_date": date(2026, 5, 31)}, "2026-05-31"),  # the window's last day
        ({"expires_on": date(2026, 5, 10)}, "2026-05-10"),  # expiring on the event date
        ({"employer_phone": "+81-3-1234-5678"}, "+81-3-1234-5678"),
        ({"name_kanji": "山田\u3000花子"}, "山田\u3000花子"),
        ({"name_kanji": " \u3000"}, ""),  # blank in an optional column: written empty
        ({"name_roman": "N" * 200}, "N" * 200),
        ({"employer_address": "東京都千代田区1-1 ハイツ＝青葉"}, "東京都千代田区1-1 ハイツ＝青葉"),
    ],
)
def test_values_the_rules_accept(changes, text):
    texts, violations = check(**changes)
    assert violations == []
    (key,) = changes
    assert texts[KEYS.index(key)] == text


def test_a_record_id_that_breaks_a_text_rule_is_not_rendered_in_the_quarantine():
    texts, violations = check(record_id="SP1\r\n=1")
    assert violations == ["record_id:control_character"] and texts[0] == ""


def test_not_encodable_is_named_by_the_package_encoding():
    for name, python_codec in package.ENCODINGS.items():
        checker = RowChecker(ITEM1, KEYS, python_codec, MAY)
        assert checker.check(good_row(name_kanji="\udc80"))[1] == [f"name_kanji:not_encodable_{name}"]
