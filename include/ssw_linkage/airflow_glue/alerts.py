"""Mail about runs (Japanese, no personal data): one failure mail per failed run, one "recovered"
mail when a later run of the month succeeds, and the SMTP sending every ssw-linkage mail shares.

Each task's final failure records its cause in one line (an XCom, :func:`record_cause`). The last
task of each DAG, ``outcome`` (trigger rule ``all_done``), reads the run's task states once every
other task is done, mails once if any failed, and then fails itself so that the run shows failed.
The deadline sensors, which may wait for weeks, are not upstream of ``outcome``: their own final
failure mails through :func:`mail_task_failure`. A marker per run attempt in ``<staging>/.alerts/``
keeps the two from mailing the same run twice.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from airflow.sdk.exceptions import AirflowFailException

from ssw_linkage.airflow_glue import runs, settings
from ssw_linkage.deadline_alerts import AlertLedger
from ssw_linkage.errors import SswError
from ssw_linkage.months import DataMonth

log = logging.getLogger(__name__)

CAUSE_KEY = "ssw_failure_cause"
NO_CAUSE = "原因は記録されていません（タスクのログを確認してください）"
FAILED, RECOVERED = "failed-", "recovered"


class RunFailedAndMailed(AirflowFailException):
    """Raised by ``outcome`` once the run's failure mail is out: the run shows failed; not mailed again."""


def send(subject: str, html: str, to: list[str] | None = None) -> None:
    """Send one mail through the ``smtp_default`` connection, to the on-call officers unless ``to`` is given."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook  # aiosmtplib: only for a task that mails

    with SmtpHook(smtp_conn_id=settings.SMTP_CONN_ID) as smtp:
        smtp.send_email_smtp(
            to=to or settings.alert_recipients(), from_email=settings.alert_sender(), subject=subject, html_content=html
        )


def cause_of(error: BaseException | None) -> str:
    """One line and never personal data: the message of our own errors (SswError), else the class name."""
    if error is None:
        return NO_CAUSE
    if isinstance(error, SswError):
        return f"{type(error).__name__}: {' '.join(str(error).split())}"[:500]
    return f"{type(error).__name__}（詳細はタスクのログ）"


def record_cause(context: Mapping[str, Any]) -> None:
    """``on_failure_callback`` of every task: keep the final failure's cause for the run's mail."""
    context["ti"].xcom_push(CAUSE_KEY, cause_of(context.get("exception")))


@dataclass(frozen=True)
class Failure:
    task_id: str
    map_index: int
    cause: str | None  # None: the task died before it could say why

    def __post_init__(self):
        object.__setattr__(self, "cause", self.cause or NO_CAUSE)

    @property
    def instance(self) -> tuple[str, int]:
        return self.task_id, self.map_index


def render_failure(scope: str, failures: list[Failure], run_id: str, link: str) -> tuple[str, str]:
    """Subject and HTML of the one failure mail of a run: what it was doing, what failed and why."""
    subject = f"【特定技能情報連携】処理失敗：{scope}（{runs.task_labels([f.instance for f in failures])}）"
    by_cause: dict[str, list[tuple[str, int]]] = {}
    for f in failures:
        by_cause.setdefault(f.cause, []).append(f.instance)
    rows = "\n".join(
        f"<tr><th>{runs.task_labels(instances)}</th><td>{cause}</td></tr>" for cause, instances in by_cause.items()
    )
    body = f"""<p>特定技能外国人に係る情報提供の処理が失敗しました（リトライ後の最終結果）。</p>
<table>
<tr><th>対象</th><td>{scope}</td></tr>
<tr><th>実行ID</th><td>{run_id}</td></tr>
</table>
<p>失敗したタスクと原因：</p>
<table>
{rows}
</table>
<p>対応：原因を解消してから、<a href="{link}">この実行</a>の失敗したタスクをクリア（Clear）して再実行してください。
再実行しても同じ対象月のパッケージが重複・上書きされることはありません。
対象月の指定が原因の失敗（no data month / not over yet）は、正しい対象月で新しく実行してください。
再実行が成功したら「復旧」のメールをお送りします。</p>
<p>このメールには個人情報を含めていません。この実行についての失敗の通知はこの一通だけです。</p>"""
    return subject, body


def render_recovered(month: DataMonth, run_id: str, failed_runs: list[str], link: str) -> tuple[str, str]:
    subject = f"【特定技能情報連携】復旧：{month}分の処理が成功しました"
    body = f"""<p>先に失敗をお知らせした対象月の処理が、再実行で成功しました。</p>
<table>
<tr><th>対象月</th><td>{month}</td></tr>
<tr><th>成功した実行</th><td>{run_id}</td></tr>
<tr><th>失敗していた実行</th><td>{"<br>".join(failed_runs)}</td></tr>
<tr><th>パッケージの状態</th><td>作成済み（READY）</td></tr>
</table>
<p><a href="{link}">実行状況（Airflow）</a></p>
<p>このメールには個人情報を含めていません。</p>"""
    return subject, body


def _attempt(context: Mapping[str, Any]) -> str:
    run = context["dag_run"]
    return f"{FAILED}{runs.safe_key(run.run_id)}-{run.clear_number or 0}"


def _ledger(context: Mapping[str, Any]) -> AlertLedger | None:
    """The run's alert ledger (a trial run's is in the trial area), or None when staging itself is what is
    broken (the failure mail goes out anyway)."""
    try:
        ledger = AlertLedger(settings.staging_for(context["dag_run"]))
        ledger.staging.prepare().alerts_dir()
        return ledger
    except Exception as error:  # noqa: BLE001 - a failure mail must not depend on the thing that failed
        log.warning("alert ledger unavailable (%s); mailing without it", cause_of(error))
        return None


def failed_marker(context: Mapping[str, Any], month: DataMonth | None):
    """Where this run attempt's "failure mailed" marker lives (the deadline sensors stop on it)."""
    ledger = _ledger(context)
    return ledger.path(month, _attempt(context)) if ledger else None


def mail_failure(context: Mapping[str, Any], scope: str, month: DataMonth | None, failures: list[Failure]) -> bool:
    """Mail the run's failure once per run attempt; False if it was already mailed."""
    run, ledger, attempt = context["dag_run"], _ledger(context), _attempt(context)
    if ledger and not ledger.claim(month, attempt, run.run_id):
        log.info("the failure of run %s was already mailed", run.run_id)
        return False
    subject, body = render_failure(scope, failures, run.run_id, runs.run_link(run.dag_id, run.run_id))
    try:
        send(subject, body)
    except Exception:
        if ledger:
            ledger.release(month, attempt)  # so that the retry mails it
        raise
    log.info("failure of run %s mailed: %s", run.run_id, runs.task_labels([f.instance for f in failures]))
    return True


def mail_recovered(context: Mapping[str, Any], month: DataMonth) -> bool:
    """After a successful run of ``month``: one "recovered" mail if a failure of the month was mailed."""
    run, ledger = context["dag_run"], AlertLedger(settings.staging_dir())
    failed = ledger.kinds(month, FAILED)
    if not failed:
        return False
    failed_runs = sorted({ledger.note(month, kind) or kind.removeprefix(FAILED) for kind in failed})
    subject, body = render_recovered(month, run.run_id, failed_runs, runs.run_link(run.dag_id, run.run_id))
    send(subject, body)
    for kind in failed:
        ledger.release(month, kind)
    log.info("recovery of %s mailed", month)
    return True


def _failures(context: Mapping[str, Any]) -> list[Failure]:
    ti, run = context["ti"], context["dag_run"]
    crumbs = ti.get_task_breadcrumbs(run.dag_id, run.run_id)
    failed = sorted(
        (c["task_id"], c["map_index"]) for c in crumbs if c["state"] == "failed" and c["task_id"] != ti.task_id
    )
    return [
        Failure(task_id, index, ti.xcom_pull(task_ids=task_id, key=CAUSE_KEY, map_indexes=index))
        for task_id, index in failed
    ]


def report_outcome(context: Mapping[str, Any], scope: str, month: DataMonth | None) -> list[Failure]:
    """The ``outcome`` task: if any task of the run failed, mail once and fail (the run then shows
    failed); otherwise return no failures (the caller sends what success calls for)."""
    failures = _failures(context)
    if failures:
        mail_failure(context, scope, month, failures)
        labels = runs.task_labels([f.instance for f in failures])
        raise RunFailedAndMailed(f"{scope}: {labels} failed; the on-call officer was mailed")
    return failures


def mail_task_failure(context: Mapping[str, Any]) -> None:
    """``on_failure_callback`` of the tasks no ``outcome`` reports: the deadline sensors (``outcome``
    does not wait for them) and ``outcome`` itself (if it fails before its mail went out)."""
    if isinstance(context.get("exception"), RunFailedAndMailed):
        return
    run = context["dag_run"]
    month, scope = runs.describe(run) if run.dag_id == runs.PROVISION_DAG_ID else (None, f"{run.dag_id}")
    failure = Failure(context["ti"].task_id, -1, cause_of(context.get("exception")))
    mail_failure(context, scope, month, [failure])
