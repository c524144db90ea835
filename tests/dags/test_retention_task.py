"""The watchdog's purge_expired task: months handed over ssw_retention_days ago or more, and only those."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from ssw_linkage.airflow_glue import retention
from ssw_linkage.audit import AuditLog
from ssw_linkage.delivery import HANDOVER, Delivery
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.staging import Staging


def _handed_over(staging, month: str, at: str):
    package = staging / month
    package.mkdir(parents=True)
    (package / "MANIFEST.JSON").write_text("{}\n")
    (package / "ITEM01.CSV").write_text("personal data\n")
    Staging(staging).mark_ready(DataMonth.parse(month))
    Delivery(staging, DataMonth.parse(month)).record(HANDOVER, 1, {"received_at": at, "recorded_at": at})


def test_purge_expired_purges_months_past_their_retention_only(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW_VAR_SSW_STAGING_DIR", str(tmp_path))
    monkeypatch.setenv("AIRFLOW_VAR_SSW_RETENTION_DAYS", "30")
    _handed_over(tmp_path, "202604", "2026-05-20T10:00:00+09:00")
    _handed_over(tmp_path, "202605", "2026-06-20T10:00:00+09:00")
    (tmp_path / "202606").mkdir()  # published, never handed over
    (tmp_path / "202606" / "ITEM01.CSV").write_text("personal data\n")
    run = SimpleNamespace(dag_id="ssw_deadline_watchdog", run_id="scheduled__2026-07-10", triggering_user_name=None)
    result = retention.purge_expired({"dag_run": run}, now=datetime(2026, 7, 10, 9, tzinfo=JST))
    assert [p["data_month"] for p in result["purged"]] == ["2026-04"] and result["retention_days"] == 30
    assert not (tmp_path / "202604" / "ITEM01.CSV").exists() and (tmp_path / "202604" / "MANIFEST.JSON").exists()
    assert (tmp_path / "202605" / "ITEM01.CSV").exists() and (tmp_path / "202606" / "ITEM01.CSV").exists()
    (entry,) = AuditLog(tmp_path).entries()
    assert entry["event"] == "purged" and entry["actor"] == "airflow:ssw_deadline_watchdog/scheduled__2026-07-10"
