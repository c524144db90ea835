"""The source schema holds real records and both databases refuse the same broken ones."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from source_builder import SourceBuilder, record_ids
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from ssw_linkage import reference, source
from ssw_linkage.months import DataMonth

MAY = DataMonth(2026, 5)
INSERT_PERMISSION = text(
    "INSERT INTO status_permissions (permission_id, person_id, kind, status_code, permitted_on, recorded_at) "
    "VALUES (:id, :person, 'landing', :status, :on, :recorded)"
)
GOOD = {"id": 100, "status": "SSW1", "on": "2026-05-31", "recorded": "2026-05-31 11:00:00+00:00"}


@pytest.fixture
def src(engine) -> SourceBuilder:
    return SourceBuilder(engine)


def _insert(src: SourceBuilder, **values) -> None:
    person = src.person()
    src.load()
    with src.engine.begin() as conn:
        conn.execute(INSERT_PERMISSION, {**GOOD, "person": person, **values})


def test_statuses_are_every_status_of_residence_by_go(src):
    with src.engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT status_code, name_ja FROM statuses")).all())
        ssw = {r[0] for r in conn.execute(text("SELECT status_code FROM statuses WHERE is_ssw = 1"))}
    assert {"SSW1", "SSW2", "DEPENDENT", "DESIGNATED", "ENGINEER", "STUDENT", "SPOUSE_JP", "LONG_TERM"} <= set(rows)
    assert ssw == {"SSW1", "SSW2"} and "TITP" not in rows
    assert {rows[c] for c in ("PERMANENT", "TITP1_RO", "TITP3_I", "HSP1_HA", "DIPLOMAT")} == {
        "永住者", "技能実習1号ロ", "技能実習3号イ", "高度専門職1号ハ", "外交"
    }
    # the 29 statuses of 別表第一・第二 (技能実習, 高度専門職 and 特定技能 by 号)
    assert len({name.rstrip("123号イロハ") for name in rows.values()}) == 29 and len(rows) == 38


def test_statuses_come_from_one_home(src):
    assert "INSERT INTO statuses" not in source.SCHEMA_FILE.read_text(encoding="utf-8")
    with src.engine.connect() as conn:
        loaded = conn.execute(text("SELECT status_code, name_ja, appended_table, is_ssw FROM statuses")).all()
    assert sorted(map(tuple, loaded)) == sorted(tuple(r.values()) for r in reference.statuses())


def test_sqlite_connections_enforce_foreign_keys(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


@pytest.mark.parametrize(
    "values",
    [
        pytest.param({"status": "NO_SUCH"}, id="unknown-status-code"),
        pytest.param({"person": 999}, id="person-who-does-not-exist"),
        pytest.param({"id": None}, id="null-primary-key"),
        pytest.param({"recorded": 1780214400}, id="integer-timestamp"),
    ],
)
def test_both_databases_refuse(src, values):
    """Found on SQLite: these were dropped silently, never delivered, or quarantined with an empty id."""
    with pytest.raises(DBAPIError):
        _insert(src, **values)


@pytest.mark.parametrize(
    "recorded",
    ["2026-05-31 20:00:00+09:00", "2026-05-31T11:00:00+00:00", "2026-02-30 11:00:00+00:00"],
)
def test_a_timestamp_in_another_form_is_refused_on_sqlite_and_normalised_on_postgresql(src, recorded):
    """Text comparison on SQLite put such a row in June; PostgreSQL's timestamptz reads it as an instant."""
    if src.engine.dialect.name == "sqlite" or recorded.startswith("2026-02-30"):
        with pytest.raises(DBAPIError):
            _insert(src, recorded=recorded)
    else:
        _insert(src, recorded=recorded)
        assert record_ids(src.engine, 1, MAY) == ["SP100"]


@pytest.mark.parametrize("on", ["2026/05/31", "2026-05-31 00:00:00"])
def test_a_date_in_another_form_is_refused_on_sqlite_and_normalised_on_postgresql(src, on):
    if src.engine.dialect.name == "sqlite":
        with pytest.raises(DBAPIError):
            _insert(src, on=on)
    else:
        _insert(src, on=on)
        with src.engine.connect() as conn:
            assert conn.execute(text("SELECT permitted_on FROM status_permissions")).scalar_one() == date(2026, 5, 31)


def test_updates_are_checked_too(src):
    _insert(src)
    with pytest.raises(DBAPIError), src.engine.begin() as conn:
        conn.execute(text("UPDATE status_permissions SET recorded_at = 1780214400"))
    with pytest.raises(DBAPIError), src.engine.begin() as conn:
        conn.execute(text("UPDATE status_permissions SET status_code = 'NO_SUCH'"))
    assert record_ids(src.engine, 1, MAY) == ["SP100"]


def _source_tables(engine: Engine) -> list[str]:
    query = text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


def _foreign_keys(engine: Engine) -> int:
    query = text(
        "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
    )
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def test_a_killed_seed_leaves_postgresql_without_a_half_loaded_source(pg_engine):
    """kill -9 during the load: the one transaction (schema, foreign keys dropped, COPY, keys added back) is
    rolled back, so no table is left without its foreign keys, and seeding again just works."""
    url = pg_engine.url.render_as_string(hide_password=False)
    seed = [sys.executable, "-m", "ssw_linkage", "seed", "--source", url, "--months", "2026-05"]
    process = subprocess.Popen([*seed, "--events", "1000000"], stderr=subprocess.PIPE, text=True)
    try:
        for line in process.stderr:
            if "events loaded" in line:  # the first chunk is in: the load is under way
                break
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == -9
    assert _source_tables(pg_engine) == []
    subprocess.run([*seed, "--events", "500"], check=True, capture_output=True, timeout=120)
    assert len(_source_tables(pg_engine)) == len(source.TABLES)
    assert _foreign_keys(pg_engine) == source.SCHEMA_FILE.read_text().count("REFERENCES") > 0
