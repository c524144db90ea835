"""Registers the ssw-linkage timetable (needed to deserialize the DAG) and the listener that writes
each provision run's data month into its note.

It also imports, once per Airflow process, what parsing our DAG files imports (the Task SDK's ``@task``
machinery, the deadline sensor, the handover form): the scheduler's LocalExecutor workers and the DAG
processor fork each task and each parse from a process that loaded this plugin, so they inherit it
instead of importing it again (0.1-0.2 s per task).
"""

import airflow.sdk.definitions.decorators  # noqa: F401 - @task
from airflow.plugins_manager import AirflowPlugin

from ssw_linkage.airflow_glue import dag_defaults, deadline_watch, handover, run_notes  # noqa: F401
from ssw_linkage.airflow_glue.timetable import MonthlyProvisionTimetable


class SswLinkagePlugin(AirflowPlugin):
    name = "ssw_linkage"
    timetables = [MonthlyProvisionTimetable]
    listeners = [run_notes]
