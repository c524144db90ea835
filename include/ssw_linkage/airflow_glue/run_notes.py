"""A listener (registered by the plugin) that writes each provision run's data month into its note.

Airflow names backfill and ``dags test`` runs after their creation time
(``backfill__2026-02-02T07:00:00+09:00`` is January's run), and the UI and the REST API show dates in
UTC (January starts 2025-12-31T15:00Z). The note, shown beside the run in the UI and returned by
the REST API, says ``対象月 2026-01（data month 2026-01）``. A note someone wrote is never replaced.
"""

from __future__ import annotations

from airflow.listeners import hookimpl
from sqlalchemy.orm import object_session

from ssw_linkage.airflow_glue import runs


def _note(dag_run) -> None:
    """Set the note through the session the run belongs to (the scheduler's); a run outside any
    session (``dags test`` hands one over detached) is left alone rather than written behind its back."""
    if dag_run.dag_id != runs.PROVISION_DAG_ID or object_session(dag_run) is None or dag_run.note:
        return
    dag_run.note = runs.note_for(dag_run)


@hookimpl
def on_dag_run_running(dag_run, msg: str) -> None:
    _note(dag_run)


@hookimpl
def on_dag_run_success(dag_run, msg: str) -> None:
    _note(dag_run)


@hookimpl
def on_dag_run_failed(dag_run, msg: str) -> None:
    _note(dag_run)
