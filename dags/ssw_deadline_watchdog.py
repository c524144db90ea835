"""
### ssw_deadline_watchdog — 提出期限の監視（毎日）

Every morning (09:00 JST) looks at every data month from `ssw_first_month` to last month. For each
month with no READY package whose risk, final or late alert time has come, it mails the on-call
officer once per month and level, and once more when such a month's package becomes READY. It
catches what the in-run sensors cannot: months whose monthly run was never created (DAG paused,
scheduler down, backfill forgotten).

It also removes the build directories of dead runs (they hold personal data), mails once per package if
the newest package still holds rows quarantined for `ssw_held_alert_months` or longer (counts only), and
purges the personal data of every month handed over `ssw_retention_days` ago or more (CSV files, images,
build leftovers; the manifest, cover sheet and audit log stay). The last task, `outcome`, mails once if
any check failed.
"""

from __future__ import annotations

from airflow.sdk import CronTriggerTimetable, TriggerRule, dag, task

from ssw_linkage.airflow_glue import alerts, dag_defaults, deadline_watch, retention


@dag(
    schedule=CronTriggerTimetable("0 9 * * *", timezone="Asia/Tokyo"),
    start_date=dag_defaults.START_DATE,
    catchup=False,
    max_active_runs=1,
    tags=dag_defaults.WATCHDOG_TAGS,
    doc_md=__doc__,
    default_args=dag_defaults.default_args(),
)
def ssw_deadline_watchdog():
    @task(multiple_outputs=False)
    def check_deadlines() -> dict[str, int]:
        return deadline_watch.watchdog(dag_defaults.PROVISION_DAG_ID)

    @task(multiple_outputs=False)
    def remove_dead_builds() -> dict[str, int]:
        return deadline_watch.remove_dead_builds()

    @task(multiple_outputs=False)
    def check_held_rows() -> dict:
        return deadline_watch.check_held_rows(dag_defaults.PROVISION_DAG_ID)

    @task(multiple_outputs=False)
    def purge_expired(**context) -> dict:
        return retention.purge_expired(context)

    @task(
        task_id=dag_defaults.OUTCOME_TASK,
        trigger_rule=TriggerRule.ALL_DONE,
        on_failure_callback=[alerts.record_cause, alerts.mail_task_failure],
    )
    def outcome(**context) -> None:
        deadline_watch.watchdog_outcome(context)

    [check_deadlines(), remove_dead_builds(), check_held_rows(), purge_expired()] >> outcome()


dag = ssw_deadline_watchdog()

if __name__ == "__main__":
    dag.test()
