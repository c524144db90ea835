"""ssw_insurance_notice end to end with dag.test(): forms and registers per bureau, each batch signed off by
its officer through the REST API (Required Actions) as a named user, a rerun that changes nothing and asks
nothing, a closed day, the failure alert; and no personal data in logs, XCom, sign-off requests or mail."""

from __future__ import annotations

import csv
import json
import os
import threading
from datetime import date, timedelta
from pathlib import Path

import pendulum
import pytest
from privacy import leaked
from sqlalchemy import text

from ssw_linkage import source, synthetic
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.months import DataMonth
from ssw_linkage.notices.selection import select_reports
from ssw_linkage.reference import bureaus

ROOT = Path(__file__).resolve().parents[2]
APPROVE, REJECT = "承認（発送する）", "差戻し（発送しない）"


@pytest.fixture(scope="module")
def notice_dag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags"))
    assert bag.import_errors == {}
    return bag.dags["ssw_insurance_notice"]


@pytest.fixture(scope="module")
def api():
    """The Airflow REST API in this process, on the test's metadata database; everything it needs is
    imported here, in the main thread, before any other thread runs (imports take a global lock)."""
    from airflow.api_fastapi.app import create_app
    from airflow.models import import_all_models
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import configure_mappers

    import_all_models()
    configure_mappers()
    return TestClient(create_app())


class Officers:
    """Answers the DAG's sign-off requests through the REST API while dag.test() runs, as the named users:
    for each bureau, ``answers`` lists (user, option) tried in order; every HTTP status is kept."""

    def __init__(self, client, answers: dict[str, list[tuple[str, str]]]):
        self.client, self.answers = client, answers
        self.statuses: list[tuple[str, str, int]] = []
        self.asked: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._answer, daemon=True)

    def __enter__(self) -> Officers:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(30)

    def _token(self, user: str) -> str:
        from airflow.api_fastapi.app import get_auth_manager
        from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

        return get_auth_manager().generate_jwt(SimpleAuthManagerUser(username=user, role="admin"))

    def _answer(self) -> None:
        from airflow.models.hitl import HITLDetail
        from airflow.models.taskinstance import TaskInstance
        from airflow.utils.session import create_session
        from airflow.utils.state import TaskInstanceState
        from sqlalchemy import select

        names = {b.name_ja: code for code, b in bureaus().items()}
        while not self.stop.wait(0.5):
            with create_session() as session:
                waiting = session.execute(
                    select(TaskInstance.dag_id, TaskInstance.run_id, TaskInstance.task_id, TaskInstance.map_index,
                           HITLDetail.subject)
                    .join(HITLDetail, HITLDetail.ti_id == TaskInstance.id)
                    .where(TaskInstance.state == TaskInstanceState.AWAITING_INPUT, HITLDetail.responded_at.is_(None))
                ).all()  # fmt: skip
            for dag_id, run_id, task_id, map_index, subject in waiting:
                bureau = names[subject.split(" ")[0]]
                self.asked.append(bureau)
                url = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/{map_index}/hitlDetails"
                for user, option in self.answers.get(bureau, [("anyone", APPROVE)]):
                    response = self.client.patch(
                        url,
                        json={"chosen_options": [option], "params_input": {}},
                        headers={"Authorization": f"Bearer {self._token(user)}"},
                    )
                    self.statuses.append((bureau, user, response.status_code))


@pytest.fixture
def notices_env(tmp_path, monkeypatch) -> dict:
    """A demo source, the DAG pointed at it, and the business day on which the most bureaus have forms."""
    path = tmp_path / "source.db"
    engine = source.connect(f"sqlite:///{path}")
    synthetic.seed(engine, DataMonth(2026, 4).until(DataMonth(2026, 6)), 6_000)
    calendar, day, busiest = GovernmentCalendar(), date(2026, 4, 1), {}
    while day < date(2026, 6, 30):
        if calendar.is_business_day(day):
            found = {b: len(select_reports(engine, b, day, 5, calendar)) for b in bureaus()}
            found = {b: n for b, n in found.items() if n}
            if len(found) > len(busiest):
                busiest, chosen = found, day
        day += timedelta(days=1)
    assert len(busiest) >= 3, "the demo should give several bureaus forms on one day"
    monkeypatch.setenv("AIRFLOW_CONN_SSW_SOURCE", json.dumps({"conn_type": "sqlite", "host": str(path)}))
    monkeypatch.setenv("AIRFLOW_VAR_SSW_NOTICE_DIR", str(tmp_path / "notices"))
    first, second, *_ = busiest
    senders = {first: {"officer": "就労審査第三部門首席審査官", "approvers": [f"officer_{first.lower()}"]}}
    monkeypatch.setenv("AIRFLOW_VAR_SSW_NOTICE_SENDERS", json.dumps(senders, ensure_ascii=False))
    yield {"url": f"sqlite:///{path}", "engine": engine, "day": chosen, "forms": busiest, "first": first,
           "second": second, "root": tmp_path / "notices"}  # fmt: skip
    engine.dispose()


def run(dag, day: date):
    return dag.test(logical_date=pendulum.parse(f"{day.isoformat()}T08:00:00+09:00"))


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def said_by_airflow(dag_id: str) -> list[str]:
    """Every XCom value and sign-off request of the DAG, and every task log."""
    from airflow.models.hitl import HITLDetail
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        xcoms = session.scalars(select(XComModel.value).where(XComModel.dag_id == dag_id)).all()
        requests = session.execute(select(HITLDetail.subject, HITLDetail.body)).all()
    logs = [p.read_text(errors="replace") for p in Path(os.environ["AIRFLOW_HOME"]).rglob("*.log")]
    return [*map(str, xcoms), *(f"{s}\n{b}" for s, b in requests), *logs]


def employers_said(engine) -> set[str]:
    """Employer names and representatives: a sole proprietor's name is a person's name."""
    with engine.connect() as conn:
        found = conn.execute(text("SELECT name, representative FROM employers")).all()
    return {value for row in found for value in row if value and len(value) >= 4}


def test_a_day_publishes_forms_and_registers_signed_off_by_each_bureaus_officer(
    notice_dag, api, notices_env, mail, capsys, caplog
):
    env = notices_env
    first, second, root = env["first"], env["second"], env["root"]
    officer = f"officer_{first.lower()}"
    answers = {first: [("intruder", APPROVE), (officer, APPROVE)], second: [("officer_b", REJECT)]}
    with Officers(api, answers) as officers:
        dag_run = run(notice_dag, env["day"])
    assert dag_run.state == "success"
    assert sorted(officers.asked) == sorted(env["forms"])  # one request per bureau with forms, none for the others
    assert (first, "intruder", 403) in officers.statuses and (first, officer, 200) in officers.statuses

    day = env["day"].isoformat()
    for bureau, count in env["forms"].items():
        batch = root / bureau / day
        forms = sorted(p.name for p in batch.glob("*.PDF"))
        assert len(forms) == count and (batch / "READY").is_file()
        register = rows(batch / "REGISTER.CSV")
        assert [r["ファイル"] for r in register] == [f"{day}/{name}" for name in forms]
        state, who = {first: ("発送", officer), second: ("差戻し", "officer_b")}.get(bureau, ("発送", "anyone"))
        assert {(r["状態"], r["確認者ID"], r["確認者"]) for r in register} == {(state, who, who)}
        assert all(r["確認日時"].endswith("+09:00") for r in register)
        assert json.loads((batch / "SIGNOFF.JSON").read_text(encoding="utf-8"))["user_id"] == who
        assert rows(root / bureau / "REGISTER_2026.CSV") == register
    assert sorted(p.name for p in root.iterdir()) == sorted([".locks", *bureaus()])
    assert not any((root / b / day).exists() for b in bureaus() if b not in env["forms"])

    before = snapshot(root)
    with Officers(api, {}) as again:  # answers anything asked, so that a wrong request cannot hang the test
        rerun = run(notice_dag, env["day"])
    assert rerun.state == "success" and again.asked == []
    assert snapshot(root) == before  # same forms, same bytes, not rewritten; no second register entry

    out = capsys.readouterr()
    said = [out.out, out.err, caplog.text, *(m.as_string() for m in mail.messages), *said_by_airflow(notice_dag.dag_id)]
    assert any("prepare_batch" in s for s in said) and any("別添通知" in s for s in said)
    assert leaked(env["url"], *said) == []
    assert [name for name in employers_said(env["engine"]) if any(name in s for s in said)] == []


def test_a_closed_day_is_skipped(notice_dag, notices_env):
    dag_run = run(notice_dag, date(2026, 5, 5))  # こどもの日
    from airflow.utils.session import create_session

    with create_session() as session:
        states = {ti.state for ti in dag_run.get_task_instances(session=session)}
    assert dag_run.state == "success" and states == {"skipped"}
    assert not notices_env["root"].exists()


@pytest.fixture
def no_retries(notice_dag):
    """Fail on the first try (dag.test() would otherwise wait out the retry delay)."""
    for task in notice_dag.tasks:
        task.retries = 0
    yield notice_dag
    for task in notice_dag.tasks:
        task.retries = 2


def test_a_failure_mails_the_alert_without_personal_data(no_retries, notices_env, mail, monkeypatch):
    monkeypatch.delenv("AIRFLOW_VAR_SSW_NOTICE_DIR")
    dag_run = run(no_retries, notices_env["day"])
    assert dag_run.state == "failed"
    subjects = [m["Subject"] for m in mail.messages]
    day = notices_env["day"].isoformat()
    assert f"【特定技能 別添通知】処理失敗：{day} prepare_batch" in subjects
    assert all(m["To"] == "oncall@isa.example" for m in mail.messages)
    assert leaked(notices_env["url"], *(m.as_string() for m in mail.messages)) == []
