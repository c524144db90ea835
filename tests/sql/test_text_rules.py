"""Bad values in the source are quarantined by rule name and leave no trace in the item files.

Each case loads one good and one bad row through the real loader, extracts the item for May, and
checks that only the good row is written. Values PostgreSQL cannot hold (NUL, over-long text, a
non-integer period, a non-date) arrive only from SQLite, which stores what it is given; there the
PostgreSQL test shows the schema refusing them. A BLOB, too, only SQLite keeps as such: PostgreSQL
stores bytes sent to a VARCHAR column as hex text.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

import psycopg
import pytest
import sqlalchemy.exc
from source_builder import SourceBuilder, jst

from ssw_linkage import package
from ssw_linkage.months import DataMonth
from ssw_linkage.spec import item

MAY = DataMonth(2026, 5)
DAY = date(2026, 5, 10)
BEFORE = date(2024, 4, 10)


@dataclass(frozen=True)
class Case:
    id: str
    item: int
    bad: dict  # keyword arguments for the builder: person=…, employer=…, permit=… or notify=…
    violations: str  # as the quarantine file lists them
    trace: str = ""  # text of the bad value that must appear in no file


BOTH = [
    Case("formula", 1, {"person": {"name": '=HYPERLINK("http://evil.example","x")'}}, "name_roman:formula", "evil"),
    Case("full_width_formula", 1, {"person": {"name": "＝EVIL()"}}, "name_roman:formula", "EVIL"),
    Case("crlf", 1, {"person": {"name": "EVIL\r\nROW"}}, "name_roman:control_character", "EVIL"),
    Case("lf_in_kanji", 1, {"person": {"kanji": "悪\n人"}}, "name_kanji:control_character", "悪"),
    Case("esc_bel", 1, {"person": {"name": "EVIL\x1b[31m\x07"}}, "name_roman:control_character", "EVIL"),
    Case("del_c1", 1, {"employer": {"representative": "悪\x7f\x85"}}, "employer_representative:control_character"),
    Case("bidi", 1, {"person": {"name": "EVIL\u202eLIVE"}}, "name_roman:bidi_control", "EVIL"),
    Case("blank_required", 1, {"person": {"name": " \u3000 "}}, "name_roman:required"),
    Case("phone_formula", 1, {"employer": {"phone": "=1+1"}}, "employer_phone:formula", "=1+1"),
    Case("phone_plus_payload", 1, {"employer": {"phone": "+cmd|'/C calc'!A0"}}, "employer_phone:format", "calc"),
    Case("address_formula", 6, {"notify": {"address": "@SUM(EVIL)"}}, "address:formula", "EVIL"),
    Case("event_in_2100", 1, {"permit": {"on": date(2100, 1, 1)}}, "event_date:after_window", "2100"),
    Case("event_next_month", 1, {"permit": {"on": date(2026, 6, 1)}}, "event_date:after_window", "2026-06-01"),
    Case(
        "expiry_before_event",
        1,
        {"permit": {"expires": date(2026, 5, 9)}},
        "expires_on+event_date:expiry_before_event",
        "2026-05-09",
    ),
]
SQLITE_ONLY = [
    Case("nul", 1, {"person": {"name": "EVIL\x00"}}, "name_roman:control_character", "EVIL"),
    Case("long_name", 1, {"person": {"name": "E" * 10_000}}, "name_roman:too_long", "E" * 201),
    Case("non_integer_period", 1, {"permit": {"period": 12.7}}, "period_months:invalid_integer"),
]
NON_DATE = Case("non_date", 1, {"person": {"birth": "EVIL"}}, "birth_date:invalid_date", "EVIL")
BLOB = Case("blob", 1, {"person": {"name": b"EVIL"}}, "name_roman:invalid_text", "EVIL")


def _load(engine, case: Case | None) -> tuple[str, str]:
    """Load a good row and (unless ``case`` is None) a bad one; return their record ids."""
    src = SourceBuilder(engine)
    bad = case.bad if case else {}
    ids = []
    for args in ({}, bad):
        employer = src.employer(**args["employer"]) if "employer" in args else None
        person = src.person(**args.get("person", {}))
        if case and case.item == 6:
            src.permit(person, "landing", "SSW1", BEFORE)
            notify = {"on": DAY, "arrived": jst(DAY), **args.get("notify", {})}
            ids.append(f"RN{src.notify(person, **notify)}")
        else:
            permit = {"on": DAY, "recorded": jst(DAY), "employer": employer, **args.get("permit", {})}
            ids.append(f"SP{src.permit(person, 'landing', 'SSW1', **permit)}")
    src.load()
    return ids[0], ids[1]


def _assert_quarantined(engine, case: Case, build) -> None:
    good, bad = _load(engine, case)
    counts = package.extract_item(engine, item(case.item), MAY, build)
    assert (counts.extracted, counts.written, counts.quarantined) == (2, 1, 1)
    written = (build / item(case.item).file_name).read_bytes().decode("cp932")
    quarantined = (build / f"{item(case.item).file_name}.quarantine").read_bytes().decode("cp932")
    assert quarantined == f'"{case.item}","{bad}","{MAY}","{case.violations}"\r\n'
    assert f'"{good}"' in written and f'"{bad}"' not in written
    if case.trace:
        assert case.trace not in written and case.trace not in quarantined


@pytest.mark.parametrize("case", BOTH, ids=lambda c: c.id)
def test_bad_value_is_quarantined_and_leaves_no_trace(engine, case, tmp_path):
    _assert_quarantined(engine, case, tmp_path)


@pytest.mark.parametrize("case", [*SQLITE_ONLY, BLOB], ids=lambda c: c.id)
def test_bad_value_only_sqlite_can_hold_is_quarantined(sqlite_engine, case, tmp_path):
    _assert_quarantined(sqlite_engine, case, tmp_path)


@pytest.mark.parametrize("case", SQLITE_ONLY, ids=lambda c: c.id)
def test_postgresql_refuses_to_hold_what_only_sqlite_can(pg_engine, case):
    with pytest.raises(psycopg.DataError):
        _load(pg_engine, case)


def test_both_databases_refuse_a_date_that_is_not_a_date(engine):
    with pytest.raises((psycopg.DataError, sqlalchemy.exc.IntegrityError, sqlite3.IntegrityError)):
        _load(engine, NON_DATE)


def test_without_a_bad_value_both_rows_are_written(engine, tmp_path):
    _load(engine, None)
    counts = package.extract_item(engine, item(1), MAY, tmp_path)
    assert (counts.extracted, counts.written, counts.quarantined) == (2, 2, 0)
