"""Registers the ssw-linkage timetable with Airflow (needed to deserialize the DAG)."""

from airflow.plugins_manager import AirflowPlugin

from ssw_linkage.airflow_glue.timetable import MonthlyProvisionTimetable


class SswLinkagePlugin(AirflowPlugin):
    name = "ssw_linkage"
    timetables = [MonthlyProvisionTimetable]
