"""Publishing a bureau's day: numbers per bureau and fiscal year without gaps, reruns that change nothing,
a report taken once, private files, and the officer's sign-off recorded once."""

from __future__ import annotations

import csv
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from activity_reports import report, worker
from source_builder import SourceBuilder, jst

from ssw_linkage import source
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.errors import IntegrityError, NotReady, UsageError
from ssw_linkage.months import JST
from ssw_linkage.notices.batch import awaiting_sign_off, publish_day, record_sign_off
from ssw_linkage.notices.layout import fiscal_year
from ssw_linkage.notices.register import APPROVED, REJECTED, SignOff

MON, TUE, WED, THU = date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 2)  # FY2025 | FY2026
OFFICER = SignOff(APPROVED, "tanaka", "田中 一郎", datetime(2026, 4, 1, 10, 15, tzinfo=JST))


def uninsured(src: SourceBuilder, entered: datetime, received: date | None = None, bureau: str = "TOKYO") -> int:
    return report(src, received or entered.date(), [(worker(src), "not_enrolled", None, "手続漏れ")], entered, bureau)


def fiscal_year_around_april(src: SourceBuilder) -> dict[str, int]:
    """Reports entered on either side of the fiscal year's end (2026-03-31), for TOKYO and one for OSAKA."""
    ids = {
        "fri_b": uninsured(src, jst(date(2026, 3, 27), 15)),
        "fri_a": uninsured(src, jst(date(2026, 3, 27), 16), received=date(2026, 3, 26)),  # earlier report date
        "mon": uninsured(src, jst(MON, 11)),
        "tue_1": uninsured(src, jst(TUE, 9)),
        "tue_2": uninsured(src, jst(TUE, 10)),
        "osaka": uninsured(src, jst(TUE, 10), bureau="OSAKA"),
        "wed": uninsured(src, jst(WED, 10)),
    }
    report(src, TUE, [(worker(src), "enrolled", date(2025, 4, 10), None)], jst(TUE, 11))  # a clean report
    src.load()
    return ids


def published(batch) -> list[tuple[int, str, str]]:
    import json

    manifest = json.loads((batch.directory / "MANIFEST.JSON").read_text(encoding="utf-8"))
    return [(f["report_id"], f["number_text"], f["file"]) for f in manifest["forms"]]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def register_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_numbers_run_per_bureau_and_fiscal_year_and_a_rerun_changes_nothing(engine, tmp_path):
    ids = fiscal_year_around_april(SourceBuilder(engine))
    root = tmp_path / "notices"
    batches = {day: publish_day(engine, root, "TOKYO", day) for day in (MON, TUE, WED, THU)}
    osaka = publish_day(engine, root, "OSAKA", WED)
    assert published(batches[MON]) == [
        (ids["fri_a"], "東京局第1号", "TOKYO_2025_00001.PDF"),  # report date first, then report id
        (ids["fri_b"], "東京局第2号", "TOKYO_2025_00002.PDF"),
    ]
    assert published(batches[TUE]) == [(ids["mon"], "東京局第3号", "TOKYO_2025_00003.PDF")]
    assert published(batches[WED]) == [
        (ids["tue_1"], "東京局第1号", "TOKYO_2026_00001.PDF"),  # a new fiscal year starts again at 1
        (ids["tue_2"], "東京局第2号", "TOKYO_2026_00002.PDF"),
    ]
    assert published(batches[THU]) == [(ids["wed"], "東京局第3号", "TOKYO_2026_00003.PDF")]
    assert published(osaka) == [(ids["osaka"], "大阪局第1号", "OSAKA_2026_00001.PDF")]

    before = snapshot(root)
    again = {day: publish_day(engine, root, "TOKYO", day) for day in (MON, TUE, WED, THU)}
    assert again == batches and snapshot(root) == before  # same numbers, same bytes, not even rewritten
    fy2026 = register_rows(root / "TOKYO" / "REGISTER_2026.CSV")
    assert [r["番号"] for r in fy2026] == ["東京局第1号", "東京局第2号", "東京局第3号"]  # one line per form
    assert [r["状態"] for r in fy2026] == ["確認待ち"] * 3
    assert [r["番号"] for r in register_rows(root / "TOKYO" / "REGISTER_2025.CSV")] == [
        "東京局第1号", "東京局第2号", "東京局第3号"
    ]


def test_a_day_published_late_takes_the_next_numbers(sqlite_engine, tmp_path):
    ids = fiscal_year_around_april(SourceBuilder(sqlite_engine))
    root = tmp_path / "notices"
    assert published(publish_day(sqlite_engine, root, "TOKYO", THU)) == [
        (ids["wed"], "東京局第1号", "TOKYO_2026_00001.PDF")
    ]
    late = published(publish_day(sqlite_engine, root, "TOKYO", WED))
    assert [number for _, number, _ in late] == ["東京局第2号", "東京局第3号"]


def test_a_report_already_notified_is_never_taken_again(sqlite_engine, tmp_path):
    ids = fiscal_year_around_april(SourceBuilder(sqlite_engine))
    root = tmp_path / "notices"
    publish_day(sqlite_engine, root, "TOKYO", WED)
    closed = GovernmentCalendar(extra_closures=[WED])  # declared afterwards: 04-02's window now spans 04-01's
    assert published(publish_day(sqlite_engine, root, "TOKYO", THU, calendar=closed)) == [
        (ids["wed"], "東京局第3号", "TOKYO_2026_00003.PDF")
    ]
    fresh = publish_day(sqlite_engine, tmp_path / "fresh", "TOKYO", THU, calendar=closed)
    assert [report_id for report_id, _, _ in published(fresh)] == [ids["tue_1"], ids["tue_2"], ids["wed"]]


def test_the_same_source_gives_the_same_bytes_on_sqlite_and_postgresql(sqlite_engine, pg_engine, tmp_path):
    for name, engine in (("sqlite", sqlite_engine), ("pg", pg_engine)):
        fiscal_year_around_april(SourceBuilder(engine))
        for day in (MON, TUE, WED):
            publish_day(engine, tmp_path / name, "TOKYO", day)
    sqlite, pg = snapshot(tmp_path / "sqlite"), snapshot(tmp_path / "pg")
    assert sqlite.keys() == pg.keys() and len(sqlite) > 10
    assert {k: v[0] for k, v in sqlite.items()} == {k: v[0] for k, v in pg.items()}


def test_an_unfinished_publish_is_rebuilt_and_a_changed_one_refused(sqlite_engine, tmp_path):
    fiscal_year_around_april(SourceBuilder(sqlite_engine))
    root = tmp_path / "notices"
    batch = publish_day(sqlite_engine, root, "TOKYO", MON)
    forms = {p.name: p.read_bytes() for p in batch.directory.glob("*.PDF")}
    (batch.directory / "READY").unlink()  # killed between the rename and READY: never signed off
    assert publish_day(sqlite_engine, root, "TOKYO", MON) == batch
    assert {p.name: p.read_bytes() for p in batch.directory.glob("*.PDF")} == forms

    form = batch.directory / "TOKYO_2025_00001.PDF"
    form.write_bytes(form.read_bytes() + b"%")
    with pytest.raises(IntegrityError, match="TOKYO_2025_00001.PDF"):
        publish_day(sqlite_engine, root, "TOKYO", MON)
    manifest = batch.directory / "MANIFEST.JSON"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("東京局第2号", "東京局第9号"), encoding="utf-8")
    with pytest.raises(IntegrityError, match="READY that does not match"):
        publish_day(sqlite_engine, root, "TOKYO", TUE)  # numbering cannot trust the register any more


def test_forms_and_registers_are_private_whatever_the_umask(sqlite_engine, tmp_path):
    fiscal_year_around_april(SourceBuilder(sqlite_engine))
    old = os.umask(0o002)
    try:
        publish_day(sqlite_engine, tmp_path / "notices", "TOKYO", MON)
    finally:
        os.umask(old)
    for path in (tmp_path / "notices").rglob("*"):
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path


def test_the_sign_off_is_recorded_once_with_who_and_when(sqlite_engine, tmp_path):
    fiscal_year_around_april(SourceBuilder(sqlite_engine))
    root = tmp_path / "notices"
    with pytest.raises(NotReady, match="no published batch"):
        record_sign_off(root, "TOKYO", WED, OFFICER)
    wed, thu = (publish_day(sqlite_engine, root, "TOKYO", day) for day in (WED, THU))
    assert [b.bureau for b in awaiting_sign_off(root, WED)] == ["TOKYO"]
    assert record_sign_off(root, "TOKYO", WED, OFFICER) == OFFICER
    someone_else = SignOff(REJECTED, "suzuki", "鈴木", datetime(2026, 4, 1, 11, 0, tzinfo=JST))
    assert record_sign_off(root, "TOKYO", WED, someone_else) == OFFICER  # the first decision stands
    record_sign_off(root, "TOKYO", THU, someone_else)
    assert awaiting_sign_off(root, WED) == [] and publish_day(sqlite_engine, root, "TOKYO", WED).sign_off == OFFICER

    signed = [r for r in register_rows(wed.directory / "REGISTER.CSV")]
    assert [(r["状態"], r["確認者"], r["確認者ID"], r["確認日時"]) for r in signed] == [
        ("発送", "田中 一郎", "tanaka", "2026-04-01T10:15:00+09:00")
    ] * 2
    year = register_rows(root / "TOKYO" / "REGISTER_2026.CSV")
    assert [(r["番号"], r["状態"], r["確認者ID"]) for r in year] == [
        ("東京局第1号", "発送", "tanaka"), ("東京局第2号", "発送", "tanaka"), ("東京局第3号", "差戻し", "suzuki")
    ]
    assert year[0]["ファイル"] == "2026-04-01/TOKYO_2026_00001.PDF" and year[2]["日付（和暦）"] == "令和8年4月2日"
    assert [r["外国人数"] for r in year] == ["1", "1", "1"] and year[0]["事業場"] == "株式会社テスト"
    assert thu.forms == 1


def test_a_sign_off_needs_an_aware_time_and_a_known_decision():
    with pytest.raises(ValueError, match="naive"):
        SignOff(APPROVED, "tanaka", "田中", datetime(2026, 4, 1, 10))
    with pytest.raises(ValueError, match="approved"):
        SignOff("maybe", "tanaka", "田中", OFFICER.at)


def test_a_closed_day_an_unknown_bureau_and_a_day_not_begun_are_refused(sqlite_engine, tmp_path):
    source.create_schema(sqlite_engine)
    with pytest.raises(UsageError, match="weekend"):
        publish_day(sqlite_engine, tmp_path, "TOKYO", date(2026, 5, 9))
    with pytest.raises(UsageError, match="unknown bureau"):
        publish_day(sqlite_engine, tmp_path, "ATLANTIS", date(2026, 5, 8))
    with pytest.raises(NotReady, match="has not begun"):
        publish_day(sqlite_engine, tmp_path, "TOKYO", date(2026, 5, 8), now=datetime(2026, 5, 7, 23, 59, tzinfo=JST))
    assert publish_day(sqlite_engine, tmp_path, "TOKYO", date(2026, 5, 8)).forms == 0
    assert not (tmp_path / "TOKYO" / "2026-05-08").exists()  # an empty day leaves no batch


@pytest.mark.parametrize(
    ("day", "year"), [(date(2026, 3, 31), 2025), (date(2026, 4, 1), 2026), (date(2019, 4, 30), 2019)]
)
def test_fiscal_years_run_april_to_march(day, year):
    assert fiscal_year(day) == year


def test_the_notices_core_does_not_import_airflow():
    import subprocess
    import sys

    code = "import sys, ssw_linkage.notices.batch; print(any(m.split('.')[0] == 'airflow' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
