"""
### ssw_monthly_provision — 特定技能外国人に係る月次情報提供

One run per data month (JST), created on the first government business day of the next month.
Extracts the eight items (別紙 items) from the `ssw_source` connection, validates and quarantines,
reconciles and publishes `<ssw_staging_dir>/<YYYYMM>/` with `READY` written last.

Backfill missed months from the UI or `airflow backfill create` (unpause the DAG first); list them
with `ssw-linkage missed`. See README, "Scheduling and backfills".
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, task
from ssw_linkage.airflow_glue import alerts, provision
from ssw_linkage.airflow_glue.timetable import MonthlyProvisionTimetable
from ssw_linkage.spec import ITEMS


@dag(
    schedule=MonthlyProvisionTimetable(run_at="07:00"),
    start_date=pendulum.datetime(2019, 6, 1, tz="Asia/Tokyo"),
    catchup=False,
    max_active_runs=3,
    tags=["ssw", "mhlw-provision"],
    doc_md=__doc__,
    params={
        "replace": Param(
            False, type="boolean", description="Supersede a different package already published for this month."
        )
    },
    default_args={
        "owner": "isa-data-operations",
        "retries": 2,
        "retry_delay": timedelta(minutes=5),
        "on_failure_callback": alerts.failure_notifier(),
    },
)
def ssw_monthly_provision():
    @task
    def resolve_month(data_interval_start=None, data_interval_end=None) -> str:
        return provision.resolve_month(data_interval_start, data_interval_end)

    @task(map_index_template="{{ 'item ' ~ task.op_kwargs['item_number'] }}")
    def extract_item(month: str, item_number: int, run_id=None) -> dict:
        return provision.extract(month, item_number, run_id)

    @task
    def publish(month: str, counts: list[dict], run_id=None, params=None) -> dict:
        return provision.publish(month, list(counts), run_id, replace=params["replace"])

    month = resolve_month()
    counts = extract_item.partial(month=month).expand(item_number=[i.number for i in ITEMS])
    publish(month, counts)


dag = ssw_monthly_provision()

if __name__ == "__main__":
    dag.test()
