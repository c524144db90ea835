"""The deadline sensors and the watchdog against a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pendulum
import pytest

from ssw_linkage.airflow_glue import deadline_watch
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.staging import Staging


@pytest.fixture
def staging(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW_VAR_SSW_STAGING_DIR", str(tmp_path))
    monkeypatch.setenv("AIRFLOW_VAR_SSW_FIRST_MONTH", "2026-03")
    _mark_ready(tmp_path / "202604")
    return tmp_path


def _mark_ready(package):
    """A package directory whose READY holds its manifest's SHA-256 (the files themselves are not checked)."""
    package.mkdir()
    (package / "MANIFEST.JSON").write_text("{}\n")
    Staging(package.parent).mark_ready(DataMonth.parse(package.name))


def test_watchdog_alerts_once_per_month_and_level(staging, mail):
    now = datetime(2026, 7, 29, 10, tzinfo=JST)
    assert deadline_watch.watchdog("ssw_monthly_provision", now=now) == {
        "months_not_ready_and_due": 3,
        "alerts_sent": 3,
    }
    subjects = sorted(m["Subject"] for m in mail.messages)
    kinds = sorted(s.split("】")[0] for s in subjects)
    assert kinds == ["【特定技能情報連携", "【特定技能情報連携・期限超過", "【特定技能情報連携・期限超過"]
    assert any("2026-03分" in s for s in subjects) and any("2026-06分" in s and "残り1業務日" in s for s in subjects)
    assert not any("2026-04分" in s for s in subjects)  # READY
    # the next morning, and any retry: nothing new for the same months and levels
    assert deadline_watch.watchdog("ssw_monthly_provision", now=now + timedelta(hours=2))["alerts_sent"] == 0
    assert len(mail.messages) == 3


def test_a_mail_failure_fails_the_task_and_the_retry_sends_it(staging, mail, monkeypatch):
    now = datetime(2026, 6, 24, 9, 30, tzinfo=JST)  # risk time for May; March still late
    monkeypatch.setenv(
        "AIRFLOW_CONN_SMTP_DEFAULT",
        '{"conn_type": "smtp", "host": "127.0.0.1", "port": 9, '
        '"extra": {"disable_ssl": true, "disable_tls": true, "timeout": 2, "retry_limit": 0}}',
    )
    with pytest.raises(RuntimeError, match="alert mail failed for 2026-03:late, 2026-05:risk"):
        deadline_watch.watchdog("ssw_monthly_provision", now=now)
    monkeypatch.undo()
    monkeypatch.setenv("AIRFLOW_VAR_SSW_STAGING_DIR", str(staging))
    monkeypatch.setenv("AIRFLOW_VAR_SSW_FIRST_MONTH", "2026-03")
    monkeypatch.setenv("AIRFLOW_VAR_SSW_ALERT_RECIPIENTS", "oncall@isa.example")
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", mail.connection)
    assert deadline_watch.watchdog("ssw_monthly_provision", now=now)["alerts_sent"] == 2


def test_sensor_defers_until_its_alert_time(staging):
    from airflow.sdk.exceptions import TaskDeferred

    sensor = deadline_watch.DeadlineSensor(task_id="deadline_risk", level="risk")
    month = DataMonth.of(pendulum.now("UTC")).next()  # its deadline is well ahead
    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute({"data_interval_start": month.start, "dag": None, "run_id": "x"})
    trigger = deferred.value.trigger
    assert (trigger.staging, trigger.month) == (str(staging), str(month))
    assert datetime.fromisoformat(trigger.due_at).astimezone(JST).strftime("%H:%M") == "09:00"


async def _first_event(trigger):
    async for event in trigger.run():
        return event.payload


def test_trigger_fires_ready_or_due(tmp_path):
    later = (pendulum.now("UTC") + timedelta(hours=1)).isoformat()
    _mark_ready(tmp_path / "202605")
    ready = deadline_watch.PackageReadyTrigger(str(tmp_path), "2026-05", later, 0.01)
    assert asyncio.run(_first_event(ready)) == {"status": "ready"}
    (tmp_path / "202605" / "READY").write_text("")  # an empty READY (a crash mid-write) is not ready
    soon = (pendulum.now("UTC") + timedelta(seconds=0.05)).isoformat()
    trigger = deadline_watch.PackageReadyTrigger(str(tmp_path), "2026-05", soon, 0.01)
    assert asyncio.run(_first_event(trigger)) == {"status": "due"}
    cls, kwargs = deadline_watch.PackageReadyTrigger(str(tmp_path), "2026-05", soon, 5).serialize()
    assert cls == "ssw_linkage.airflow_glue.deadline_watch.PackageReadyTrigger" and kwargs["poll_seconds"] == 5
