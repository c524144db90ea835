"""
### ssw_deadline_watchdog — 提出期限の監視（毎日）

Every morning (09:00 JST) looks at every data month from `ssw_first_month` to last month. For each
month with no READY package whose risk, final or late alert time has come, it mails the on-call
officer once per month and level. It catches what the in-run sensors cannot: months whose monthly
run was never created (DAG paused, scheduler down, backfill forgotten).
"""

from __future__ import annotations

from airflow.sdk import CronTriggerTimetable, dag, task

from ssw_linkage.airflow_glue import dag_defaults, deadline_watch


@dag(
    schedule=CronTriggerTimetable("0 9 * * *", timezone="Asia/Tokyo"),
    start_date=dag_defaults.START_DATE,
    catchup=False,
    max_active_runs=1,
    tags=["ssw", "deadline"],
    doc_md=__doc__,
    default_args=dag_defaults.default_args(),
)
def ssw_deadline_watchdog():
    @task
    def check_deadlines() -> dict[str, int]:
        return deadline_watch.watchdog(dag_defaults.PROVISION_DAG_ID)

    check_deadlines()


dag = ssw_deadline_watchdog()

if __name__ == "__main__":
    dag.test()
