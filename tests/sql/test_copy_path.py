"""PostgreSQL's COPY text, read by column, gives what the per-row checker made of psycopg's values.

A table holds item 6's columns (it has every type: text, dates, a whole number and a timestamp) with
good, bad and unusual values; each column is also read as another PostgreSQL type (text, numeric,
timestamp without time zone …). The columnar path (source.batches: COPY, or a cursor for types it does
not read by column) must give the texts and violations the per-row checker gives psycopg's rows.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from oracle_row_checker import RowChecker as Oracle
from sqlalchemy import text

from ssw_linkage import source
from ssw_linkage.months import DataMonth
from ssw_linkage.spec import item
from ssw_linkage.validate import BatchChecker

MAY = DataMonth(2026, 5)
ITEM6 = item(6)
TYPES = {"text": "TEXT", "integer": "INTEGER", "date": "DATE", "timestamp": "TIMESTAMP WITH TIME ZONE"}
GOOD = {
    "text": "東京都千代田区1-1",
    "integer": 12,
    "date": date(2026, 5, 10),
    "timestamp": datetime(2026, 5, 31, 15, 30, tzinfo=UTC),
}
ODD = {
    "text": [
        None, "", " ", "\u3000", "=1", "＋1", "a\x1bb", "a\u202eb", "𠮷田", "髙橋", '"q"', "N" * 301, "AB12345678CD",
        "1180301018771", "131016", "+81-3-1234-5678", "F", "ベトナム", "介護", "素形材産業", "\t", "x\r\ny",
    ],
    "integer": [None, 0, -5, 12, 2_000_000_000],
    "date": [None, date(2026, 5, 31), date(2026, 6, 1), date(1899, 12, 31), date(1, 1, 1), date(9999, 12, 31),
             date(2026, 5, 9), date(1995, 4, 1)],
    "timestamp": [None, datetime(1887, 6, 1, tzinfo=UTC), datetime(1949, 7, 1, 3, tzinfo=UTC),
                  datetime(1951, 12, 31, 15, tzinfo=UTC), datetime(2026, 5, 31, 15, 30, 0, 999_999, tzinfo=UTC),
                  datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-5))), datetime(9999, 12, 30, tzinfo=UTC)],
}
# Each column read as its own type, then as others (a cast in the query): text by column, or by cursor.
READ_AS = {
    "own": {},
    "text": {"integer": "TEXT", "date": "TEXT", "timestamp": "TEXT"},
    "others": {"text": "BYTEA", "integer": "NUMERIC", "date": "TIMESTAMP WITH TIME ZONE", "timestamp": "TIMESTAMP"},
    "swapped": {"integer": "BIGINT", "date": "TEXT", "timestamp": "DATE"},
}


@pytest.fixture
def table(pg_engine):
    rng = random.Random(6)
    columns = ", ".join(f"{c.key} {TYPES[c.type]}" for c in ITEM6.columns)
    rows = []
    for n in range(400):
        row = {"k": n}
        for c in ITEM6.columns:
            value = GOOD[c.type] if rng.random() > 0.1 else rng.choice(ODD[c.type])
            row[c.key] = f"RN{n}" if c.key == "record_id" and rng.random() > 0.02 else value
        rows.append(row)
    with pg_engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE odd (k INTEGER, {columns})"))
        names = ", ".join(["k"] + [c.key for c in ITEM6.columns])
        places = ", ".join([":k"] + [f":{c.key}" for c in ITEM6.columns])
        conn.execute(text(f"INSERT INTO odd ({names}) VALUES ({places})"), rows)  # noqa: S608
    return pg_engine


@pytest.mark.parametrize("read_as", sorted(READ_AS))
def test_copy_text_is_checked_as_the_values_psycopg_gives(table, read_as):
    casts = READ_AS[read_as]
    select = ", ".join(
        f"CAST({c.key} AS {casts[c.type]}) AS {c.key}" if c.type in casts else c.key for c in ITEM6.columns
    )
    sql = f"SELECT {select} FROM odd WHERE (:window_end > :window_start OR k IN :held_ids) ORDER BY k"  # noqa: S608
    params = source.window_params(table, MAY)
    keys = [c.key for c in ITEM6.columns]
    oracle = Oracle(ITEM6, keys, "cp932", MAY)
    with source.stream(table, sql, params) as (_, rows):
        expected = [oracle.check(row) for row in rows]
    checker = BatchChecker(ITEM6, keys, "cp932", MAY)
    found = []
    with source.batches(table, sql, params, batch_rows=150) as (_, batches):
        for batch in batches:
            checked = checker.check(batch)
            texts = [[t.as_py() for t in column] for column in checked.texts]
            found += [([column[n] for column in texts], checked.violations.get(n, [])) for n in range(batch.rows)]
    assert len(found) == len(expected) == 400
    for n, (got, want) in enumerate(zip(found, expected, strict=True)):
        assert got == want, n
    assert sum(1 for _, v in expected if v) > 20
