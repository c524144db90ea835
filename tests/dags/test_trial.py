"""The trial run (初回試験): the whole path in the trial area, every paper marked 試験, no real month touched."""

from __future__ import annotations

import json
from pathlib import Path

import pendulum
from handover_desk import MHLW
from pdf_text import text_of
from test_provision_dag import task_states

from ssw_linkage import source, synthetic
from ssw_linkage.audit import AuditLog
from ssw_linkage.cli import main
from ssw_linkage.months import DataMonth
from ssw_linkage.staging import sha256_file

ROOT = Path(__file__).resolve().parents[2]



def test_a_trial_run_goes_end_to_end_apart_and_leaves_the_real_months_alone(
    handover_desk, sqlite_source, mail, tmp_path, capsys
):
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(ROOT / "dags")).get_dag("ssw_monthly_provision")  # its own params: conf is kept
    synthetic.seed(source.connect(sqlite_source), DataMonth(2026, 4).until(DataMonth(2026, 6)), 800, bad_rate=0.02)
    may = pendulum.parse("2026-05-15T12:00:00+09:00")
    trial_run = dag.test(logical_date=may, run_conf={"trial": True})
    assert trial_run.state == "success"
    staging = tmp_path / "staging"
    trial = staging / "trial"
    assert sorted(p.name for p in staging.iterdir()) == ["trial"]  # nothing outside the trial area
    manifest = json.loads((trial / "202605" / "MANIFEST.JSON").read_text(encoding="utf-8"))
    assert manifest["trial"] is True
    assert "【試験】" in text_of(trial / "disc" / "202605" / "COVER.PDF")
    (notice,) = mail.to(MHLW)
    assert notice["Subject"].startswith("【試験】")
    assert "実際の提供ではありません" in notice.get_body(("html",)).get_content()
    assert (trial / ".delivery" / "202605" / "r1.handover.json").is_file()
    events = [e["event"] for e in AuditLog(trial).entries()]
    assert events == ["ready", "built", "notified", "handed_over"] and AuditLog(trial).check() == []
    states = task_states(trial_run)
    assert states["deadline_watch"][0] == "skipped"
    assert not [m for m in mail.messages if "期限" in m["Subject"]]  # no deadline alert for a trial
    assert main(["missed", "--staging", str(staging), "--from", "2026-05", "--to", "2026-05"]) == 1
    assert main(["audit", "--staging", str(staging), "--trial", "--check"]) == 0
    capsys.readouterr()

    trial_image = sha256_file(trial / "disc" / "202605" / "SSW_202605.ISO")
    real_run = dag.test(logical_date=may, run_conf={"trial": False})  # the first real delivery, after the trial
    assert real_run.state == "success"
    real = json.loads((staging / "202605" / "MANIFEST.JSON").read_text(encoding="utf-8"))
    assert "trial" not in real and {k: v for k, v in manifest.items() if k != "trial"} == real
    assert "試験" not in text_of(staging / "disc" / "202605" / "COVER.PDF")
    assert [e["event"] for e in AuditLog(staging).entries()] == ["ready", "built", "notified", "handed_over"]
    assert sha256_file(trial / "disc" / "202605" / "SSW_202605.ISO") == trial_image
    assert len(AuditLog(trial).entries()) == 4 and not mail.to(MHLW)[1]["Subject"].startswith("【試験】")
