"""Every source event of the window is taken by an item or excluded by a named rule, on both databases."""

from __future__ import annotations

from datetime import date

import pytest
from source_builder import SourceBuilder, jst, record_ids

from ssw_linkage import accounting, errors, package, synthetic
from ssw_linkage.months import DataMonth
from ssw_linkage.spec import Item

MAY, JUNE = DataMonth(2026, 5), DataMonth(2026, 6)
BEFORE = date(2024, 4, 10)


def test_a_seeded_month_balances_table_by_table(engine, tmp_path):
    synthetic.seed(engine, DataMonth(2026, 4).until(JUNE), 3_000, bad_rate=0.05)
    manifest = package.run_month(engine, MAY, tmp_path)
    accounts = manifest["accounting"]
    assert sorted(accounts) == sorted(accounting.TABLES)
    extracted = {str(e["item"]): e["extracted"] for e in manifest["items"]}
    for table, account in accounts.items():
        assert account["rows"] == account["taken_by_items"] + sum(account["excluded"].values()) > 0, table
        assert account["items"] == {n: extracted[n] for n in account["items"]}
        assert set(account["excluded"]) <= set(accounting.EXCLUSIONS)
    assert {"reentry_permit", "special_reentry"} & set(accounts["departures"]["excluded"])
    assert accounts["residence_cards"]["excluded"]["card_not_19_10_to_13"] > 0


def test_each_exclusion_is_named(engine, tmp_path):
    src = SourceBuilder(engine)
    worker = src.person()
    src.permit(worker, "landing", "SSW2", BEFORE)
    lone = src.person()
    src.permit(lone, "landing", "DEPENDENT", date(2026, 5, 3))  # no principal named
    engineer = src.person()
    src.permit(engineer, "landing", "ENGINEER", BEFORE)
    src.permit(src.person(), "landing", "DEPENDENT", date(2026, 5, 4), principal=engineer, relationship="妻")
    src.permit(worker, "permanent_residence", "PERMANENT", date(2026, 5, 5))
    src.depart(src.person(), date(2026, 5, 6), reentry="special_reentry")
    mover = src.person()
    src.permit(mover, "landing", "SSW1", BEFORE)
    src.notify(mover, date(2026, 5, 30), arrived=jst(date(2026, 6, 2)))  # the notice comes in June
    src.load()
    accounts = package.run_month(engine, MAY, tmp_path)["accounting"]
    assert accounts["status_permissions"]["excluded"] == {
        "dependant_without_principal": 1,
        "kind_in_no_item": 1,
        "principal_not_ssw": 1,
    }
    assert accounts["departures"]["excluded"] == {"special_reentry": 1}
    assert accounts["residence_notifications"]["excluded"] == {"notice_not_arrived": 1}
    june = package.run_month(engine, JUNE, tmp_path)["accounting"]["residence_notifications"]
    assert (june["rows"], june["items"], june["excluded"]) == (1, {"6": 1}, {})


def test_a_notice_recorded_after_its_arrival_month_is_delivered_not_lost(engine):
    src = SourceBuilder(engine)
    worker = src.person()
    src.permit(worker, "landing", "SSW1", BEFORE)
    late = src.notify(worker, date(2026, 5, 20), arrived=jst(date(2026, 5, 25)), recorded=jst(date(2026, 6, 8)))
    src.load()
    assert record_ids(engine, 6, MAY) == [] and record_ids(engine, 6, JUNE) == [f"RN{late}"]


def test_a_row_an_item_query_drops_fails_the_run_before_publishing(engine, tmp_path, monkeypatch):
    synthetic.seed(engine, DataMonth(2026, 4).until(JUNE), 2_000)
    original = Item.sql.fget

    def lossy(item: Item) -> str:  # item 2 loses the month's first departure, as a bad join would
        first = (
            "SELECT MIN(x.departure_id) FROM departures x JOIN statuses s ON s.status_code = x.status_code "
            "WHERE s.is_ssw = 1 AND x.reentry_kind = 'none' AND x.recorded_at >= :window_start "
            "AND x.recorded_at < :window_end"
        )
        kept = f"WHERE d.reentry_kind = 'none' AND d.departure_id <> ({first})"
        return original(item).replace("WHERE d.reentry_kind = 'none'", kept)

    monkeypatch.setattr(Item, "sql", property(lossy))
    with pytest.raises(errors.IntegrityError, match="item 2 for 2026-05: its query returned .* routes"):
        package.run_month(engine, MAY, tmp_path)
    assert not (tmp_path / "202605").exists()


def test_a_broken_query_is_a_bug_not_an_unavailable_source(engine, tmp_path, monkeypatch):
    SourceBuilder(engine).load()
    monkeypatch.setattr(Item, "sql", property(lambda item: "SELECT {"))
    with pytest.raises(Exception) as raised:
        package.run_month(engine, MAY, tmp_path)
    assert not isinstance(raised.value, errors.SourceUnavailable)
