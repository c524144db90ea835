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


def test_every_dag_has_tags_owner_retries_and_a_failure_alert():
    from airflow.dag_processing.dagbag import DagBag
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    for dag in DagBag(dag_folder=str(ROOT / "dags")).dags.values():
        assert dag.tags and dag.doc_md, dag.dag_id
        for task in dag.tasks:
            assert task.owner == "isa-data-operations", task.task_id
            assert task.retries >= 1, task.task_id
            callbacks = task.on_failure_callback
            callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
            assert any(isinstance(cb, SmtpNotifier) for cb in callbacks), task.task_id


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
