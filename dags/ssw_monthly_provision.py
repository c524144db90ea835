"""
### ssw_monthly_provision — 特定技能外国人に係る月次情報提供

One run per data month (JST), created on the first government business day of the next month.
`extract_publish` does what `ssw-linkage run` does: extracts the eight items (別紙 items) from the
`ssw_source` connection, a few at a time, validates and quarantines, reconciles and publishes
`<ssw_staging_dir>/<YYYYMM>/` with `READY` written last (its result: each item's counts); `build_disc`
then builds the disc for MHLW from it: `<ssw_staging_dir>/disc/<YYYYMM>/` (cover sheet `COVER.PDF`,
image `SSW_<YYYYMM>.ISO`). Two months extract at once across all runs (a backfill starts them all).

**Triggering by hand:** type the data month in the `data_month` field (YYYY-MM, last month by
default) and leave the logical date as it is. A run with no data month, or for a month that is not
over yet, is refused at once. Each run's note (and the id of scheduled runs) names its data month.

Beside the extraction, the deferred deadline sensor `deadline_watch` mails the on-call officer at each
alert time (risk, uncollected, final, late) while the month is not handed over; it ends quietly once it
is, and stops once the run has failed. The last task, `outcome`, mails once if anything failed (then
fails, so the run shows failed), and after a success mails "recovered" or "ready" if an earlier mail
called for it.

Backfill missed months with the commands `ssw-linkage missed` prints. See README, "Scheduling and
backfills".
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import Param, TriggerRule, dag, task

from ssw_linkage.airflow_glue import alerts, dag_defaults
from ssw_linkage.airflow_glue.deadline_watch import DeadlineSensor
from ssw_linkage.airflow_glue.handover import HandoverOperator
from ssw_linkage.airflow_glue.runs import DATA_MONTH, TRIAL
from ssw_linkage.airflow_glue.timetable import MonthlyProvisionTimetable
from ssw_linkage.months import JST, DataMonth


@dag(
    dag_id=dag_defaults.PROVISION_DAG_ID,
    schedule=MonthlyProvisionTimetable(run_at="07:00"),
    start_date=dag_defaults.START_DATE,
    catchup=False,
    max_active_runs=dag_defaults.MAX_ACTIVE_RUNS,
    tags=dag_defaults.PROVISION_TAGS,
    doc_md=__doc__,
    default_args=dag_defaults.default_args(),
    params={
        DATA_MONTH: Param(
            str(DataMonth.of(datetime.now(JST)).previous()),
            type="string",
            pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
            title="Data month (対象月), YYYY-MM",
            description="The month to provide, when triggering by hand (default: last month). "
            "Scheduled and backfill runs take the month of their data interval instead.",
        ),
        "replace": Param(
            False,
            type="boolean",
            description="Supersede a different package already published for this month (only before its notice).",
        ),
        TRIAL: Param(
            False,
            type="boolean",
            title="Trial run (初回試験)",
            description="The whole path in the trial area (<ssw_staging_dir>/trial), every paper marked 試験; "
            "never a month's delivery.",
        ),
    },
)
def ssw_monthly_provision():
    # Each task imports its body's module when it runs: parsing the file (every task's start, the DAG
    # processor) imports only what defines the DAG.
    @task(multiple_outputs=False, max_active_tis_per_dag=dag_defaults.EXTRACTIONS_AT_ONCE)
    def extract_publish(**context) -> dict:
        from ssw_linkage.airflow_glue import provision

        return provision.extract_publish(context)

    @task(multiple_outputs=False)
    def build_disc(published: dict, dag_run=None) -> dict:
        from ssw_linkage.airflow_glue import disc

        return disc.build(published["data_month"], dag_run)

    @task(multiple_outputs=False)
    def notify_mhlw(built: dict, **context) -> dict:
        from ssw_linkage.airflow_glue import notice

        return notice.notify(built["data_month"], built, context)

    @task(
        task_id=dag_defaults.OUTCOME_TASK,
        trigger_rule=TriggerRule.ALL_DONE,
        on_failure_callback=[alerts.record_cause, alerts.mail_task_failure],
        multiple_outputs=False,
    )
    def outcome(**context) -> dict:
        from ssw_linkage.airflow_glue import provision

        return provision.outcome(context)

    published = extract_publish()
    built = build_disc(published)
    notified = notify_mhlw(built)
    handed_over = HandoverOperator(task_id="handover")
    notified >> handed_over
    [published, built, notified, handed_over] >> outcome()

    DeadlineSensor(
        task_id=dag_defaults.DEADLINE_TASK,
        on_failure_callback=[alerts.record_cause, alerts.mail_task_failure],
    )


dag = ssw_monthly_provision()

if __name__ == "__main__":
    dag.test()
