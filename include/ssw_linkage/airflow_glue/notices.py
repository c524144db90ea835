"""The 別添 notices DAG: task bodies, settings, the officer's sign-off and the failure alert.

| name | kind | meaning |
|---|---|---|
| `ssw_notice_dir` | Variable | notices directory (forms and registers), shared by every worker |
| `ssw_enrolment_period_days` | Variable | enrolment period after hiring, in days (default 5) |
| `ssw_notice_senders` | Variable | JSON by bureau code: officer, contact, approvers (``notices.senders``) |

Tasks return counts, numbers and paths only; the sign-off request shows no name or other personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from airflow.sdk import Variable
from airflow.sdk.exceptions import AirflowSkipException

from ssw_linkage.airflow_glue import dag_defaults, settings
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.months import JST
from ssw_linkage.notices import senders as notice_senders
from ssw_linkage.notices.enrolment import DEFAULT_PERIOD_DAYS
from ssw_linkage.notices.register import APPROVED, REJECTED, SignOff
from ssw_linkage.reference import bureaus
from ssw_linkage.wareki import format_date

if TYPE_CHECKING:
    from ssw_linkage.notices.batch import Batch  # fpdf takes ~0.5 s to import: not at every DAG parse

DAG_ID = "ssw_insurance_notice"
APPROVE, REJECT = "承認（発送する）", "差戻し（発送しない）"
DECISIONS = {APPROVE: APPROVED, REJECT: REJECTED}

DAY = "{{ logical_date.in_timezone('Asia/Tokyo').strftime('%Y-%m-%d') if logical_date else '（日付なし）' }}"
FAILURE_SUBJECT = f"【特定技能 別添通知】処理失敗：{DAY} {{{{ ti.task_id }}}}"
FAILURE_BODY = f"""<p>社会保険未加入の特定技能外国人に係る別添通知（毎業務日）の処理が失敗しました。</p>
<table>
<tr><th>対象日</th><td>{DAY}</td></tr>
<tr><th>DAG</th><td>{{{{ dag.dag_id }}}}</td></tr>
<tr><th>タスク</th><td>{{{{ ti.task_id }}}}{{{{ ' #' ~ ti.map_index if ti.map_index >= 0 else '' }}}}</td></tr>
<tr><th>実行ID</th><td>{{{{ run_id }}}}</td></tr>
<tr><th>試行</th><td>{{{{ ti.try_number }}}}</td></tr>
</table>
<p>対応：<a href="{{{{ ti.log_url }}}}">タスクのログ</a>で原因を確認し、
解消後に当該タスクをクリアして再実行してください。公開済みの日の様式は再実行しても変わらず、番号が重複することもありません。</p>
<p>このメールには個人情報を含めていません。</p>"""


def mail_failure(context) -> None:
    """This DAG's failure alert to the on-call officers (recipients read when a task fails, not at parse)."""
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier  # aiosmtplib: only when mailing

    SmtpNotifier(
        to=settings.alert_recipients(),
        from_email=settings.alert_sender(),
        subject=FAILURE_SUBJECT,
        html_content=FAILURE_BODY,
        smtp_conn_id=settings.SMTP_CONN_ID,
    )(context)


def default_args() -> dict:
    """The house defaults (owner, retries) with this DAG's own failure alert."""
    return {**dag_defaults.default_args(), "on_failure_callback": mail_failure}


def notice_dir() -> Path:
    return Path(Variable.get("ssw_notice_dir"))


def period_days() -> int:
    return int(Variable.get("ssw_enrolment_period_days", default=str(DEFAULT_PERIOD_DAYS)))


def senders() -> dict[str, notice_senders.NoticeSender]:
    return notice_senders.parse(Variable.get("ssw_notice_senders", default=""))


def resolve_day(logical_date: datetime | None, run_after: datetime) -> str:
    """The run's day: its logical date (else when it was triggered) in JST. A closed day skips the run."""
    day = (logical_date or run_after).astimezone(JST).date()
    calendar = GovernmentCalendar.from_environment()
    if not calendar.is_business_day(day):
        raise AirflowSkipException(f"{day}: government offices are closed ({calendar.closure_reason(day)}); no batch")
    from ssw_linkage.notices.batch import check_day

    check_day(day, calendar)
    return day.isoformat()


def prepare(day: str, bureau: str) -> dict:
    """Select, number, render and publish the bureau's batch of the day (as ``ssw-linkage notices``)."""
    from ssw_linkage.notices.batch import publish_day

    batch = publish_day(
        settings.source_engine(), notice_dir(), bureau, date.fromisoformat(day), period_days(), senders()[bureau]
    )
    return batch.summary()


def sign_off_requests(day: str) -> list[dict]:
    """One request per published batch of the day still to be signed off (a rerun asks nothing again)."""
    from ssw_linkage.notices.batch import awaiting_sign_off

    configured = senders()
    requests = []
    for batch in awaiting_sign_off(notice_dir(), date.fromisoformat(day)):
        bureau = bureaus()[batch.bureau]
        approvers = configured[batch.bureau].approvers
        requests.append(
            {
                "bureau": batch.bureau,
                "day": day,
                "subject": f"{bureau.name_ja} {day} 別添通知 {batch.forms}件の確認",
                "body": _request_body(batch, bureau.name_ja),
                "assigned_users": [{"id": a, "name": a} for a in approvers] or None,
            }
        )
    return requests


def _request_body(batch: Batch, bureau_name: str) -> str:
    return (
        f"**{bureau_name}** の{format_date(batch.day)}（{batch.day}）付け別添通知を確認してください。\n\n"
        f"- 件数：{batch.forms}件（特定技能外国人 {batch.workers}名）\n"
        f"- 番号：{batch.numbers()}\n"
        f"- 場所：`{batch.directory}`（各様式の PDF、発送簿 REGISTER.CSV）\n\n"
        f"各様式を開いて内容を確認し、問題がなければ「{APPROVE}」を選んでから厚生労働省年金局事業管理課へ郵送してください。"
        f"「{REJECT}」を選んだ様式は発送しません（番号は差戻しとして発送簿に残ります）。"
        "選んだ方と日時が発送簿に記録されます。"
    )


def hitl_arguments(request: dict) -> dict:
    """The operator's arguments from a sign-off request (which also names the batch)."""
    return {key: request[key] for key in ("subject", "body", "assigned_users")}


def record(request: dict, response: dict) -> dict:
    """Record the officer's answer (who and when, from the human-in-the-loop response) on the batch."""
    from ssw_linkage.notices.batch import record_sign_off

    user = response.get("responded_by_user")
    if not user:
        raise ValueError(f"the sign-off of {request['bureau']} {request['day']} names nobody; it is not recorded")
    (chosen,) = response["chosen_options"]
    at = response["responded_at"]
    sign_off = SignOff(
        DECISIONS[chosen], str(user["id"]), str(user["name"]), datetime.fromisoformat(at) if isinstance(at, str) else at
    )
    recorded = record_sign_off(notice_dir(), request["bureau"], date.fromisoformat(request["day"]), sign_off)
    return {"bureau": request["bureau"], "day": request["day"], "sign_off": recorded.decision}
