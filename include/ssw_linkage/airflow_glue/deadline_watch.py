"""Deadline sensors for the provision DAG, the daily watchdog's checks, and the mail they send."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pendulum
from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowSkipException
from airflow.triggers.base import BaseTrigger, TriggerEvent

from ssw_linkage import deadline_alerts as da
from ssw_linkage.airflow_glue import alerts, runs, settings
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.errors import SswError
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.staging import MANIFEST, Staging

log = logging.getLogger(__name__)
DELIVERED_MAIL, HELD_MAIL = "delivered", "held"


def clock() -> datetime:
    """Now, for the sensors and their trigger, which must agree on it (tests replace it)."""
    return pendulum.now("UTC")


class MailNotSent(SswError):
    """Some alert mail could not be sent; the task fails and its retry sends what is missing."""


def send_alert(level: da.Level, f: da.DeadlineFacts, staging: Path, link: str, state: str | None = None) -> bool:
    """Mail one alert unless this month and level was already mailed; False if it was."""
    ledger = da.AlertLedger(staging)
    if not ledger.claim(f.month, level):
        log.info("%s alert for %s already sent; not sending again", level.value, f.month)
        return False
    subject, body = da.render(level, f, state or da.package_state(staging, f.month), link)
    try:
        alerts.send(subject, body)
    except Exception:
        ledger.release(f.month, level)  # so that the task's retry sends it
        log.exception("%s alert for %s could not be sent; the task fails and retries", level.value, f.month)
        raise
    log.info("%s alert for %s sent", level.value, f.month)
    return True


def announce_delivered(month: DataMonth, link: str, now: datetime | None = None) -> bool:
    """Once a month is handed over after a deadline alert was mailed for it: one mail saying so."""
    staging = settings.staging_dir()
    ledger = da.AlertLedger(staging)
    alerted = ledger.levels(month)
    if not alerted or not da.delivered(staging, month) or not ledger.claim(month, DELIVERED_MAIL):
        return False
    now = now or pendulum.now("UTC")
    f = da.facts(month, now, GovernmentCalendar.from_environment(), settings.alert_policy())
    try:
        alerts.send(*da.render_delivered(f, alerted, link))
    except Exception:
        ledger.release(month, DELIVERED_MAIL)
        raise
    log.info("%s was handed over after its %s alert: mailed", month, alerted[-1].value)
    return True


class PackageDeliveredTrigger(BaseTrigger):
    """Fires ``delivered`` when the month has been handed over, ``run_failed`` when the run's failure was
    mailed (``stop_marker`` appears), or ``due`` at ``due_at``, whichever is first."""

    def __init__(self, staging: str, month: str, due_at: str, poll_seconds: float = 600, stop_marker: str = ""):
        super().__init__()
        self.staging, self.month, self.due_at, self.poll_seconds = staging, month, due_at, poll_seconds
        self.stop_marker = stop_marker

    def serialize(self) -> tuple[str, dict[str, Any]]:
        kwargs = {"staging": self.staging, "month": self.month, "due_at": self.due_at, "stop_marker": self.stop_marker}
        return f"{type(self).__module__}.{type(self).__qualname__}", {**kwargs, "poll_seconds": self.poll_seconds}

    async def run(self):
        due = datetime.fromisoformat(self.due_at)
        while True:
            if da.delivered(Path(self.staging), DataMonth.parse(self.month)):
                yield TriggerEvent({"status": "delivered"})
                return
            if self.stop_marker and Path(self.stop_marker).exists():
                yield TriggerEvent({"status": "run_failed"})
                return
            remaining = (due - clock()).total_seconds()
            if remaining <= 0:
                yield TriggerEvent({"status": "due"})
                return
            await asyncio.sleep(min(self.poll_seconds, remaining))


class DeadlineSensor(BaseOperator):
    """Watches the month's four alert times (risk, uncollected, final, late) in turn, deferred between them
    (no worker slot), and at each mails the level due if the month is still not delivered (once per month
    and level, shared with the daily watchdog). Runs beside the extraction from the run's start; ends once the
    month is delivered or its last alert time has passed. Skipped for a run refused for its month (the
    extraction fails and says why), and once the run has failed and said so by mail."""

    ui_color = "#f3e6d0"

    def __init__(
        self,
        *,
        package_task: str = "extract_publish",
        poll_interval: timedelta = timedelta(minutes=10),
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.package_task = package_task
        self.poll_interval = poll_interval

    def execute(self, context) -> list[str]:
        """The levels mailed for the month so far (by this run or the watchdog), once it stops watching."""
        now = clock()
        try:
            month = runs.month_of(context, now)
        except runs.RunRefused:
            raise AirflowSkipException("the run is refused for its data month: no month to watch") from None
        if runs.is_trial(context["dag_run"]):
            raise AirflowSkipException(f"a trial run of {month}: no deadline, and no month's delivery")
        staging = settings.staging_dir()
        f = da.facts(month, now, GovernmentCalendar.from_environment(), settings.alert_policy())
        look = da.sensor_look(f, now, da.delivered(staging, month), Staging(staging).is_ready(month))
        if look.due is not None:
            link = runs.run_link(context["dag_run"].dag_id, context["dag_run"].run_id)
            send_alert(look.due, f, staging, link, self._state(context, staging, month))
        if look.next_look is not None:
            stop = alerts.failed_marker(context, month)
            if stop is not None and stop.exists():
                raise AirflowSkipException(f"this run failed (mailed); the daily watchdog keeps watching {month}")
            until, poll = look.next_look.isoformat(), self.poll_interval.total_seconds()
            self.defer(
                trigger=PackageDeliveredTrigger(str(staging), str(month), until, poll, str(stop or "")),
                method_name="execute_complete",
            )
        return [level.value for level in da.AlertLedger(staging).levels(month)]

    def execute_complete(self, context, event: dict[str, Any] | None = None) -> list[str]:
        return self.execute(context)

    def _state(self, context, staging: Path, month: DataMonth) -> str:
        """The package's state as this run knows it: being built by it, failed in it, or as staging shows."""
        run = context["dag_run"]
        states = context["ti"].get_task_states(dag_id=run.dag_id, task_ids=[self.package_task], run_ids=[run.run_id])
        publish = states.get(run.run_id, {}).get(self.package_task)
        started = max((d for d in (run.start_date, getattr(run, "run_after", None)) if d), default=clock())
        started = started.astimezone(JST).strftime("%Y-%m-%d %H:%M")  # dags test's start_date is the logical date
        if publish in ("failed", "upstream_failed"):
            return f"未作成：この実行（{run.run_id}）は失敗しました（原因は別のメールでお知らせします）"
        if publish != "success":
            return (
                f"作成中：この実行（{run.run_id}、{started} JST 開始）が作成しています。"
                "作成されたら改めてお知らせします"
            )
        return da.package_state(staging, month)


def watch_range(now: datetime) -> tuple[DataMonth, DataMonth]:
    """The data months the watchdog checks: from ``ssw_first_month`` to last month."""
    return settings.first_month(), DataMonth.of(now).previous()


def watchdog(provision_dag_id: str, now: datetime | None = None) -> dict[str, int]:
    """Alert for every data month not delivered whose alert time has come, once per month and level; and
    mail once for each alerted month that has been handed over since."""
    now = now or pendulum.now("UTC")
    staging = Staging(settings.staging_dir()).prepare().root  # a broken staging fails here, under its own name
    first, last = watch_range(now)
    calendar, policy = GovernmentCalendar.from_environment(), settings.alert_policy()
    found = da.months_to_alert(staging, first, last, now, calendar, policy)
    sent, delivered_sent, failed = 0, 0, []
    link = runs.run_link(provision_dag_id)
    for level, f in found:
        try:
            sent += send_alert(level, f, staging, link)
        except Exception:  # noqa: BLE001 - logged in send_alert; the other months still get their alerts
            failed.append(f"{f.month}:{level.value}")
    for month in first.until(last):
        try:
            delivered_sent += announce_delivered(month, link, now)
        except Exception:  # noqa: BLE001 - as above
            log.exception("handover mail for %s could not be sent", month)
            failed.append(f"{month}:{DELIVERED_MAIL}")
    if failed:
        raise MailNotSent(f"alert mail failed for {', '.join(failed)}; the task retries")
    return {"months_not_delivered_and_due": len(found), "alerts_sent": sent, "delivered_mails_sent": delivered_sent}


def remove_dead_builds() -> dict[str, int]:
    """Remove the build directories of dead runs (they hold personal data)."""
    removed = Staging(settings.staging_dir()).prepare().remove_dead_builds()
    log.info("dead build directories removed: %d %s", len(removed), removed)
    return {"dead_builds_removed": len(removed)}


def check_held_rows(provision_dag_id: str) -> dict[str, Any]:
    """Mail once per package month if the newest ready package still holds rows quarantined for
    ``ssw_held_alert_months`` or longer (counts only)."""
    root = settings.staging_dir()
    staging = Staging(root)
    ready = [month for month in staging.published_months() if staging.is_ready(month)]
    if not ready:
        return {"package": None, "held_rows": 0, "held_old_rows": 0, "mailed": False}
    newest = ready[-1]
    held = json.loads((staging.package(newest) / MANIFEST).read_text(encoding="utf-8"))["held"]
    by_age = {int(age): int(n) for age, n in held["by_age_months"].items()}
    threshold = settings.held_alert_months()
    old = sum(n for age, n in by_age.items() if age >= threshold)
    result = {"package": str(newest), "held_rows": held["rows"], "held_old_rows": old, "mailed": False}
    ledger = da.AlertLedger(root)
    if old and ledger.claim(newest, HELD_MAIL):
        quarantine = staging.package(newest) / held["file"]
        link = runs.run_link(provision_dag_id)
        try:
            alerts.send(*da.render_held(newest, held["rows"], by_age, threshold, quarantine, link))
        except Exception:
            ledger.release(newest, HELD_MAIL)
            raise
        result["mailed"] = True
    log.info("held rows in the newest package: %s", result)
    return result


def watchdog_outcome(context) -> None:
    """The watchdog's last task: one failure mail naming what was being checked, if anything failed."""
    try:
        first, last = watch_range(pendulum.now("UTC"))
        scope = f"期限監視（{first}〜{last}分）・作業ディレクトリの整理・保留レコードの確認"
    except (SswError, ValueError):
        scope = "期限監視・作業ディレクトリの整理・保留レコードの確認"
    alerts.report_outcome(context, scope, None)
