"""Publishing a month from seeded synthetic data, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import filecmp

import pytest
from package_checks import assert_valid_package, read_manifest
from source_builder import SourceBuilder, record_ids
from sqlalchemy import text

from ssw_linkage import errors, package, package_checks, source, synthetic
from ssw_linkage.months import DataMonth
from ssw_linkage.spec import ITEMS

MAY = DataMonth(2026, 5)
MONTHS = DataMonth(2026, 4).until(DataMonth(2026, 6))


@pytest.fixture
def seeded(engine):
    report = synthetic.seed(engine, MONTHS, 3_000, bad_rate=0.15)
    return engine, report


def test_publishes_a_valid_package_that_reconciles_with_the_source(seeded, tmp_path):
    engine, report = seeded
    manifest = package.run_month(engine, MAY, tmp_path)
    assert_valid_package(tmp_path / "202605")
    assert manifest["data_month"] == "2026-05" and manifest["window"]["start"] == "2026-05-01T00:00:00+09:00"
    for entry in manifest["items"]:
        assert entry["extracted"] == len(record_ids(engine, entry["item"], MAY)) > 0
    quarantined = list(
        csv.DictReader((tmp_path / "202605" / package.QUARANTINE).read_text(encoding="cp932").splitlines())
    )
    assert len(quarantined) == manifest["totals"]["quarantined"] > 0
    kinds = {v for row in quarantined for v in row["violations"].split(";")}
    kinds.discard("previous_card_number:format")  # a person's broken card numbers break this one too
    assert kinds <= set(synthetic.CORRUPTIONS), kinds - set(synthetic.CORRUPTIONS)
    assert kinds == set(synthetic.CORRUPTIONS)  # every injected kind is caught
    delivered = {
        line.split('","')[0].strip('"')
        for i in ITEMS
        for line in (tmp_path / "202605" / i.file_name).read_text(encoding="cp932").splitlines()[1:]
    }
    assert not delivered & {row["record_id"] for row in quarantined}


def test_rerun_gives_the_same_bytes_and_leaves_the_published_package_alone(seeded, tmp_path):
    engine, _ = seeded
    package.run_month(engine, MAY, tmp_path / "a")
    package.run_month(engine, MAY, tmp_path / "b")
    names = [p.name for p in (tmp_path / "a" / "202605").iterdir()]
    match, mismatch, errors = filecmp.cmpfiles(
        tmp_path / "a" / "202605", tmp_path / "b" / "202605", names, shallow=False
    )
    assert sorted(match) == sorted(names) and not mismatch and not errors
    ready = tmp_path / "a" / "202605" / package.READY
    before = ready.stat().st_mtime_ns
    package.run_month(engine, MAY, tmp_path / "a")
    assert ready.stat().st_mtime_ns == before
    assert not (tmp_path / "a" / ".superseded").exists()
    ready.unlink()  # as if the first publish had stopped just before its last step
    package.run_month(engine, MAY, tmp_path / "a")
    assert ready.read_bytes() == (tmp_path / "b" / "202605" / package.READY).read_bytes()
    assert list((tmp_path / "a" / ".build").iterdir()) == []


def test_a_different_package_is_never_silently_overwritten(seeded, tmp_path):
    engine, _ = seeded
    first = package.run_month(engine, MAY, tmp_path)
    landed = int(record_ids(engine, 1, MAY)[0].removeprefix("SP"))
    with engine.begin() as conn:  # a correction in the source: the name of someone in May's item 1
        conn.execute(
            text(
                "UPDATE person_particulars SET name_roman = name_roman || ' JR' WHERE person_id = "
                "(SELECT person_id FROM status_permissions WHERE permission_id = :id)"
            ),
            {"id": landed},
        )
    with pytest.raises(errors.PackageConflict, match="2026-05"):
        package.run_month(engine, MAY, tmp_path)
    assert read_manifest(tmp_path / "202605") == first
    second = package.run_month(engine, MAY, tmp_path, replace=True)
    assert second != first
    (kept,) = (tmp_path / ".superseded").iterdir()
    assert read_manifest(kept) == first


def test_utf8_with_bom_is_selectable(seeded, tmp_path):
    engine, _ = seeded
    package.run_month(engine, MAY, tmp_path, encoding="utf-8-bom")
    assert (tmp_path / "202605" / "ITEM01.CSV").read_bytes().startswith(b'\xef\xbb\xbf"')
    assert_valid_package(tmp_path / "202605", "utf-8-bom")


def test_a_failing_item_publishes_nothing(engine, tmp_path):
    SourceBuilder(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE departures"))
    with pytest.raises(Exception, match="departures"):
        package.run_month(engine, MAY, tmp_path)
    assert not (tmp_path / "202605").exists()
    assert list((tmp_path / ".build").iterdir()) == []


def test_sqlite_and_postgresql_give_the_same_bytes(sqlite_engine, pg_engine, tmp_path):
    for name, engine in (("sqlite", sqlite_engine), ("pg", pg_engine)):
        synthetic.seed(engine, MONTHS, 2_000, bad_rate=0.02)
        package.run_month(engine, MAY, tmp_path / name)
    names = [p.name for p in (tmp_path / "sqlite" / "202605").iterdir()]
    _, mismatch, errors = filecmp.cmpfiles(
        tmp_path / "sqlite" / "202605", tmp_path / "pg" / "202605", names, shallow=False
    )
    assert not mismatch and not errors


def test_synthetic_data_is_deterministic(sqlite_engine, tmp_path):
    first = synthetic.seed(sqlite_engine, MONTHS, 1_000, random_seed=7)
    second_engine = source.connect(f"sqlite:///{tmp_path / 'second.db'}")
    second = synthetic.seed(second_engine, MONTHS, 1_000, random_seed=7)
    assert first == second
    query = text("SELECT * FROM person_particulars ORDER BY particulars_id")
    with sqlite_engine.connect() as a, second_engine.connect() as b:
        assert a.execute(query).all() == b.execute(query).all()


def test_seeding_postgresql_keeps_every_foreign_key_and_leaves_planner_statistics_and_recorded_order(pg_engine):
    query = text(
        "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
    )
    analysed = text(
        "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND last_analyze IS NOT NULL"
    )
    clustered = text(
        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid"
        " WHERE i.indisclustered AND x.relname = c.relname || '_recorded_at'"
        " AND c.relnamespace = current_schema()::regnamespace"
    )
    synthetic.seed(pg_engine, MONTHS, 500)
    with pg_engine.connect() as conn:
        assert conn.execute(query).scalar_one() == source.SCHEMA_FILE.read_text().count("REFERENCES") > 0
        assert {"status_permissions", "departures", "residence_cards"} <= set(conn.execute(analysed).scalars())
        assert set(conn.execute(clustered).scalars()) == set(synthetic.EVENT_TABLES)  # laid out in recorded order


@pytest.mark.parametrize("month", [DataMonth(2019, 6), DataMonth(2022, 9), DataMonth(2024, 3)])
def test_clean_synthetic_data_is_delivered_whole_in_any_month(sqlite_engine, tmp_path, month):
    """Without injected faults every row is delivered, also when the fields had other names (before
    2024-03-29) and fewer of them: a seeded history names the fields in force on each permission's day."""
    synthetic.seed(sqlite_engine, [month], 2_000)
    manifest = package.run_month(sqlite_engine, month, tmp_path)
    assert manifest["totals"]["written"] == manifest["totals"]["extracted"] > 0
    assert manifest["totals"]["quarantined"] == 0


def test_each_file_is_read_line_by_line_once_the_items_as_they_are_written(seeded, tmp_path, monkeypatch):
    engine, _ = seeded
    monkeypatch.setattr(package_checks, "_checked", {})
    read = []
    check_lines = package_checks.check_lines

    def reading(path, *rest):
        read.append(path.name)
        return check_lines(path, *rest)

    monkeypatch.setattr(package_checks, "check_lines", reading)
    package.run_month(engine, MAY, tmp_path)
    assert sorted(read) == sorted([i.file_name for i in ITEMS] + [package.QUARANTINE, package.CARRIED])
    assert_valid_package(tmp_path / "202605")


def test_an_item_file_changed_after_its_early_check_is_checked_again_and_refused(seeded, tmp_path, monkeypatch):
    """The early check is kept under the digest of the bytes it read: a file damaged afterwards (same line count,
    so the reconciliation passes) is read again by the publish's checks, which refuse it."""
    engine, _ = seeded
    monkeypatch.setattr(package_checks, "_checked", {})
    check_and_keep = package_checks.check_and_keep

    def then_damaged(path, *rest):
        found = check_and_keep(path, *rest)
        if path.name == ITEMS[2].file_name:
            data = path.read_bytes()
            path.write_bytes(data.replace(b"\r\n", b"\n", 2))  # the header's and the first row's CR dropped
        return found

    monkeypatch.setattr(package, "check_and_keep", then_damaged)
    with pytest.raises(errors.IntegrityError, match=f"{ITEMS[2].file_name}: line 1 has a bare CR or LF"):
        package.run_month(engine, MAY, tmp_path)
    assert not (tmp_path / "202605").exists()


def test_every_item_is_extracted_once_whatever_order_they_start_in():
    assert sorted(package.MOST_ROWS_FIRST) == [item.number for item in ITEMS]
