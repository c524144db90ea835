"""What publishing and building a disc write to the audit log."""

from __future__ import annotations

from privacy import leaked
from sqlalchemy import text

from ssw_linkage import package, synthetic
from ssw_linkage.audit import AuditLog
from ssw_linkage.disc.build import build_disc
from ssw_linkage.months import DataMonth
from ssw_linkage.staging import sha256_file

MAY = DataMonth(2026, 5)


def test_publish_rerun_replace_and_disc_are_audited_without_personal_data(sqlite_engine, tmp_path):
    synthetic.seed(sqlite_engine, DataMonth(2026, 4).until(DataMonth(2026, 6)), 1_000, bad_rate=0.05)
    staging = tmp_path / "staging"
    package.run_month(sqlite_engine, MAY, staging)
    first = sha256_file(staging / "202605" / "MANIFEST.JSON")
    package.run_month(sqlite_engine, MAY, staging)  # identical: verified, nothing else
    with sqlite_engine.begin() as conn:
        conn.execute(text("UPDATE employers SET representative = representative || ' 様'"))
    package.run_month(sqlite_engine, MAY, staging, replace=True)  # not notified yet: --replace as before
    disc = build_disc(staging, MAY)

    log = AuditLog(staging)
    entries = log.entries(MAY)
    assert [e["event"] for e in entries] == ["ready", "verified", "superseded", "ready", "built"]
    assert entries[0]["manifest_sha256"] == entries[1]["manifest_sha256"] == entries[2]["manifest_sha256"] == first
    assert entries[3]["manifest_sha256"] == sha256_file(staging / "202605" / "MANIFEST.JSON") != first
    assert entries[4]["image_sha256"] == disc.image_sha256 and {e["revision"] for e in entries} == {1}
    assert log.check() == []
    url = sqlite_engine.url.render_as_string(hide_password=False)
    assert leaked(url, log.path.read_text(encoding="utf-8")) == []
