"""Every DAG file imports cleanly, parses without touching databases or connections, and is well formed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parents[2]


def test_parsing_makes_no_query_and_no_connection_or_variable_lookup(monkeypatch):
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import BaseHook, Variable

    def forbidden(*args, **kwargs):
        raise AssertionError("looked up at parse time")

    monkeypatch.setattr(BaseHook, "get_connection", forbidden)
    monkeypatch.setattr(Variable, "get", forbidden)
    queries: list[str] = []

    def count(conn, cursor, statement, *args):
        queries.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        bag = DagBag(dag_folder=str(ROOT / "dags"))
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert bag.import_errors == {}
    assert queries == []
    assert sorted(bag.dag_ids) == sorted(p.stem for p in (ROOT / "dags").glob("*.py"))


# What only a task body needs (the extraction, the disc, mail): parsing a DAG file, as every task's start and
# every DAG processor pass does, must not pay for it.
TASK_ONLY = ("psycopg", "pyarrow", "numpy", "pandas", "fpdf", "aiosmtplib", "holidays.countries",
             "ssw_linkage.package", "ssw_linkage.source", "ssw_linkage.disc.build")


def test_parsing_imports_nothing_only_a_task_needs():
    import subprocess
    import sys

    code = f"""
import runpy, sys
for path in sys.argv[1:]:
    runpy.run_path(path)
    print(path, sorted({{h for m in sys.modules for h in {TASK_ONLY!r} if m == h or m.startswith(h + ".")}}))
"""
    files = sorted(str(p) for p in (ROOT / "dags").glob("*.py"))
    done = subprocess.run([sys.executable, "-c", code, *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-len(files):] == [f"{path} []" for path in files]


def test_once_the_plugins_are_loaded_parsing_the_monthly_dag_imports_nothing():
    """Airflow's long-lived processes load the plugins, then fork each task runner (LocalExecutor workers)
    and each parse (DAG processor): every module the monthly DAG's file needs is imported once, not per task."""
    import subprocess
    import sys

    code = (
        "import runpy, sys; from airflow import plugins_manager; plugins_manager.get_timetables_plugins(); "
        "loaded = set(sys.modules); runpy.run_path(sys.argv[1]); print(sorted(set(sys.modules) - loaded))"
    )
    dag_file = str(ROOT / "dags" / "ssw_monthly_provision.py")
    done = subprocess.run([sys.executable, "-c", code, dag_file], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-1] == "[]"


def test_every_failure_path_mails_exactly_one_way():
    """Each task records its failure's cause; `outcome` (all_done) waits for every task but the deadline
    sensors and mails once per failed run; the sensors, which may wait for weeks, and `outcome` itself
    (if it fails before mailing) mail their own failure, once per run attempt."""
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import TriggerRule

    from ssw_linkage.airflow_glue import alerts, notices
    from ssw_linkage.airflow_glue.deadline_watch import DeadlineSensor

    for dag in DagBag(dag_folder=str(ROOT / "dags")).dags.values():
        assert dag.tags and dag.doc_md, dag.dag_id
        if dag.dag_id == notices.DAG_ID:  # its own alert on every task (one per failing bureau task)
            for task in dag.tasks:
                callbacks = task.on_failure_callback
                assert (callbacks if isinstance(callbacks, list) else [callbacks]) == [notices.mail_failure]
            continue
        outcome = dag.get_task("outcome")
        assert outcome.trigger_rule == TriggerRule.ALL_DONE and not outcome.downstream_task_ids
        for task in dag.tasks:
            assert task.owner == "isa-data-operations", task.task_id
            assert task.retries >= 1, task.task_id
            callbacks = task.on_failure_callback
            callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
            assert alerts.record_cause in callbacks, task.task_id
            if isinstance(task, DeadlineSensor) or task is outcome:
                assert alerts.mail_task_failure in callbacks
                assert task.task_id not in outcome.upstream_task_ids
            else:
                assert task.task_id in outcome.upstream_task_ids, task.task_id
                assert alerts.mail_task_failure not in callbacks


def test_the_trigger_form_asks_for_the_data_month_defaulting_to_last_month():
    """Parsed here: the session's shared DAG keeps the conf of the runs other tests made with it (dag.test)."""
    from datetime import datetime

    from airflow.dag_processing.dagbag import DagBag

    from ssw_linkage.months import JST, DataMonth

    dag = DagBag(dag_folder=str(ROOT / "dags")).get_dag("ssw_monthly_provision")
    param = dag.params.get_param("data_month")
    assert param.value == str(DataMonth.of(datetime.now(JST)).previous())
    assert param.schema["type"] == "string" and param.schema["pattern"]


def test_task_functions_return_one_xcom_each():
    """`-> dict` on a @task would make Airflow push every key as its own XCom (multiple_outputs)."""
    from airflow.dag_processing.dagbag import DagBag

    for dag in DagBag(dag_folder=str(ROOT / "dags")).dags.values():
        for task in dag.tasks:
            assert not getattr(task, "multiple_outputs", False), task.task_id


def test_timetable_is_registered_and_survives_serialization(provision_dag):
    from airflow import plugins_manager
    from airflow.serialization.serialized_objects import DagSerialization

    from ssw_linkage.airflow_glue.timetable import MonthlyProvisionTimetable

    assert MonthlyProvisionTimetable in plugins_manager.get_timetables_plugins().values()
    restored = DagSerialization.from_dict(DagSerialization.to_dict(provision_dag))
    assert restored.timetable == MonthlyProvisionTimetable("07:00")


@pytest.mark.parametrize("module", ["ssw_linkage.spec", "ssw_linkage.package", "ssw_linkage.cli"])
def test_the_core_does_not_import_airflow(module):
    import subprocess
    import sys

    code = f"import sys, {module}; print(any(m == 'airflow' or m.startswith('airflow.') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
