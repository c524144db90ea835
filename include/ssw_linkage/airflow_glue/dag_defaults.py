"""What every ssw-linkage DAG shares: owner, retries, recording the cause of a failure, start date, tags."""

from __future__ import annotations

from datetime import timedelta

import pendulum

from ssw_linkage.airflow_glue import alerts
from ssw_linkage.airflow_glue.runs import PROVISION_DAG_ID

__all__ = [
    "DEADLINE_TASK", "EXTRACTIONS_AT_ONCE", "MAX_ACTIVE_RUNS", "OUTCOME_TASK", "PROVISION_DAG_ID", "PROVISION_TAGS",
    "START_DATE", "WATCHDOG_TAGS", "default_args",
]

START_DATE = pendulum.datetime(2019, 6, 1, tz="Asia/Tokyo")  # the agreement took effect on 2019-06-19
OUTCOME_TASK = "outcome"  # each DAG's last task: mails once if anything failed
DEADLINE_TASK = "deadline_watch"  # the provision run's deadline sensor, beside the extraction
# Months extracted at once (each reading SSW_EXTRACT_WORKERS items at a time), across all runs of the DAG:
# a backfill may start every missing month at once without loading the source (or a 2-core host) more.
EXTRACTIONS_AT_ONCE = 2
# Runs of the DAG at once (backfills have their own limit): a month waiting in ``handover`` for the officer
# (no worker slot) still counts, so this is well above the few months that may wait for their pick-up.
MAX_ACTIVE_RUNS = 12
PROVISION_TAGS, WATCHDOG_TAGS = ["ssw", "mhlw-provision"], ["ssw", "deadline"]  # the one small vocabulary


def default_args() -> dict:
    return {
        "owner": "isa-data-operations",
        "retries": 2,
        "retry_delay": timedelta(minutes=5),
        "on_failure_callback": alerts.record_cause,
    }
