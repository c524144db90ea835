"""Registers the ssw-linkage timetable (needed to deserialize the DAG) and the listener that writes
each provision run's data month into its note."""

from airflow.plugins_manager import AirflowPlugin

from ssw_linkage.airflow_glue import run_notes
from ssw_linkage.airflow_glue.timetable import MonthlyProvisionTimetable


class SswLinkagePlugin(AirflowPlugin):
    name = "ssw_linkage"
    timetables = [MonthlyProvisionTimetable]
    listeners = [run_notes]
