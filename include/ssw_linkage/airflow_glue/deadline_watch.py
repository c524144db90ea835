"""Deadline sensors for the provision DAG, the watchdog's check, and the mail they send."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pendulum
from airflow.providers.smtp.hooks.smtp import SmtpHook
from airflow.sdk import BaseOperator
from airflow.triggers.base import BaseTrigger, TriggerEvent

from ssw_linkage import deadline_alerts as da
from ssw_linkage.airflow_glue import settings
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.months import DataMonth
from ssw_linkage.package import is_ready

log = logging.getLogger(__name__)


def send_alert(level: da.Level, f: da.DeadlineFacts, staging: Path, link: str) -> bool:
    """Mail one alert unless this month and level was already mailed; False if it was."""
    ledger = da.AlertLedger(staging)
    if not ledger.claim(f.month, level):
        log.info("%s alert for %s already sent; not sending again", level.value, f.month)
        return False
    subject, body = da.render(level, f, da.package_state(staging, f.month), link)
    try:
        with SmtpHook(smtp_conn_id=settings.SMTP_CONN_ID) as smtp:
            smtp.send_email_smtp(
                to=settings.alert_recipients(), from_email=settings.alert_sender(), subject=subject, html_content=body
            )
    except Exception:
        ledger.release(f.month, level)  # so that the task's retry sends it
        log.exception("%s alert for %s could not be sent; the task fails and retries", level.value, f.month)
        raise
    log.info("%s alert for %s sent", level.value, f.month)
    return True


def _run_link(dag_id: str, run_id: str | None = None) -> str:
    from airflow.configuration import conf

    base = conf.get("api", "base_url", fallback="http://localhost:8080").rstrip("/")
    return f"{base}/dags/{dag_id}" + (f"/runs/{run_id}" if run_id else "")


class PackageReadyTrigger(BaseTrigger):
    """Fires ``ready`` when the month's package is ready, or ``due`` at ``due_at``, whichever is first."""

    def __init__(self, staging: str, month: str, due_at: str, poll_seconds: float = 600):
        super().__init__()
        self.staging, self.month, self.due_at, self.poll_seconds = staging, month, due_at, poll_seconds

    def serialize(self) -> tuple[str, dict[str, Any]]:
        kwargs = {"staging": self.staging, "month": self.month, "due_at": self.due_at}
        return f"{type(self).__module__}.{type(self).__qualname__}", {**kwargs, "poll_seconds": self.poll_seconds}

    async def run(self):
        due = datetime.fromisoformat(self.due_at)
        while True:
            if is_ready(Path(self.staging), DataMonth.parse(self.month)):
                yield TriggerEvent({"status": "ready"})
                return
            remaining = (due - pendulum.now("UTC")).total_seconds()
            if remaining <= 0:
                yield TriggerEvent({"status": "due"})
                return
            await asyncio.sleep(min(self.poll_seconds, remaining))


class DeadlineSensor(BaseOperator):
    """Waits (deferred, no worker slot) until its alert time or the package's READY, then mails the
    ``level`` alert if the package is still not ready. Runs beside the extraction, not after it."""

    ui_color = "#f3e6d0"

    def __init__(self, *, level: str, poll_interval: timedelta = timedelta(minutes=10), **kwargs):
        super().__init__(**kwargs)
        self.level = level
        self.poll_interval = poll_interval

    def execute(self, context) -> str:
        month = DataMonth.of(context["data_interval_start"])
        staging = settings.staging_dir()
        now = pendulum.now("UTC")
        f = da.facts(month, now, GovernmentCalendar.from_environment(), settings.alert_policy())
        level = da.Level(self.level)
        action, until = da.sensor_action(level, f, now, is_ready(staging, month))
        if action == "wait":
            self.defer(
                trigger=PackageReadyTrigger(
                    str(staging), str(month), until.isoformat(), self.poll_interval.total_seconds()
                ),
                method_name="execute_complete",
            )
        if action == "alert":
            send_alert(level, f, staging, _run_link(context["dag"].dag_id, context["run_id"]))
        return action

    def execute_complete(self, context, event: dict[str, Any] | None = None) -> str:
        return self.execute(context)


def watchdog(provision_dag_id: str, now: datetime | None = None) -> dict[str, int]:
    """Alert for every data month not READY whose alert time has come, once per month and level."""
    now = now or pendulum.now("UTC")
    staging = settings.staging_dir()
    last = DataMonth.of(now).previous()
    found = da.months_to_alert(
        staging, settings.first_month(), last, now, GovernmentCalendar.from_environment(), settings.alert_policy()
    )
    sent, failed = 0, []
    for level, f in found:
        try:
            sent += send_alert(level, f, staging, _run_link(provision_dag_id))
        except Exception:  # noqa: BLE001 - logged in send_alert; the other months still get their alerts
            failed.append(f"{f.month}:{level.value}")
    if failed:
        raise RuntimeError(f"alert mail failed for {', '.join(failed)}; the task retries")
    return {"months_not_ready_and_due": len(found), "alerts_sent": sent}
