"""Revisions: after the notice, different results become r2 beside r1, with a diff, a disc and a cover sheet of
their own; an identical rerun changes nothing; before the notice, --replace supersedes as before."""

from __future__ import annotations

import csv
import json

import pytest
from package_checks import assert_valid_package, read_manifest
from pdf_text import text_of
from sqlalchemy import text

from ssw_linkage import errors, package, synthetic
from ssw_linkage.audit import AuditLog
from ssw_linkage.delivery import Delivery
from ssw_linkage.disc.build import build_disc
from ssw_linkage.months import DataMonth
from ssw_linkage.spec import ITEMS
from ssw_linkage.staging import Staging, sha256_file

MAY = DataMonth(2026, 5)


def _rows(path) -> dict[str, list[str]]:
    with open(path, encoding="cp932", newline="") as f:
        return {row[0]: row for row in list(csv.reader(f))[1:]}



@pytest.fixture
def notified(sqlite_engine, tmp_path):
    """May published, its disc built and MHLW notified (r1)."""
    synthetic.seed(sqlite_engine, DataMonth(2026, 4).until(DataMonth(2026, 6)), 1_500, bad_rate=0.05)
    staging = tmp_path / "staging"
    package.run_month(sqlite_engine, MAY, staging)
    disc = build_disc(staging, MAY)
    assert Delivery(staging, MAY).claim_notice(1, disc.image_sha256)
    return sqlite_engine, staging, disc


def test_different_results_after_the_notice_become_r2_beside_r1(notified):
    engine, staging, r1_disc = notified
    r1_manifest = read_manifest(staging / "202605")
    with engine.begin() as conn:
        conn.execute(text("UPDATE employers SET representative = representative || ' 様' WHERE employer_id % 3 = 0"))
    package.run_month(engine, MAY, staging)  # no --replace needed, and none would replace r1
    kept = staging / ".revisions" / "202605" / "r1"
    assert read_manifest(kept) == r1_manifest and assert_valid_package(staging / "202605") != r1_manifest
    assert Staging(staging).revision(MAY) == 2

    diff = json.loads((staging / ".revisions" / "202605" / "DIFF-r2.json").read_text())
    for item in ITEMS:  # against an independent comparison of the two files
        old, new = _rows(kept / item.file_name), _rows(staging / "202605" / item.file_name)
        ids = diff["items"][str(item.number)]
        assert ids["added"] == sorted(new.keys() - old.keys()) and ids["removed"] == sorted(old.keys() - new.keys())
        assert ids["changed"] == sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
    assert sum(len(c["changed"]) for c in diff["items"].values()) > 0

    r2_disc = build_disc(staging, MAY)
    assert r2_disc.image.parent.name == "202605-r2" and r2_disc.revision == 2
    assert sha256_file(r1_disc.image) == r1_disc.image_sha256 != r2_disc.image_sha256  # r1's disc is kept as it was
    assert "【第2版（r2・訂正）】" in text_of(r2_disc.cover) and "第2版" not in text_of(r1_disc.cover)

    package.run_month(engine, MAY, staging)  # identical: nothing new
    assert Staging(staging).revision(MAY) == 2 and not (staging / ".revisions" / "202605" / "r2").exists()
    events = [(e["event"], e["revision"]) for e in AuditLog(staging).entries(MAY)]
    assert events == [("ready", 1), ("built", 1), ("superseded", 1), ("ready", 2), ("built", 2), ("verified", 2)]
    ready = AuditLog(staging).entries(MAY)[3]
    changed = {item: c["changed"] for item, c in ready["changes"]["items"].items()}
    assert changed == {item: len(c["changed"]) for item, c in diff["items"].items()}
    assert AuditLog(staging).check() == []


def _suffix_representatives(engine, suffix: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE employers SET representative = representative || :s WHERE employer_id % 3 = 0"), {"s": suffix}
        )


def test_r2_not_yet_notified_is_replaced_only_on_purpose(notified):
    engine, staging, _ = notified
    _suffix_representatives(engine, " 様")
    package.run_month(engine, MAY, staging)
    _suffix_representatives(engine, " 殿")
    with pytest.raises(errors.PackageConflict):
        package.run_month(engine, MAY, staging)  # r2 was not notified: as before, refused without --replace
    package.run_month(engine, MAY, staging, replace=True)
    assert Staging(staging).revision(MAY) == 2 and len(list((staging / ".superseded").iterdir())) == 1
    diff = json.loads((staging / ".revisions" / "202605" / "DIFF-r2.json").read_text())
    old, new = _rows(staging / ".revisions" / "202605" / "r1" / "ITEM03.CSV"), _rows(staging / "202605" / "ITEM03.CSV")
    assert diff["items"]["3"]["changed"] == sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
