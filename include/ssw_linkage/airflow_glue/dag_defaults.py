"""What every ssw-linkage DAG shares: owner, retries, the failure alert, start date, tags."""

from __future__ import annotations

from datetime import timedelta

import pendulum

from ssw_linkage.airflow_glue import alerts

PROVISION_DAG_ID = "ssw_monthly_provision"
START_DATE = pendulum.datetime(2019, 6, 1, tz="Asia/Tokyo")  # the agreement took effect on 2019-06-19


def default_args() -> dict:
    return {
        "owner": "isa-data-operations",
        "retries": 2,
        "retry_delay": timedelta(minutes=5),
        "on_failure_callback": alerts.failure_notifier(),
    }
