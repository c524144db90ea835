"""
### ssw_insurance_notice — 社会保険未加入の特定技能外国人に係る情報提供（別添、毎業務日）

Every weekday at 08:00 JST (a government closure skips the run in `resolve_day`), for each regional
bureau (mapped, one per bureau): the activity reports it entered since the previous business day that
name SSW workers not enrolled in health insurance and employees' pension (outside the enrolment period)
become one numbered 別添 form each, published with the mailing register (発送簿) under
`<ssw_notice_dir>/<BUREAU>/<YYYY-MM-DD>/`. The bureau's officer then signs off the day's batch in
*Required Actions*; `record_sign_off` writes who and when into the register. A rerun changes no
published form and asks no second sign-off. See README, "Notices to the Pension Bureau (別添)".
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.hitl import HITLOperator
from airflow.sdk import CronTriggerTimetable, dag, task

from ssw_linkage.airflow_glue import notices
from ssw_linkage.reference import bureaus


@dag(
    dag_id=notices.DAG_ID,
    schedule=CronTriggerTimetable("0 8 * * 1-5", timezone="Asia/Tokyo"),
    start_date=pendulum.datetime(2026, 4, 1, tz="Asia/Tokyo"),  # yearly activity reports from April 2026
    catchup=True,  # a day the scheduler missed still gets its run: no report waits for ever
    max_active_runs=10,  # days waiting for their sign-off do not stop the next days
    tags=["ssw", "insurance-notice"],
    doc_md=__doc__,
    default_args=notices.default_args(),
)
def ssw_insurance_notice():
    @task
    def resolve_day(logical_date=None, dag_run=None) -> str:
        return notices.resolve_day(logical_date, dag_run.run_after)

    @task(map_index_template="{{ task.op_kwargs['bureau'] }}", multiple_outputs=False)
    def prepare_batch(day: str, bureau: str) -> dict:
        return notices.prepare(day, bureau)

    @task(trigger_rule="all_done_min_one_success")  # one bureau's failure holds up no other bureau's sign-off
    def sign_off_requests(day: str) -> list[dict]:
        return notices.sign_off_requests(day)

    @task(map_index_template="{{ task.op_kwargs['signed'][0]['bureau'] }}", multiple_outputs=False)
    def record_sign_off(signed: tuple[dict, dict]) -> dict:
        request, response = signed
        return notices.record(request, response)

    day = resolve_day()
    batches = prepare_batch.partial(day=day).expand(bureau=list(bureaus()))
    requests = sign_off_requests(day)
    batches >> requests
    sign_off = HITLOperator.partial(
        task_id="sign_off", options=[notices.APPROVE, notices.REJECT], map_index_template="{{ task.subject }}"
    ).expand_kwargs(requests.map(notices.hitl_arguments))
    record_sign_off.expand(signed=requests.zip(sign_off.output))


dag = ssw_insurance_notice()

if __name__ == "__main__":
    dag.test()
