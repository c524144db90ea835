"""The provision status page: a FastAPI app the plugin mounts in the API server, behind Airflow's own
authentication (JWT bearer or the UI's session cookie) and its DAG permissions.

Every data month from ``ssw_first_month`` to last month: state, deadline, counts, alerts, links. Read
from the staging directory and the metadata database (runs); the backfill button calls Airflow's
backfill API from the browser, as the signed-in user.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path

import pendulum
from airflow.api_fastapi.common.db.common import SessionDep
from airflow.api_fastapi.core_api.security import requires_access_dag
from airflow.models import Variable
from airflow.models.dagrun import DagRun
from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse
from sqlalchemy import select

from ssw_linkage.airflow_glue.dag_defaults import PROVISION_DAG_ID
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.provision_status import PUBLISHED, MonthStatus, cover_sheet, month_status
from ssw_linkage.spec import ITEMS

URL_PREFIX = "/ssw-status"

app = FastAPI(title="ssw-linkage provision status", dependencies=[Depends(requires_access_dag("GET", None,
                                                                                              PROVISION_DAG_ID))])


def _staging() -> Path:
    return Path(Variable.get("ssw_staging_dir"))


def statuses(session, now: datetime | None = None) -> list[MonthStatus]:
    """Every month from ``ssw_first_month`` to last month, newest first."""
    now = now or pendulum.now("UTC")
    first = DataMonth.parse(Variable.get("ssw_first_month", default_var="2026-01"))
    last = DataMonth.of(now).previous()
    latest: dict[DataMonth, tuple[str, str]] = {}
    query = select(DagRun.run_id, DagRun.state, DagRun.data_interval_start).where(
        DagRun.dag_id == PROVISION_DAG_ID, DagRun.data_interval_start.is_not(None)
    )
    for run_id, state, start in session.execute(query.order_by(DagRun.id)):
        latest[DataMonth.of(start)] = (run_id, str(state))
    calendar, staging, today = GovernmentCalendar.from_environment(), _staging(), now.astimezone(JST).date()
    return [month_status(staging, m, today, latest.get(m), calendar) for m in reversed(first.until(last))]


@app.get("/", response_class=HTMLResponse)
def page(session: SessionDep) -> str:
    return render(statuses(session))


@app.get("/cover/{month}")
def cover(month: str) -> FileResponse:
    """The month's cover sheet (counts and checksums only), as printed for the hand-over."""
    try:
        path = cover_sheet(_staging(), DataMonth.parse(month))
    except ValueError:
        raise HTTPException(404, "no such month") from None
    if not path.is_file():
        raise HTTPException(404, "no cover sheet for this month")
    return FileResponse(path, media_type="application/pdf")


STATE_JA = {
    "missing": "未実行",
    "running": "実行中",
    "failed": "失敗",
    "ready": "作成済み",
    "notified": "連絡済み",
    "rejected": "受領拒否",
    "handed over": "引渡し済み",
    "revised": "再提供済み",
}

STYLE = """body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse}
th,td{border:1px solid #bbb;padding:.3em .5em;text-align:right}th{background:#eee}td.l{text-align:left}
tr.red td{background:#f8d0d0}tr.amber td{background:#fde9bf}#answer{margin:.8em 0;font-weight:bold}"""

# The backfill starts every month it covers at once (as `ssw-linkage missed` advises): each run then waits in
# ``handover`` for its officer without holding back the others.
SCRIPT = """async function backfill(button) {
  const answer = document.getElementById('answer');
  const dag = await fetch('/api/v2/dags/%(dag)s', {credentials: 'same-origin'});
  if (!dag.ok) { answer.textContent = 'Airflow: ' + dag.status + ' ' + await dag.text(); return; }
  if ((await dag.json()).is_paused) {
    answer.textContent = 'DAG %(dag)s は一時停止中です（paused）。先に再開してからバックフィルしてください。';
    return;
  }
  const response = await fetch('/api/v2/backfills', {method: 'POST', credentials: 'same-origin',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({dag_id: '%(dag)s', from_date: button.dataset.from, to_date: button.dataset.to,
                          reprocess_behavior: 'failed', max_active_runs: Number(button.dataset.months)})});
  answer.textContent = 'Airflow: ' + response.status + ' ' + await response.text();
}"""


def render(rows: list[MonthStatus]) -> str:
    """The page: a table of months, red/amber rows, and the backfill button for the missing months."""
    head = "".join(f"<th>{i.number}</th>" for i in ITEMS)
    body = []
    for s in rows:
        items = "".join(f"<td>{s.items.get(i.number, '')}</td>" for i in ITEMS)
        run = f'<a href="/dags/{PROVISION_DAG_ID}/runs/{escape(s.run_id)}">run</a>' if s.run_id else ""
        cover = f'<a href="{URL_PREFIX}/cover/{s.month.compact}">cover</a>' if s.has_cover else ""
        body.append(
            f'<tr class="{s.colour}" data-month="{s.month}" data-state="{s.state}">'
            f'<td class="l">{s.month}</td><td class="l state">{STATE_JA[s.state]} ({s.state}){_revision(s)}</td>'
            f'<td class="l">{s.deadline_text}</td><td>{s.business_days_left}</td>{items}'
            f"<td>{_blank(s.quarantined)}</td><td>{_blank(s.carried)}</td>"
            f'<td class="l">{", ".join(s.alerts)}</td><td class="l">{run} {cover}</td></tr>'
        )
    missing = [s.month for s in rows if s.state in ("missing", "failed")]
    button = ""
    if missing:
        first, last = min(missing), max(missing)
        button = (
            f'<button id="backfill" data-from="{first}-01T00:00:00+09:00" '
            f'data-to="{last}-28T00:00:00+09:00" data-months="{len(missing)}" onclick="backfill(this)">'
            f"未作成の月をバックフィル（{first}〜{last}、{len(missing)}か月）</button>"
        )
    published = sum(s.state in PUBLISHED for s in rows)
    return f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>提供状況 ssw-linkage</title>
<style>{STYLE}</style><script>{SCRIPT % {"dag": PROVISION_DAG_ID}}</script></head><body>
<h1>特定技能情報連携：提供状況</h1>
<p>{len(rows)}か月中 {published}か月作成済み。赤：提出期限超過・未引渡し、黄：期限前のリスク期間（引渡し前）。
件数のみ表示（個人情報なし）。</p>
{button}<div id="answer"></div>
<table><tr><th>対象月</th><th>状態</th><th>提出期限</th><th>残り業務日</th>{head}<th>保留</th><th>繰越</th>
<th>通知済み</th><th>リンク</th></tr>
{"".join(body)}</table></body></html>"""


def _revision(s: MonthStatus) -> str:
    """The package's revision, shown from r2 on (第n版)."""
    return f" 第{s.revision}版" if s.revision and s.revision > 1 else ""


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)
