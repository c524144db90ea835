"""Retention: a handed-over month's personal data is purged after the retention period, exactly that, audited;
a month not handed over (or still within its period) is refused, and a purged month is never rebuilt."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text

from ssw_linkage import errors, package, retention, synthetic
from ssw_linkage.audit import AuditLog
from ssw_linkage.cli import main
from ssw_linkage.delivery import HANDOVER, Delivery
from ssw_linkage.disc.build import build_disc
from ssw_linkage.months import JST, DataMonth

MAY, JUNE = DataMonth(2026, 5), DataMonth(2026, 6)
HANDED_OVER_AT = "2026-06-10T10:30:00+09:00"


def _files(root):
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def two_revisions(sqlite_engine, tmp_path):
    """May in r1 and r2 (each with its disc), a dead build of May, and June published."""
    synthetic.seed(sqlite_engine, DataMonth(2026, 4).until(DataMonth(2026, 7)), 1_000, bad_rate=0.05)
    staging = tmp_path / "staging"
    package.run_month(sqlite_engine, MAY, staging)
    Delivery(staging, MAY).claim_notice(1, build_disc(staging, MAY).image_sha256)
    with sqlite_engine.begin() as conn:
        conn.execute(text("UPDATE employers SET representative = representative || ' 様'"))
    package.run_month(sqlite_engine, MAY, staging)
    build_disc(staging, MAY)
    package.run_month(sqlite_engine, JUNE, staging)
    (staging / ".build" / "202605-cli-999").mkdir(parents=True)
    (staging / ".build" / "202605-cli-999" / "ITEM01.CSV").write_text("left over")
    return sqlite_engine, staging


def test_a_month_not_handed_over_is_refused(two_revisions, capsys):
    _, staging = two_revisions
    before = _files(staging)
    assert main(["purge", "--month", "2026-05", "--staging", str(staging), "--retention-days", "0"]) == 4
    assert "2026-05 has not been handed over" in capsys.readouterr().err and _files(staging) == before


def test_after_the_retention_period_exactly_the_personal_data_goes(two_revisions, capsys):
    engine, staging = two_revisions
    record = {"outcome": HANDOVER, "received_at": HANDED_OVER_AT, "recorded_at": HANDED_OVER_AT}
    Delivery(staging, MAY).record(HANDOVER, 2, record)
    with pytest.raises(errors.NotReady, match="handed over on 2026-06-10; its data is kept until 2026-09-08"):
        retention.purge(staging, MAY, 90, datetime(2026, 9, 7, 23, tzinfo=JST))
    before = _files(staging)
    assert retention.purge(staging, MAY, 90, datetime(2026, 9, 8, 10, 30, tzinfo=JST))["files_removed"] == 19
    gone = before - _files(staging)
    items = {f"ITEM0{n}.CSV" for n in range(1, 9)}
    assert gone == {
        *(f"202605/{name}" for name in items),
        *(f".revisions/202605/r1/{name}" for name in items),
        "disc/202605/SSW_202605.ISO",
        "disc/202605-r2/SSW_202605.ISO",
        ".build/202605-cli-999/ITEM01.CSV",
    }
    kept = {"MANIFEST.JSON", "READY", "QUARANTINE.CSV", "CARRIED.CSV"}
    assert {p.name for p in (staging / "202605").iterdir()} == kept
    assert {p.name for p in (staging / "disc" / "202605-r2").iterdir()} == {"COVER.PDF"}
    assert not any(name.startswith("202606/") or name.startswith("disc/202606") for name in gone)

    log = AuditLog(staging)
    purged = log.entries(MAY)[-1]
    assert (purged["event"], purged["revision"], purged["files_removed"]) == ("purged", 2, 19) and log.check() == []
    with pytest.raises(errors.PackageConflict, match="purged on 2026-09-08"):
        package.run_month(engine, MAY, staging)  # never rebuilt
    assert main(["purge", "--month", "2026-05", "--staging", str(staging), "--retention-days", "0"]) == 4
    assert "already purged" in capsys.readouterr().err
