"""The readiness notice: one mail to the MHLW contacts per month and revision, counts and digests only."""

from __future__ import annotations

import json

import pendulum
from handover_desk import MHLW
from privacy import leaked

from ssw_linkage import source, synthetic
from ssw_linkage.audit import AuditLog
from ssw_linkage.months import DataMonth
from ssw_linkage.staging import sha256_file


def test_one_notice_per_month_and_revision_whoever_reruns(provision_dag, sqlite_source, mail, tmp_path, monkeypatch):
    synthetic.seed(source.connect(sqlite_source), DataMonth(2026, 4).until(DataMonth(2026, 6)), 1_000, bad_rate=0.02)
    monkeypatch.setenv("AIRFLOW_VAR_SSW_PICKUP_DETAILS", "本庁舎 3階 第1会議室、平日 10:00〜17:00")
    for _ in range(2):  # the second run is identical: no second notice
        run = provision_dag.test(logical_date=pendulum.parse("2026-05-15T12:00:00+09:00"))
        assert run.state == "success"
    (notice,) = mail.to(MHLW)
    assert "oncall" not in notice["To"] and "2026-05分の提供データの準備ができました" in notice["Subject"]
    body = notice.get_body(("html",)).get_content()
    staging = tmp_path / "staging"
    manifest = json.loads((staging / "202605" / "MANIFEST.JSON").read_text(encoding="utf-8"))
    image = staging / "disc" / "202605" / "SSW_202605.ISO"
    assert sha256_file(image) in body and f"{image.stat().st_size:,} バイト" in body and "本庁舎 3階" in body
    rows = manifest["items"][2]["written"] + manifest["items"][2]["carried_over"]
    assert f'<td>3</td><td>{manifest["items"][2]["title"]}</td><td>ITEM03.CSV</td><td align="right">{rows:,}' in body
    assert leaked(sqlite_source, notice.as_string()) == []
    notified = [e for e in AuditLog(staging).entries() if e["event"] == "notified"]
    assert len(notified) == 1 and notified[0]["image_sha256"] == sha256_file(image)
    assert notified[0]["actor"].startswith("airflow:ssw_monthly_provision/")
