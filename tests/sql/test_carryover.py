"""Held rows are re-checked by later months and delivered once, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from package_checks import assert_valid_package, read_manifest
from source_builder import SourceBuilder, jst
from sqlalchemy import text

from ssw_linkage import package
from ssw_linkage.carryover import held_before
from ssw_linkage.months import DataMonth
from ssw_linkage.staging import Staging

APRIL, MAY, JUNE, JULY = DataMonth(2026, 4), DataMonth(2026, 5), DataMonth(2026, 6), DataMonth(2026, 7)


def _rows(path, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((path / name).read_text(encoding="cp932"))))


def _item_ids(path, file_name: str) -> list[str]:
    return [row[0] for row in csv.reader(io.StringIO((path / file_name).read_text(encoding="cp932")))][1:]


@pytest.fixture
def late_permission(engine):
    """A May departure whose person's SSW permission (and card) ISA recorded only in June: May cannot
    deliver it (no card, no field as of May's end), June can. And one that stays broken."""
    src = SourceBuilder(engine)
    late = src.person()
    src.permit(late, "landing", "SSW1", date(2025, 4, 1), recorded=jst(date(2026, 6, 3)))
    fixed = src.depart(late, date(2026, 5, 20))
    broken = src.person()
    src.depart(broken, date(2026, 5, 21))  # never gets a permission or card: held for good
    fine = src.person()
    src.permit(fine, "landing", "SSW1", date(2025, 4, 1))
    delivered = src.depart(fine, date(2026, 5, 22))
    src.load()
    return src, f"DP{fixed}", f"DP{broken}", f"DP{delivered}"


def test_a_held_row_is_delivered_once_by_the_first_month_that_finds_it_valid(late_permission, tmp_path):
    src, fixed, broken, delivered = late_permission
    may = package.run_month(src.engine, MAY, tmp_path)
    assert _item_ids(tmp_path / "202605", "ITEM02.CSV") == [delivered]
    held = {r["record_id"]: r for r in _rows(tmp_path / "202605", package.QUARANTINE)}
    assert set(held) == {fixed, broken} and {r["held_since"] for r in held.values()} == {"2026-05"}
    assert "card_number:required" in held[fixed]["violations"]
    assert may["held"]["by_age_months"] == {"0": 2}

    june = package.run_month(src.engine, JUNE, tmp_path)
    assert_valid_package(tmp_path / "202606")
    june_rows = list(csv.reader(io.StringIO((tmp_path / "202606" / "ITEM02.CSV").read_text(encoding="cp932"))))
    assert [r[0] for r in june_rows[1:]] == [fixed] and june_rows[1][1] == "2026-05-20"  # its own event date
    assert _rows(tmp_path / "202606", package.CARRIED) == [
        {"item": "2", "record_id": fixed, "held_since": "2026-05", "outcome": "delivered"}
    ]
    assert [(r["record_id"], r["held_since"]) for r in _rows(tmp_path / "202606", package.QUARANTINE)] == [
        (broken, "2026-05")
    ]
    item2 = june["items"][1]
    assert (item2["extracted"], item2["carried_over"], item2["still_held"]) == (0, 1, 1)
    assert june["held"]["by_age_months"] == {"1": 1}

    july = package.run_month(src.engine, JULY, tmp_path)  # delivered in June: never again
    assert _item_ids(tmp_path / "202607", "ITEM02.CSV") == []
    assert july["held"]["by_age_months"] == {"2": 1} and july["totals"]["carried_over"] == 0


def test_reruns_give_the_same_bytes_with_carried_rows(late_permission, tmp_path):
    src, *_ = late_permission
    for month in (MAY, JUNE):
        package.run_month(src.engine, month, tmp_path)
    ready = {m: (tmp_path / m.compact / package.READY).stat().st_mtime_ns for m in (MAY, JUNE)}
    for month in (JUNE, MAY):
        package.run_month(src.engine, month, tmp_path)  # unchanged: a no-op
    assert {m: (tmp_path / m.compact / package.READY).stat().st_mtime_ns for m in (MAY, JUNE)} == ready
    assert not (tmp_path / ".superseded").exists() and not (tmp_path / ".damaged").exists()


def test_a_held_row_no_longer_selected_is_released_with_its_reason(late_permission, tmp_path):
    src, fixed, broken, _ = late_permission
    package.run_month(src.engine, MAY, tmp_path)
    with src.engine.begin() as conn:  # the departure turns out to have been under a re-entry permit
        conn.execute(
            text("UPDATE departures SET reentry_kind = 'reentry_permit' WHERE departure_id = :id"),
            {"id": int(broken[2:])},
        )
    june = package.run_month(src.engine, JUNE, tmp_path)
    outcomes = {r["record_id"]: r["outcome"] for r in _rows(tmp_path / "202606", package.CARRIED)}
    assert outcomes == {fixed: "delivered", broken: "no_longer_selected"}
    assert june["items"][1]["released"] == 1 and june["held"]["rows"] == 0


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-bom"])
def test_the_held_rows_are_read_back_from_the_packages_of_either_encoding(late_permission, tmp_path, encoding):
    src, fixed, broken, _ = late_permission
    package.run_month(src.engine, MAY, tmp_path, encoding=encoding)
    held = held_before(Staging(tmp_path), JUNE)
    assert [(h.item, h.record_id, h.held_since) for h in held] == [(2, r, MAY) for r in sorted([fixed, broken])]
    assert held_before(Staging(tmp_path), MAY) == [] and held_before(Staging(tmp_path), APRIL) == []


def test_a_month_published_out_of_order_hands_its_held_rows_to_the_next_open_month(late_permission, tmp_path):
    src, fixed, broken, _ = late_permission
    package.run_month(src.engine, JUNE, tmp_path)  # June first: it knows of no held rows
    package.run_month(src.engine, MAY, tmp_path)
    staging = Staging(tmp_path)
    assert [h.record_id for h in held_before(staging, JULY)] == sorted([fixed, broken])
    july = package.run_month(src.engine, JULY, tmp_path)
    assert _item_ids(tmp_path / "202607", "ITEM02.CSV") == [fixed] and july["totals"]["still_held"] == 1
    assert held_before(staging, DataMonth(2026, 8))[0].record_id == broken
    assert read_manifest(tmp_path / "202606")["totals"]["carried_over"] == 0


def test_months_run_at_once_publish_in_month_order(late_permission, tmp_path, monkeypatch):
    """A backfill runs months at once: June, done extracting while May's run is still extracting, waits for
    May's package, so it carries May's held rows exactly as a run of May, then June, does."""
    src, fixed, _, _ = late_permission
    package.run_month(src.engine, MAY, tmp_path / "in-order")
    package.run_month(src.engine, JUNE, tmp_path / "in-order")

    may_extracting, june_waiting = threading.Event(), threading.Event()
    extract_item = package.extract_item

    def slow_may(engine, item, month, *args, **kwargs):
        if month == MAY:
            may_extracting.set()
            assert june_waiting.wait(30), "June never waited for May"
        return extract_item(engine, item, month, *args, **kwargs)

    wait = Staging.wait_for_earlier_months

    def noticed_wait(self, month):
        june_waiting.set()
        wait(self, month)

    monkeypatch.setattr(package, "extract_item", slow_may)
    monkeypatch.setattr(Staging, "wait_for_earlier_months", noticed_wait)
    at_once = tmp_path / "at-once"
    with ThreadPoolExecutor(max_workers=2) as pool:
        may = pool.submit(package.run_month, src.engine, MAY, at_once)
        assert may_extracting.wait(30)
        june = pool.submit(package.run_month, src.engine, JUNE, at_once)
        may.result(), june.result()
    assert _item_ids(at_once / "202606", "ITEM02.CSV") == [fixed]
    for name in package.package_files():
        assert (at_once / "202606" / name).read_bytes() == (tmp_path / "in-order" / "202606" / name).read_bytes(), name
