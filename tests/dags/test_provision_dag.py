"""ssw_monthly_provision end to end with dag.test(), on SQLite and PostgreSQL, and its failure alert."""

from __future__ import annotations

import dataclasses
import filecmp
import json
import os
import time
from pathlib import Path

import pendulum
import pytest
from package_checks import assert_valid_package
from privacy import leaked

from ssw_linkage import package, source, synthetic
from ssw_linkage.months import DataMonth

MONTHS = DataMonth(2026, 4).until(DataMonth(2026, 6))


def run(dag, month: str, **kwargs):
    return dag.test(logical_date=pendulum.parse(f"{month}-15T12:00:00+09:00"), **kwargs)


def same_files(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return sorted(match) == names and not mismatch and not errors and names == sorted(p.name for p in b.iterdir())


def test_sqlite_months_in_either_order_match_the_cli_runs_in_the_same_order(
    provision_dag, sqlite_source, mail, tmp_path, monkeypatch, capsys, caplog
):
    engine = source.connect(sqlite_source)
    synthetic.seed(engine, MONTHS, 2_000, bad_rate=0.02)
    for order, staging in ((("2026-05", "2026-06"), "forward"), (("2026-06", "2026-05"), "reverse")):
        monkeypatch.setenv("AIRFLOW_VAR_SSW_STAGING_DIR", str(tmp_path / staging))
        for month in order:
            assert run(provision_dag, month).state == "success"
    may, june = DataMonth(2026, 5), DataMonth(2026, 6)
    for month in (may, june):  # in order: June re-checks the rows May held
        package.run_month(engine, month, tmp_path / "cli")
        assert_valid_package(tmp_path / "forward" / month.compact)
        assert same_files(tmp_path / "forward" / month.compact, tmp_path / "cli" / month.compact)
    assert package.run_month(engine, june, tmp_path / "june_alone")["totals"]["carried_over"] == 0
    assert same_files(tmp_path / "reverse" / june.compact, tmp_path / "june_alone" / june.compact)
    assert same_files(tmp_path / "reverse" / may.compact, tmp_path / "cli" / may.compact)
    out = capsys.readouterr()
    mails = [m.as_string() for m in mail.messages]
    log_files = [p.read_text(errors="replace") for p in Path(os.environ["AIRFLOW_HOME"]).rglob("*.log")]
    said = [out.out, out.err, caplog.text, *log_files, *mails, *xcom_values(provision_dag.dag_id)]
    assert "extracted" in out.out and leaked(sqlite_source, *said) == []


def xcom_values(dag_id: str) -> list[str]:
    """Every XCom value the DAG's runs left in the metadata database."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        values = session.scalars(select(XComModel.value).where(XComModel.dag_id == dag_id)).all()
    assert values, "no XCom found: the search would be vacuous"
    return [str(v) for v in values]


def test_postgresql_source(provision_dag, pg_database, mail, tmp_path):
    synthetic.seed(source.connect(pg_database), MONTHS, 2_000)
    dag_run = run(provision_dag, "2026-05")
    assert dag_run.state == "success"
    manifest = assert_valid_package(tmp_path / "staging" / "202605")
    assert manifest["data_month"] == "2026-05" and manifest["totals"]["extracted"] > 0
    # the task's result shows each item's counts (and nothing else about the rows)
    counts = task_result(dag_run, "extract_publish")
    assert counts["extracted"] == manifest["totals"]["extracted"]
    keys = [field.name for field in dataclasses.fields(package.ItemCounts)]
    assert counts["items"] == [{key: row[key] for key in keys} for row in manifest["items"]]


def task_result(dag_run, task_id: str):
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        value = session.scalars(
            select(XComModel.value).where(
                XComModel.run_id == dag_run.run_id, XComModel.task_id == task_id, XComModel.key == "return_value"
            )
        ).one()
    return json.loads(value) if isinstance(value, str) else value


@pytest.fixture
def no_retries(provision_dag):
    """Fail on the first try (dag.test() would otherwise wait out the retry delay)."""
    for task in provision_dag.tasks:
        task.retries = 0
    yield provision_dag
    for task in provision_dag.tasks:
        task.retries = 2


def subjects(mail, word: str = "") -> list[str]:
    return [m["Subject"] for m in mail.messages if word in m["Subject"]]


def body(message) -> str:
    return message.get_body(("html", "plain")).get_content()


def task_states(dag_run) -> dict[str, tuple[str, int]]:
    """task id (with map index) -> (state, tries) for one run."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        tis = session.scalars(select(TaskInstance).where(TaskInstance.run_id == dag_run.run_id)).all()
        return {ti.task_id + (f"[{ti.map_index}]" * (ti.map_index >= 0)): (ti.state, ti.try_number) for ti in tis}


def test_broken_source_fails_the_run_and_mails_the_oncall_in_japanese(no_retries, sqlite_source, mail, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_SSW_SOURCE", '{"conn_type": "sqlite", "host": "/nonexistent/dir/source.db"}')
    assert run(no_retries, "2026-05").state == "failed"
    (failure,) = [m for m in mail.messages if "処理失敗" in m["Subject"]]  # one mail, though every item failed
    (late,) = [m for m in mail.messages if "期限超過" in m["Subject"]]  # once, though three sensors ran
    assert all(m["To"] == "oncall@isa.example" for m in mail.messages), subjects(mail)
    assert failure["Subject"] == "【特定技能情報連携】処理失敗：2026-05分（extract_publish）"
    assert "SourceUnavailable: item 1: SQLite source /nonexistent/dir/source.db unavailable" in body(failure)
    assert "2026-05分" in late["Subject"] and "2026-06-29（月）" in late["Subject"]
    assert "期限から" in body(late) and "0業務日" not in body(late)  # not "0 business days left" after the deadline
    for message in mail.messages:
        assert "2026-05" in body(message) and "個人情報を含めていません" in body(message)


def test_one_failing_item_mails_once_naming_it_and_a_rerun_mails_recovered(
    provision_dag, sqlite_source, mail, monkeypatch, no_retries, tmp_path
):
    from ssw_linkage.errors import SourceUnavailable

    synthetic.seed(source.connect(sqlite_source), MONTHS, 300)
    real = package.extract_item

    def item_3_breaks(engine, item, *args, **kwargs):
        if item.number == 3:
            raise SourceUnavailable("the source database closed the connection (check the database)")
        return real(engine, item, *args, **kwargs)

    monkeypatch.setattr(package, "extract_item", item_3_breaks)
    failed = run(no_retries, "2026-05")
    assert failed.state == "failed"
    (failure,) = subjects(mail, "処理失敗")
    assert failure == "【特定技能情報連携】処理失敗：2026-05分（extract_publish）"
    text = body(next(m for m in mail.messages if "処理失敗" in m["Subject"]))
    assert "SourceUnavailable: item 3: the source database closed the connection" in text and failed.run_id in text
    assert task_states(failed)["build_disc"][0] == "upstream_failed"
    assert not (tmp_path / "staging" / "202605").exists()  # nothing published when one item fails

    monkeypatch.setattr(package, "extract_item", real)
    assert run(no_retries, "2026-05").state == "success"
    assert len(subjects(mail, "処理失敗")) == 1
    assert subjects(mail, "復旧") == ["【特定技能情報連携】復旧：2026-05分の処理が成功しました"]
    assert failed.run_id in body(next(m for m in mail.messages if "復旧" in m["Subject"]))
    # a late alert (from whichever run's sensor looked before the handover) is followed by one "handed over"
    assert len(subjects(mail, "期限超過")) == len(subjects(mail, "受け渡しが記録されました")) <= 1
    mail.received.clear()
    assert run(no_retries, "2026-05").state == "success" and mail.messages == []  # nothing is said twice


def test_a_run_without_a_logical_date_fails_at_once_and_mails_once(provision_dag, sqlite_source, mail):
    started = time.monotonic()
    dag_run = provision_dag.test(logical_date=None)  # retries as configured: none may happen
    assert dag_run.state == "failed" and time.monotonic() - started < 120
    states = task_states(dag_run)
    assert states["extract_publish"] == ("failed", 1)
    assert states["deadline_watch"][0] == "skipped"
    (message,) = mail.messages
    assert message["Subject"] == "【特定技能情報連携】処理失敗：対象月なし（no data month）（extract_publish）"
    assert "this run has no data month" in body(message) and '"data_month"' in body(message)


def test_a_month_that_is_not_over_is_refused_at_once_and_no_sensor_waits(provision_dag, sqlite_source, mail, tmp_path):
    this_month = DataMonth.of(pendulum.now("UTC"))
    started = time.monotonic()
    dag_run = run(provision_dag, str(this_month))
    assert dag_run.state == "failed" and time.monotonic() - started < 120
    states = task_states(dag_run)
    assert states["extract_publish"] == ("failed", 1)  # AirflowFailException: no retry
    assert states["deadline_watch"][0] == "skipped"
    assert not (tmp_path / "staging" / this_month.compact).exists()
    (message,) = mail.messages
    assert message["Subject"] == f"【特定技能情報連携】処理失敗：{this_month}分（実行拒否：refused）（extract_publish）"
    assert f"{this_month} is not over yet" in body(message)
    assert f'"data_month": "{this_month.previous()}"' in body(message)


def test_the_trigger_forms_data_month_wins_over_its_logical_date_of_now(provision_dag, sqlite_source, mail, tmp_path):
    """The UI pre-fills the logical date with "now" and sends every form field in the run's conf."""
    synthetic.seed(source.connect(sqlite_source), MONTHS, 300)
    dag_run = provision_dag.test(logical_date=pendulum.now("UTC"), run_conf={"data_month": "2026-04", "replace": False})
    assert dag_run.state == "success"
    assert (tmp_path / "staging" / "202604" / "READY").is_file()
    # the form's default, as the UI reads it (the in-process DAG object is not: under dag.test, Airflow's
    # process_params writes the run's conf into the DAG's own Param objects for a task that does not carry
    # copies of them, as a human-in-the-loop task's form does not)
    from airflow.models.serialized_dag import SerializedDagModel

    form = SerializedDagModel.get_dag(provision_dag.dag_id).params
    assert form["data_month"] == str(DataMonth.of(pendulum.now("UTC")).previous())


def test_runs_created_by_airflow_name_their_data_month(provision_dag, sqlite_source, mail):
    """Every run's note names its data month (the plugin's listener, as the scheduler calls it when the
    run starts): here a run made by `airflow dags trigger --logical-date 2026-01-01`, whose id and data
    interval Airflow takes from the trigger time, and one from the UI's form. (Ids: test_timetable.)"""
    from airflow.api.common.trigger_dag import trigger_dag
    from airflow.listeners.listener import get_listener_manager
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from airflow.utils.types import DagRunTriggeredByType
    from sqlalchemy import select

    provision_dag.test(logical_date=None)  # writes the DAG to the metadata database
    cli = trigger_dag(
        provision_dag.dag_id, triggered_by=DagRunTriggeredByType.CLI, logical_date=pendulum.datetime(2026, 1, 1)
    )
    ui = trigger_dag(
        provision_dag.dag_id,
        triggered_by=DagRunTriggeredByType.UI,
        logical_date=pendulum.now("UTC"),
        conf={"data_month": "2026-02", "replace": False},
    )
    with create_session() as session:
        for run_id, note in ((cli.run_id, "2026-01"), (ui.run_id, "2026-02")):
            dag_run = session.scalars(select(DagRun).where(DagRun.run_id == run_id)).one()
            get_listener_manager().hook.on_dag_run_running(dag_run=dag_run, msg="started")
            session.flush()
            assert dag_run.note == f"対象月 {note}（data month {note}）"
            dag_run.note = "someone's note"
            get_listener_manager().hook.on_dag_run_running(dag_run=dag_run, msg="started")
            assert dag_run.note == "someone's note"
