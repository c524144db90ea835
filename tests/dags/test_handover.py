"""A month from the readiness notice to the handover recorded through Airflow's REST API, the audit
log's chain over it, and the rejection path."""

from __future__ import annotations

import json

import pendulum
import pytest
from handover_desk import HANDED_OVER, MHLW, OFFICER, Answer
from privacy import leaked

from ssw_linkage import source, synthetic
from ssw_linkage.airflow_glue.handover import REJECTED_OPTION
from ssw_linkage.audit import AuditLog
from ssw_linkage.cli import main
from ssw_linkage.months import DataMonth
from ssw_linkage.staging import sha256_file

MAY = DataMonth(2026, 5)


@pytest.fixture
def seeded(sqlite_source):
    synthetic.seed(source.connect(sqlite_source), DataMonth(2026, 4).until(DataMonth(2026, 6)), 1_000, bad_rate=0.02)
    return sqlite_source


def run_may(dag):
    return dag.test(logical_date=pendulum.parse("2026-05-15T12:00:00+09:00"))


def xcoms(run_id: str) -> list[str]:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return [str(v) for v in session.scalars(select(XComModel.value).where(XComModel.run_id == run_id))]


def test_a_month_from_notice_to_handover_is_audited_in_a_chain(
    provision_dag, seeded, mail, handover_desk, tmp_path, capsys
):
    run = run_may(provision_dag)
    assert run.state == "success"
    (asked,) = handover_desk.seen
    assert asked["run_id"] == run.run_id and asked["state"] == "awaiting_input" and asked["response"] == 200
    assert asked["subject"] == "2026-05分 CD-R の受け渡しを記録してください（r1）"
    (notice,) = mail.to(MHLW)
    staging = tmp_path / "staging"
    image = sha256_file(staging / "disc" / "202605" / "SSW_202605.ISO")

    record = json.loads((staging / ".delivery" / "202605" / "r1.handover.json").read_text(encoding="utf-8"))
    assert record["received_by"] == HANDED_OVER["received_by"] and record["recorded_by"] == OFFICER
    assert record["image_sha256"] == image and record["disc_serial"] == "ISA-CDR-0001"

    log = AuditLog(staging)
    events = [(e["event"], e["revision"]) for e in log.entries(MAY)]
    assert events == [("ready", 1), ("built", 1), ("notified", 1), ("handed_over", 1)]
    handed = log.entries(MAY)[-1]
    assert handed["actor"] == OFFICER and handed["image_sha256"] == image and handed["sha256_confirmed"] is True
    assert handed["record_sha256"] == sha256_file(staging / ".delivery" / "202605" / "r1.handover.json")
    assert main(["audit", "--staging", str(staging), "--check"]) == 0

    # the receiver's name is in the handover record only; no resident's data anywhere
    said = [m.as_string() for m in mail.messages] + xcoms(run.run_id) + [log.path.read_text(encoding="utf-8")]
    assert not [text for text in said if HANDED_OVER["received_by"] in text]
    assert leaked(seeded, *said) == []
    handed_over_mail = [m for m in mail.messages if "受け渡しが記録されました" in m["Subject"]]
    assert len(handed_over_mail) == 1  # the late alert (May is past its deadline) is cleared once

    lines = log.path.read_bytes().splitlines(keepends=True)
    log.path.write_bytes(b"".join([lines[0], lines[1].replace(b'"built"', b'"ready"'), *lines[2:]]))
    assert main(["audit", "--staging", str(staging), "--check"]) == 7
    log.path.write_bytes(b"".join([lines[0], *lines[2:]]))
    assert main(["audit", "--staging", str(staging), "--check"]) == 7
    assert "does not follow" in capsys.readouterr().err


def test_a_rejected_disc_is_recorded_and_alerts_the_on_call_officer(
    provision_dag, seeded, mail, handover_desk, tmp_path
):
    handover_desk.answers.append(Answer(REJECTED_OPTION, {**HANDED_OVER, "reason": "媒体が読み取れない"}))
    run = run_may(provision_dag)
    assert run.state == "failed"
    (failure,) = [m for m in mail.messages if "処理失敗" in m["Subject"]]
    assert "oncall@isa.example" in failure["To"] and "handover" in failure["Subject"]
    text = failure.get_body(("html",)).get_content()
    assert "DiscRejected: 2026-05 r1: MHLW rejected the disc: 媒体が読み取れない" in text
    assert HANDED_OVER["received_by"] not in failure.as_string()
    staging = tmp_path / "staging"
    assert (staging / ".delivery" / "202605" / "r1.rejected-1.json").is_file()
    assert not (staging / ".delivery" / "202605" / "r1.handover.json").exists()
    assert [e["event"] for e in AuditLog(staging).entries(MAY)][-1] == "rejected"
    assert AuditLog(staging).check() == []


def test_a_rerun_after_the_notice_becomes_r2_with_its_own_notice_and_handover(
    provision_dag, seeded, mail, handover_desk, tmp_path
):
    from sqlalchemy import text

    assert run_may(provision_dag).state == "success"
    with source.connect(seeded).begin() as conn:
        conn.execute(text("UPDATE employers SET representative = representative || ' 様' WHERE employer_id % 3 = 0"))
    assert run_may(provision_dag).state == "success"  # a rerun from the UI: the same rule as the CLI
    staging = tmp_path / "staging"
    assert (staging / ".revisions" / "202605" / "r1" / "MANIFEST.JSON").is_file()
    assert (staging / "disc" / "202605-r2" / "SSW_202605.ISO").is_file()
    first, second = mail.to(MHLW)
    assert "第2版・訂正" in second["Subject"] and "第2版" not in first["Subject"]
    body = second.get_body(("html",)).get_content()
    assert "第1版からの変更" in body and sha256_file(staging / "disc" / "202605-r2" / "SSW_202605.ISO") in body
    assert [seen["subject"][-4:] for seen in handover_desk.seen] == ["（r1）", "（r2）"]
    events = [(e["event"], e["revision"]) for e in AuditLog(staging).entries(MAY)]
    assert events[4:] == [("superseded", 1), ("ready", 2), ("built", 2), ("notified", 2), ("handed_over", 2)]
    assert (staging / ".delivery" / "202605" / "r2.handover.json").is_file()
    assert main(["audit", "--staging", str(staging), "--check"]) == 0
