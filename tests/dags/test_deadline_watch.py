"""The deadline sensors and the watchdog against a real SMTP server on loopback."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pendulum
import pytest

from ssw_linkage.airflow_glue import deadline_watch
from ssw_linkage.deadline_alerts import AlertLedger
from ssw_linkage.delivery import HANDOVER, Delivery
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.staging import Staging

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def staging(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW_VAR_SSW_STAGING_DIR", str(tmp_path))
    monkeypatch.setenv("AIRFLOW_VAR_SSW_FIRST_MONTH", "2026-03")
    _hand_over(tmp_path / "202604")
    return tmp_path


def _mark_ready(package):
    """A package directory whose READY holds its manifest's SHA-256 (the files themselves are not checked)."""
    package.mkdir()
    (package / "MANIFEST.JSON").write_text("{}\n")
    Staging(package.parent).mark_ready(DataMonth.parse(package.name))


def _hand_over(package, ready: bool = True):
    """A month handed over to MHLW (its r1 has a handover record)."""
    if ready:
        _mark_ready(package)
    Delivery(package.parent, DataMonth.parse(package.name)).record(HANDOVER, 1, {"outcome": HANDOVER})


def test_watchdog_alerts_once_per_month_and_level(staging, mail):
    now = datetime(2026, 7, 29, 10, tzinfo=JST)
    assert deadline_watch.watchdog("ssw_monthly_provision", now=now) == {
        "months_not_delivered_and_due": 3,
        "alerts_sent": 3,
        "delivered_mails_sent": 0,
    }
    subjects = sorted(m["Subject"] for m in mail.messages)
    kinds = sorted(s.split("】")[0] for s in subjects)
    assert kinds == ["【特定技能情報連携", "【特定技能情報連携・期限超過", "【特定技能情報連携・期限超過"]
    assert any("2026-03分" in s for s in subjects) and any("2026-06分" in s and "残り1業務日" in s for s in subjects)
    assert not any("2026-04分" in s for s in subjects)  # handed over
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
    with pytest.raises(deadline_watch.MailNotSent, match="alert mail failed for 2026-03:late, 2026-05:risk"):
        deadline_watch.watchdog("ssw_monthly_provision", now=now)
    monkeypatch.undo()
    monkeypatch.setenv("AIRFLOW_VAR_SSW_STAGING_DIR", str(staging))
    monkeypatch.setenv("AIRFLOW_VAR_SSW_FIRST_MONTH", "2026-03")
    monkeypatch.setenv("AIRFLOW_VAR_SSW_ALERT_RECIPIENTS", "oncall@isa.example")
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", mail.connection(from_email="ssw-linkage@localhost"))
    assert deadline_watch.watchdog("ssw_monthly_provision", now=now)["alerts_sent"] == 2


class FakeTaskInstance:
    """What the sensor asks of its task instance: the states of its run's tasks."""

    task_id = "deadline_watch"

    def __init__(self, publish_state):
        self.publish_state = publish_state

    def get_task_states(self, dag_id, task_ids, run_ids):
        return {run_ids[0]: {task_ids[0]: self.publish_state}}


def context(month: DataMonth, publish_state=None, run_id="backfill__2026-07-01T07:00:00+09:00"):
    run = SimpleNamespace(
        dag_id="ssw_monthly_provision",
        run_id=run_id,
        run_type="backfill",
        logical_date=month.start,
        data_interval_start=month.start,
        data_interval_end=month.end,
        conf={},
        clear_number=0,
        start_date=datetime(2026, 11, 28, 10, tzinfo=JST),
    )
    return {"dag_run": run, "ti": FakeTaskInstance(publish_state)}


def sensor():
    return deadline_watch.DeadlineSensor(task_id="deadline_watch")


def test_the_sensor_waits_deferred_for_each_alert_time_in_turn_and_mails_each_once(staging, mail, monkeypatch):
    from airflow.sdk.exceptions import TaskDeferred

    may, ctx = DataMonth(2026, 5), context(DataMonth(2026, 5), "success")
    times = [datetime(2026, 6, d, h, m, tzinfo=JST) for d, h, m in ((24, 9, 0), (25, 9, 0), (29, 8, 30), (30, 0, 0))]
    looks = []
    for now in [datetime(2026, 6, 3, 7, tzinfo=JST), *times[:3]]:  # started, then woken at each alert time
        monkeypatch.setattr(deadline_watch, "clock", lambda now=now: now)
        with pytest.raises(TaskDeferred) as deferred:
            sensor().execute_complete(ctx, {"status": "due"})
        looks.append(datetime.fromisoformat(deferred.value.trigger.due_at))
    trigger = deferred.value.trigger
    assert (trigger.staging, trigger.month) == (str(staging), "2026-05")
    assert trigger.stop_marker.endswith("202605-failed-backfill__2026-07-01T07_00_00_09_00-0")
    assert looks == times
    # not READY at the uncollected time: no alert of its own; the risk alert is not sent twice
    assert [m["Subject"].split("】")[0] for m in mail.messages] == ["【特定技能情報連携", "【特定技能情報連携・至急"]
    monkeypatch.setattr(deadline_watch, "clock", lambda: datetime(2026, 6, 30, 0, tzinfo=JST))
    assert sensor().execute_complete(ctx, {"status": "due"}) == ["risk", "final", "late"]  # the last time: it ends
    assert "期限超過" in mail.messages[-1]["Subject"] and len(mail.messages) == 3
    _hand_over(staging / "202605")
    assert sensor().execute_complete(ctx, {"status": "delivered"}) == ["risk", "final", "late"]
    assert AlertLedger(staging).claimed(may, "risk") and len(mail.messages) == 3


def test_a_sensor_of_a_failed_run_stops_waiting(staging, monkeypatch):
    from airflow.sdk.exceptions import AirflowSkipException

    monkeypatch.setattr(deadline_watch, "clock", lambda: datetime(2026, 6, 3, 7, tzinfo=JST))
    ctx = context(DataMonth(2026, 5), "failed")
    AlertLedger(staging).claim(DataMonth(2026, 5), "failed-backfill__2026-07-01T07_00_00_09_00-0")
    with pytest.raises(AirflowSkipException, match="the daily watchdog keeps watching 2026-05"):
        sensor().execute(ctx)


def test_a_late_alert_during_the_run_says_the_run_is_building_it_then_the_handover_follows(staging, mail):
    may = DataMonth(2026, 5)
    ctx = context(may, "running")
    assert sensor().execute(ctx) == ["late"]
    (late,) = mail.messages
    assert "期限超過" in late["Subject"] and "残り0業務日" not in late["Subject"]
    text = late.get_body(("html",)).get_content()
    assert "作成中：この実行（backfill__2026-07-01T07:00:00+09:00、2026-11-28 10:00 JST 開始）が作成しています" in text
    assert "未作成" not in text and "実行されていない" not in text
    # the run publishes: not yet delivered, so no all-clear; once handed over, the next look says so once
    _mark_ready(staging / "202605")
    assert not deadline_watch.announce_delivered(may, "http://airflow.example/run")
    _hand_over(staging / "202605", ready=False)
    assert deadline_watch.announce_delivered(may, "http://airflow.example/run")
    assert not deadline_watch.announce_delivered(may, "http://airflow.example/run")
    handed = mail.messages[-1]
    assert handed["Subject"].startswith("【特定技能情報連携】2026-05分の受け渡しが記録されました（提出期限から")
    assert "期限超過" in handed.get_body(("html",)).get_content() and len(mail.messages) == 2


def test_a_late_alert_after_the_run_failed_says_so(staging, mail):
    assert sensor().execute(context(DataMonth(2026, 5), "upstream_failed")) == ["late"]
    text = mail.messages[0].get_body(("html",)).get_content()
    assert "未作成：この実行（backfill__2026-07-01T07:00:00+09:00）は失敗しました" in text


def test_the_watchdog_mails_the_handover_once_for_a_month_it_alerted(staging, mail):
    now = datetime(2026, 7, 29, 10, tzinfo=JST)
    deadline_watch.watchdog("ssw_monthly_provision", now=now)  # March, May, June alerted
    _mark_ready(staging / "202603")  # e.g. published with the CLI: ready, not yet collected
    assert deadline_watch.watchdog("ssw_monthly_provision", now=now)["delivered_mails_sent"] == 0
    _hand_over(staging / "202603", ready=False)
    assert deadline_watch.watchdog("ssw_monthly_provision", now=now)["delivered_mails_sent"] == 1
    assert deadline_watch.watchdog("ssw_monthly_provision", now=now)["delivered_mails_sent"] == 0
    assert [m["Subject"] for m in mail.messages if "受け渡しが記録されました" in m["Subject"]] == [
        "【特定技能情報連携】2026-03分の受け渡しが記録されました（提出期限から92日後）"
    ]


def test_a_ready_month_not_collected_two_business_days_before_the_deadline_has_its_own_alert(staging, mail):
    _mark_ready(staging / "202605")  # May: deadline Monday 2026-06-29, two business days before: Thursday 06-25
    monday = datetime(2026, 6, 25, 9, 0, tzinfo=JST)
    assert deadline_watch.watchdog("ssw_monthly_provision", now=monday)["alerts_sent"] == 2  # March late too
    (uncollected,) = [m for m in mail.messages if "2026-05分" in m["Subject"]]
    assert uncollected["Subject"].startswith("【特定技能情報連携】未受領：2026-05分は作成済みですが受け渡されて")
    assert "未受領（受け渡しが記録されていません）" in uncollected.get_body(("html",)).get_content()


def test_the_watchdog_removes_dead_builds_at_once_and_never_one_in_use(staging):
    layout = Staging(staging).prepare()
    dead, alive = layout.build(DataMonth(2026, 5), "run-4242"), layout.build(DataMonth(2026, 6), "run-4243")
    for build in (dead, alive):
        (build / "ITEM01.CSV").write_text("x")
    with layout.working_in(alive):  # its process holds the lock, as run_month does for its whole life
        assert deadline_watch.remove_dead_builds() == {"dead_builds_removed": 1}
    assert sorted(p.name for p in (staging / ".build").iterdir()) == [alive.name]
    assert deadline_watch.remove_dead_builds() == {"dead_builds_removed": 1}


def _package_holding(staging, month: str, by_age: dict[str, int]):
    package = staging / month
    package.mkdir()
    held = {"file": "QUARANTINE.CSV", "rows": sum(by_age.values()), "by_age_months": by_age}
    (package / "MANIFEST.JSON").write_text(json.dumps({"data_month": month, "held": held}))
    Staging(staging).mark_ready(DataMonth.parse(month))


def test_the_watchdog_mails_old_held_rows_once_per_package_counts_only(staging, mail, monkeypatch):
    _package_holding(staging, "202605", {"0": 1, "3": 9})  # older package: not the one that counts
    _package_holding(staging, "202606", {"0": 2, "1": 5, "2": 3, "4": 1})
    result = deadline_watch.check_held_rows("ssw_monthly_provision")
    assert result == {"package": "2026-06", "held_rows": 11, "held_old_rows": 4, "mailed": True}
    assert deadline_watch.check_held_rows("ssw_monthly_provision")["mailed"] is False
    (message,) = mail.messages
    assert message["Subject"] == "【特定技能情報連携】保留が2か月以上続くレコード 4件（2026-06分パッケージ時点）"
    text = message.get_body(("html",)).get_content()
    assert f"{staging / '202606' / 'QUARANTINE.CSV'}" in text and "11件" in text and "2か月：3件" in text
    monkeypatch.setenv("AIRFLOW_VAR_SSW_HELD_ALERT_MONTHS", "5")
    _package_holding(staging, "202607", {"0": 2, "4": 1})
    assert deadline_watch.check_held_rows("ssw_monthly_provision")["mailed"] is False


def test_a_failing_watchdog_mails_once_naming_what_it_was_checking(tmp_path, monkeypatch, mail):
    from airflow.dag_processing.dagbag import DagBag

    not_a_directory = tmp_path / "staging"
    not_a_directory.write_text("")
    monkeypatch.setenv("AIRFLOW_VAR_SSW_STAGING_DIR", str(not_a_directory))
    monkeypatch.setenv("AIRFLOW_VAR_SSW_FIRST_MONTH", "2026-03")
    dag = DagBag(dag_folder=str(ROOT / "dags")).dags["ssw_deadline_watchdog"]
    for task in dag.tasks:
        task.retries = 0
    assert dag.test().state == "failed"
    (message,) = mail.messages
    last = DataMonth.of(pendulum.now("UTC")).previous()
    assert message["Subject"].startswith(f"【特定技能情報連携】処理失敗：期限監視（2026-03〜{last}分）")
    assert "check_deadlines" in message["Subject"] and "remove_dead_builds" in message["Subject"]
    assert f"StagingError: staging {not_a_directory} is not a directory" in message.get_body(("html",)).get_content()


async def _first_event(trigger):
    async for event in trigger.run():
        return event.payload


def test_trigger_fires_delivered_or_due(tmp_path):
    later = (pendulum.now("UTC") + timedelta(hours=1)).isoformat()
    _mark_ready(tmp_path / "202605")  # ready is not enough: only a handover counts
    soon = (pendulum.now("UTC") + timedelta(seconds=0.05)).isoformat()
    trigger = deadline_watch.PackageDeliveredTrigger(str(tmp_path), "2026-05", soon, 0.01)
    assert asyncio.run(_first_event(trigger)) == {"status": "due"}
    _hand_over(tmp_path / "202605", ready=False)
    delivered = deadline_watch.PackageDeliveredTrigger(str(tmp_path), "2026-05", later, 0.01)
    assert asyncio.run(_first_event(delivered)) == {"status": "delivered"}
    cls, kwargs = deadline_watch.PackageDeliveredTrigger(str(tmp_path), "2026-05", soon, 5).serialize()
    assert cls == "ssw_linkage.airflow_glue.deadline_watch.PackageDeliveredTrigger" and kwargs["poll_seconds"] == 5


def test_the_trigger_keeps_the_sensors_clock(tmp_path, monkeypatch):
    """The sensor computes its alert time with ``clock()``; its trigger, in the triggerer, waits by the same."""
    due = datetime(2030, 1, 30, 9, tzinfo=JST)
    monkeypatch.setattr(deadline_watch, "clock", lambda: due)
    trigger = deadline_watch.PackageDeliveredTrigger(str(tmp_path), "2029-12", due.isoformat(), 600)
    assert asyncio.run(asyncio.wait_for(_first_event(trigger), 5)) == {"status": "due"}
