"""Alert mail (Japanese, no personal data) through the SMTP provider."""

from __future__ import annotations

from airflow.providers.smtp.notifications.smtp import SmtpNotifier

from ssw_linkage.airflow_glue.settings import SMTP_CONN_ID

RECIPIENTS = "{{ var.value.get('ssw_alert_recipients', 'ssw-oncall@localhost') }}"
SENDER = "{{ var.value.get('ssw_alert_sender', 'ssw-linkage@localhost') }}"
DATA_MONTH = "{{ data_interval_start.in_timezone('Asia/Tokyo').strftime('%Y-%m') }}"

FAILURE_SUBJECT = f"【特定技能情報連携】処理失敗：{DATA_MONTH}分 {{{{ ti.task_id }}}}"
FAILURE_BODY = f"""<p>特定技能外国人に係る情報提供（月次）の処理が失敗しました。</p>
<table>
<tr><th>対象月</th><td>{DATA_MONTH}</td></tr>
<tr><th>DAG</th><td>{{{{ dag.dag_id }}}}</td></tr>
<tr><th>タスク</th><td>{{{{ ti.task_id }}}}{{{{ ' #' ~ ti.map_index if ti.map_index >= 0 else '' }}}}</td></tr>
<tr><th>実行ID</th><td>{{{{ run_id }}}}</td></tr>
<tr><th>試行</th><td>{{{{ ti.try_number }}}}</td></tr>
</table>
<p>対応：<a href="{{{{ ti.log_url }}}}">タスクのログ</a>で原因を確認し、
解消後に当該タスクをクリアして再実行してください。再実行しても同じ対象月のパッケージが重複・上書きされることはありません。</p>
<p>このメールには個人情報を含めていません。</p>"""


def failure_notifier() -> SmtpNotifier:
    """The task-level failure alert every task of the provision DAGs carries."""
    return SmtpNotifier(
        to=RECIPIENTS, from_email=SENDER, subject=FAILURE_SUBJECT, html_content=FAILURE_BODY, smtp_conn_id=SMTP_CONN_ID
    )
