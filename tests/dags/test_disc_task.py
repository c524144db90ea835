"""The monthly run ends with a disc image; with the ``ssw_disc_password`` connection it is encrypted, and the
password appears in no log, XCom or mail."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pendulum
from independent_reader import read_image

from ssw_linkage import source, synthetic
from ssw_linkage.disc.verify import verify_disc
from ssw_linkage.months import DataMonth

PASSWORD = "Zx9-dag-disc-password-never-logged"


def test_a_run_builds_an_encrypted_disc_and_says_the_password_nowhere(
    provision_dag, sqlite_source, mail, tmp_path, monkeypatch, capsys, caplog
):
    synthetic.seed(source.connect(sqlite_source), DataMonth(2026, 4).until(DataMonth(2026, 6)), 1_000, bad_rate=0.02)
    connection = {"conn_type": "generic", "password": PASSWORD}
    monkeypatch.setenv("AIRFLOW_CONN_SSW_DISC_PASSWORD", json.dumps(connection))
    monkeypatch.setenv("AIRFLOW_VAR_SSW_DISC_SENDER", "出入国在留管理庁 試験課")
    run = provision_dag.test(logical_date=pendulum.parse("2026-05-15T12:00:00+09:00"))
    assert run.state == "success"
    image = tmp_path / "staging" / "disc" / "202605" / "SSW_202605.ISO"
    assert "DATA.ZIP" in read_image(image) and verify_disc(image, lambda: PASSWORD).ok
    assert not verify_disc(image).ok  # not without the password

    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        xcoms = session.execute(
            select(XComModel.task_id, XComModel.key, XComModel.value).where(XComModel.run_id == run.run_id)
        ).all()
    (disc,) = [value for task_id, key, value in xcoms if (task_id, key) == ("build_disc", "return_value")]
    assert (json.loads(disc) if isinstance(disc, str) else disc)["encrypted"] is True
    out = capsys.readouterr()
    logs = [p.read_text(errors="replace") for p in Path(os.environ["AIRFLOW_HOME"]).rglob("*.log")]
    said = [out.out, out.err, caplog.text, *logs, *(m.as_string() for m in mail.messages), *map(str, xcoms)]
    assert any("build_disc" in text for text in said), "the search would be vacuous"
    assert not [text for text in said if PASSWORD in text]
