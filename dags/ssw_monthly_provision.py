"""
### ssw_monthly_provision — 特定技能外国人に係る月次情報提供

One run per data month (JST), created on the first government business day of the next month.
Extracts the eight items (別紙 items) from the `ssw_source` connection, validates and quarantines,
reconciles and publishes `<ssw_staging_dir>/<YYYYMM>/` with `READY` written last, then builds the
disc for MHLW from it: `<ssw_staging_dir>/disc/<YYYYMM>/` (cover sheet `COVER.PDF`, image `SSW_<YYYYMM>.ISO`).

Beside the extraction, three deferred deadline sensors (risk, final, late) mail the on-call officer
if the package is not READY at their time; they succeed quietly once it is.

Backfill missed months from the UI or `airflow backfill create` (unpause the DAG first); list them
with `ssw-linkage missed`. See README, "Scheduling and backfills".
"""

from __future__ import annotations

from airflow.sdk import Param, dag, task

from ssw_linkage.airflow_glue import dag_defaults, disc, provision
from ssw_linkage.airflow_glue.deadline_watch import DeadlineSensor
from ssw_linkage.airflow_glue.timetable import MonthlyProvisionTimetable
from ssw_linkage.deadline_alerts import Level
from ssw_linkage.spec import ITEMS


@dag(
    dag_id=dag_defaults.PROVISION_DAG_ID,
    schedule=MonthlyProvisionTimetable(run_at="07:00"),
    start_date=dag_defaults.START_DATE,
    catchup=False,
    max_active_runs=3,
    tags=["ssw", "mhlw-provision"],
    doc_md=__doc__,
    default_args=dag_defaults.default_args(),
    params={
        "replace": Param(
            False, type="boolean", description="Supersede a different package already published for this month."
        )
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
        # counts[:] fetches every mapped result in one request (iterating probes past the end)
        return provision.publish(month, counts[:], run_id, replace=params["replace"])

    @task
    def build_disc(month: str) -> dict:
        return disc.build(month)

    month = resolve_month()
    counts = extract_item.partial(month=month).expand(item_number=[i.number for i in ITEMS])
    publish(month, counts) >> build_disc(month)

    for level in Level:
        DeadlineSensor(task_id=f"deadline_{level.value}", level=level.value)


dag = ssw_monthly_provision()

if __name__ == "__main__":
    dag.test()
