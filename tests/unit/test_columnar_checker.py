"""The vectorised checker gives, row for row, the texts and violations of the per-row checker it replaced.

``oracle_row_checker.RowChecker`` is that per-row checker, kept verbatim as a test oracle. Random rows of
every item mix good values with bad and unusual ones of every type a cursor can return; each row is
checked alone and within a batch of mixed rows, in both encodings.
"""

from __future__ import annotations

import io
import random
import weakref
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from oracle_row_checker import RowChecker as Oracle

from ssw_linkage.columnar import write_checked
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.spec import ITEMS
from ssw_linkage.validate import Batch, BatchChecker, RowChecker

MAY = DataMonth(2026, 5)
GOOD = {
    "record_id": "SP1",
    "event_date": date(2026, 5, 10),
    "card_number": "AB12345678CD",
    "previous_card_number": "CD12345678AB",
    "principal_card_number": "EF12345678GH",
    "name_roman": "NGUYEN VAN AN",
    "principal_name_roman": "TRAN THI HOA",
    "name_kanji": "山田 花子",
    "birth_date": date(1995, 4, 1),
    "sex": "F",
    "nationality": "ベトナム",
    "status": "特定技能1号",
    "principal_status": "特定技能2号",
    "previous_status": "技能実習2号ロ",
    "ssw_field": "介護",
    "principal_ssw_field": "介護",
    "period_months": 12,
    "expires_on": date(2027, 5, 10),
    "employer_name": "株式会社テスト",
    "employer_address": "東京都千代田区1-1",
    "corporate_number": "7000012050002",
    "employer_phone": "03-1234-5678",
    "employer_representative": "試験 太郎",
    "address": "東京都新宿区西新宿2-8-1",
    "municipality_code": "131016",
    "departure_port": "成田空港",
    "permission_kind": "在留資格変更許可（20条）",
    "issue_reason": "紛失等による再交付",
    "notification_kind": "住居地の変更届出（19条の9）",
    "notice_arrived_at": "2026-05-12 03:04:05+00:00",
    "relationship": "配偶者",
}
TEXTS = [
    None, "", " ", "\u3000", " \u3000 ", "\t\r\n", "\x1c", "\x85", "\u00a0x", "=1", "+1", "-1", "@x", "＝x", "＋1", "－1",
    "＠x", " =1", "\u3000+1", "a=b", "EVIL\x00", "a\x1bb", "a\x7f", "a\x9fb", "a\u202eb", "a\u061c", "\u2066x", "\u200e",
    "𠮷田", "髙橋", "é", "①", "※", '"quoted", "x"', "N" * 12, "N" * 13, "N" * 64, "N" * 65, "漢" * 200, "漢" * 201,
    "AB12345678CD", "ab12345678cd", "1180301018771", "2180301018771", "131016", "13101", "+81-3-1234-5678",
    "+cmd|'/C calc'!A0", "M", "F", "X", "ベトナム", "Vietnam", "介護", "素形材産業", "宇宙", "工業製品製造業",
    b"EVIL", b"", memoryview(b"x"), 12, 0, 12.7, True, Decimal("1"), date(2026, 5, 1), "\ud800", "ok\udc80",
]
INTEGERS = [
    None, "", " ", "\u3000", 12, 0, -5, 10**30, True, False, 12.0, 12.7, Decimal("12"), Decimal("12.0"), Decimal("12.7"),
    Decimal("NaN"), Decimal("Infinity"), Decimal("-3"), "12", "0012", "0", "-5", "12.7", "１２", "1e3", b"12", "12 ",
    "9" * 25, date(2026, 5, 1),
]
DATES = [
    None, "", " ", "\u3000", date(2026, 5, 10), date(2026, 5, 31), date(2026, 6, 1), date(2100, 1, 1), date(1899, 12, 31),
    date(1900, 1, 1), date(1, 1, 1), date(9999, 12, 31), datetime(2026, 5, 10, tzinfo=JST), "2026-05-10", "2026-06-01",
    "2026-02-30", "2026-13-01", "2026-00-10", "0000-01-01", "0001-01-01", "0999-12-31", "20260510", "2026-W19-1",
    "2026-5-10", "2026/05/10", "２０２６-05-10", b"2026-05-10", 20260510, 12.5, "1899-12-31", "2026-05-11", "1995-04-01",
    "2026-05-09", "2024-02-29", "2023-02-29",
]
TIMESTAMPS = [
    None, "", " ", "2026-05-31 15:30:00+00:00", "2026-05-31 15:30:00+00", "2026-05-31T15:30:00Z",
    "2026-05-31 15:30:00.999999+00:00", "2026-05-31 15:30:00+09:00", "2026-05-31 15:30:00", "2026-05-31",
    "1887-06-01 00:00:00+00:00", "1949-07-01 00:00:00+00:00", "1951-12-31 14:59:59+00:00", "1951-12-31 15:00:00+00:00",
    "2026-05-31 24:00:00+00:00", "2026-05-31 23:60:00+00:00", "2026-02-30 00:00:00+00:00", "garbage", b"x", 5,
    datetime(2026, 5, 31, 15, 30, tzinfo=UTC), datetime(2026, 5, 31, 15, 30), datetime(1950, 6, 1, tzinfo=UTC),
    datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-5))), date(2026, 5, 1),
]
POOLS = {"text": TEXTS, "integer": INTEGERS, "date": DATES, "timestamp": TIMESTAMPS}


def _rows(item, rng: random.Random, count: int) -> list[list]:
    rows = []
    for n in range(count):
        row = []
        for c in item.columns:
            value = GOOD[c.key] if c.key != "record_id" else f"SP{n}"
            if rng.random() < 0.06:
                value = rng.choice(POOLS[c.type] + TEXTS[:8] + INTEGERS[4:8])
            row.append(value)
        rows.append(row)
    return rows


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig"])
@pytest.mark.parametrize("item", ITEMS, ids=lambda i: f"item{i.number}")
def test_same_texts_and_violations_as_the_per_row_checker(item, encoding):
    rng = random.Random(item.number * 7919 + len(encoding))
    keys = [c.key for c in item.columns]
    oracle, single = Oracle(item, keys, encoding, MAY), RowChecker(item, keys, encoding, MAY)
    batch_checker = BatchChecker(item, keys, encoding, MAY)
    rows = _rows(item, rng, 1500)
    expected = [oracle.check(row) for row in rows]
    assert [single.check(row) for row in rows[:150]] == expected[:150]  # the one-row API, on fewer rows
    for start in range(0, len(rows), 500):  # batches of mixed kinds in each column
        chunk = rows[start : start + 500]
        checked = batch_checker.check(Batch.from_rows(keys, chunk))
        texts = [[t.as_py() for t in column] for column in checked.texts]
        for n, row in enumerate(chunk):
            want_texts, want_violations = expected[start + n]
            assert checked.violations.get(n, []) == want_violations, (row, want_violations)
            assert bool(checked.bad[n]) == bool(want_violations)
            if not any(isinstance(v, str) and any("\ud800" <= ch <= "\udfff" for ch in v) for v in row):
                assert [column[n] for column in texts] == want_texts, row  # (Arrow holds no lone surrogate)
    assert sum(1 for _, v in expected if v) > 500 and sum(1 for _, v in expected if not v) > 100


def test_good_rows_pass_in_batches_of_one_kind_per_column():
    for item in ITEMS:
        keys = [c.key for c in item.columns]
        rows = [[GOOD[k] if k != "record_id" else f"SP{n}" for k in keys] for n in range(50)]
        checked = BatchChecker(item, keys, "cp932", MAY).check(Batch.from_rows(keys, rows))
        oracle = Oracle(item, keys, "cp932", MAY)
        assert not checked.bad.any() and checked.encoded is not None
        assert checked.encoded.decode("cp932").splitlines() == [
            ",".join(f'"{t}"' for t in oracle.check(row)[0]) for row in rows
        ]


def test_a_batch_and_its_check_are_gone_before_the_next_batch_is_read():
    """write_checked keeps one batch in memory at a time: the peak memory of a run is one batch per worker."""
    item = ITEMS[2]
    keys = [c.key for c in item.columns]
    checker = BatchChecker(item, keys, "cp932", MAY)
    alive: list[weakref.ref] = []
    checks = []

    def check(batch: Batch):
        checked = BatchChecker.check(checker, batch)
        alive.append(weakref.ref(checked))
        return checked

    def batches():
        for n in range(4):
            checks.append([ref() is not None for ref in alive])
            batch = Batch.from_rows(keys, [[GOOD[k] if k != "record_id" else f"SP{n}{r}" for k in keys] for r in range(5)])
            alive.append(weakref.ref(batch))
            yield batch
            del batch

    checker.check = check
    out, held = io.TextIOWrapper(io.BytesIO(), "cp932", newline=""), io.StringIO()
    written = write_checked(batches(), checker, out, held, lambda _: "2026-05")
    assert written.delivered == 20 and written.held == 0
    assert checks == [[], [False, False], [False] * 4, [False] * 6]
