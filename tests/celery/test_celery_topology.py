"""The production topology for real (`make test-celery`): unpausing the DAG runs last month (scheduled),
then the three months before it are backfilled through the REST API on two Celery workers, one of them
killed with SIGKILL mid-run.

Checks: every task try ran on a Celery worker of the test's own queue (both workers used), the packages
and discs are byte-identical to `ssw-linkage run`'s, deadline sensors defer to the triggerer, each
month and level is mailed once to a real SMTP server, and the killed worker's tasks are retried
elsewhere with nothing duplicated. Wall time and peak memory are printed and saved beside the logs.
"""

from __future__ import annotations

import filecmp
import json
import subprocess
import time
import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from databases import PG_URL
from sqlalchemy import create_engine, text
from topology import BIN, DAG_ID, Topology, free_port, wait_for

from ssw_linkage import deadline_alerts as da
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.months import DataMonth
from ssw_linkage.staging import Staging

pytestmark = [pytest.mark.celery, pytest.mark.timeout(900)]

SUBJECT_LEVEL = {"提出期限が近づいています": da.Level.RISK, "本日が提出期限": da.Level.FINAL, "期限超過": da.Level.LATE}


class MailSink:
    """A real SMTP server on loopback (aiosmtpd) keeping what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.messages: list = []
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def databases():
    """A fresh metadata database and a fresh source database on the local server, dropped afterwards."""
    names = [f"ssw_topology_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("meta", "source")]
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_URL.rsplit("/", 1)[0]
    try:
        yield tuple(f"{base}/{name}" for name in names)
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def ssw(*args: str) -> None:
    subprocess.run([str(BIN / "ssw-linkage"), *args], check=True, capture_output=True, timeout=300)


def same_tree(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return match == names and not mismatch and not errors and names == sorted(p.name for p in b.iterdir())


def test_three_months_on_two_celery_workers_one_killed(databases, tmp_path, capsys):
    metadata_url, source_url = databases
    now = datetime.now(UTC)
    this_month = DataMonth.of(now)
    last = this_month.previous()
    backfilled = [last.previous().previous().previous(), last.previous().previous(), last.previous()]
    months = [*backfilled, last]
    ssw("seed", "--source", source_url, "--months", f"{months[0]}:{last}", "--events", "12000", "--bad-rate", "0.01")
    calendar, alert_policy = GovernmentCalendar.from_environment(), da.AlertPolicy()
    expected = {  # what each month's deadline sensor must do at this moment (the package is not ready yet)
        (month, level): da.sensor_action(level, da.facts(month, now, calendar, alert_policy), now, False)[0]
        for month in months
        for level in da.Level
    }
    sink = MailSink()
    sink.controller.start()
    staging = tmp_path / "staging"
    topology = Topology(tmp_path / "airflow", metadata_url, source_url, staging, sink.port)
    topology.root.mkdir()
    metadata = create_engine(metadata_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        topology.start()
        api = topology.api
        wait_for("the DAG to be parsed", lambda: api.get(f"/api/v2/dags/{DAG_ID}").status_code == 200, 180)
        assert api.patch(f"/api/v2/dags/{DAG_ID}", json={"is_paused": False}).status_code == 200
        # Unpausing creates last month's scheduled run. It must exist before a backfill reaches that month:
        # a backfill run at the same logical date makes the scheduler crash on creating its own.
        wait_for("last month's scheduled run", lambda: _runs(metadata, "scheduled") == {"success"}, 300, 2)
        backfill = api.post(
            "/api/v2/backfills",
            json={
                "dag_id": DAG_ID,
                "from_date": f"{backfilled[0]}-01T00:00:00+09:00",
                "to_date": f"{backfilled[-1]}-28T00:00:00+09:00",
                "reprocess_behavior": "failed",
                "max_active_runs": 1,
            },
        )
        assert backfill.status_code == 200, backfill.text
        # a run of the month in progress: refused, but its deadline sensors wait for weeks, in the triggerer
        probe = api.post(f"/api/v2/dags/{DAG_ID}/dagRuns", json={"logical_date": now.isoformat()})
        assert probe.status_code == 200, probe.text
        seen, killed = _watch(topology, metadata, probe.json()["dag_run_id"])
        deferred_probe = _deferred_sensors(metadata, probe.json()["dag_run_id"])
        ended = api.patch(f"/api/v2/dags/{DAG_ID}/dagRuns/{probe.json()['dag_run_id']}", json={"state": "failed"})
        assert ended.status_code == 200, ended.text
        tries = _tries(metadata)
    finally:
        wall = topology.stop()
        sink.controller.stop()
        metadata.dispose()
    figures = {"wall_seconds": round(wall), **topology.figures()}
    (tmp_path / "topology-figures.json").write_text(json.dumps(figures, indent=1))
    with capsys.disabled():
        print(f"\ncelery topology: {json.dumps(figures)}  (logs: {topology.root})")

    runs = {t.run_id: t for t in tries if t.run_type in ("backfill", "scheduled")}
    assert sorted(str(DataMonth.of(r.logical_date)) for r in runs.values()) == sorted(map(str, months))
    assert [r.run_type for r in runs.values()].count("backfill") == 3
    assert {r.run_state for r in runs.values()} == {"success"}
    ran = [t for t in tries if t.run_id in runs and t.hostname]
    assert {t.queue for t in ran} == {topology.queue} and all(t.external_executor_id for t in ran)
    assert {t.hostname for t in ran} == {"w1", "w2"}, "both Celery workers must have run tasks"
    assert killed, "the worker was never seen running a task"
    retried = {(t.run_id, t.task_id, t.map_index) for t in ran if t.hostname == "w2" and t.ended_by_kill}
    assert retried, "no task of the killed worker was running when it was killed"
    for key in retried:
        final = [t for t in tries if (t.run_id, t.task_id, t.map_index) == key and t.current]
        assert final and final[0].state == "success" and final[0].hostname == "w1", key

    cli = tmp_path / "cli"
    for month in [last, *backfilled]:  # the topology's order: later months re-check the rows earlier ones held
        ssw("run", "--month", str(month), "--source", source_url, "--staging", str(cli))
        assert same_tree(staging / month.compact, cli / month.compact), f"package {month} differs from the CLI's"
        assert same_tree(staging / "disc" / month.compact, cli / "disc" / month.compact), f"disc {month} differs"
    assert Staging(staging).published_months() == months
    assert not (staging / ".superseded").exists() and not (staging / ".damaged").exists()

    alerts = []
    for message in sink.messages:
        level = next((lv for marker, lv in SUBJECT_LEVEL.items() if marker in message["Subject"]), None)
        month = next((m for m in months if f"{m}分" in message["Subject"]), None)
        assert "処理失敗" not in message["Subject"] or month is None, message["Subject"]
        if month and level:
            alerts.append((month, level))
    assert sorted(alerts, key=str) == sorted((k for k, action in expected.items() if action == "alert"), key=str)
    assert not any(m for m in sink.messages if f"{this_month}分" in m["Subject"] and "期限" in m["Subject"])
    markers = sorted(p.name for p in (staging / ".alerts").iterdir())
    assert markers == sorted(f"{m.compact}-{lv.value}" for (m, lv), action in expected.items() if action == "alert")

    sensors = [t for t in ran if t.current and t.task_id.startswith("deadline_")]
    assert len(sensors) == 3 * len(months) and {t.state for t in sensors} == {"success"}
    waiting = {(str(DataMonth.of(runs[r].logical_date)), task) for r, task in seen if r in runs}
    for (month, level), action in expected.items():
        assert ((str(month), f"deadline_{level.value}") in waiting) == (action == "wait"), (month, level)
    assert sorted(deferred_probe) == ["deadline_final", "deadline_late", "deadline_risk"]


def _runs(metadata, run_type: str) -> set[str]:
    with metadata.connect() as conn:
        query = text("SELECT state FROM dag_run WHERE dag_id = :dag AND run_type = :type")
        return set(conn.execute(query, {"dag": DAG_ID, "type": run_type}).scalars())


def _watch(topology: Topology, metadata, probe_run: str, timeout: float = 600) -> tuple[set, bool]:
    """Until every backfill run has finished: kill -9 worker w2 as soon as it runs an extraction, and
    note each (run, sensor) seen deferred. Returns those and whether the kill happened."""
    seen: set[tuple[str, str]] = set()
    killed = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for component in topology.components.values():
            if component.process.poll() is not None and not (killed and component.name == "worker-w2"):
                raise RuntimeError(f"{component.name} died; see {component.log}")
        with metadata.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT ti.run_id, ti.task_id, ti.state, ti.hostname, dr.run_type, dr.state AS run_state "
                    "FROM task_instance ti JOIN dag_run dr ON dr.run_id = ti.run_id AND dr.dag_id = ti.dag_id "
                    "WHERE ti.dag_id = :dag"
                ),
                {"dag": DAG_ID},
            ).all()
        seen |= {(r.run_id, r.task_id) for r in rows if r.state == "deferred" and r.run_id != probe_run}
        if not killed and any(
            r.hostname == "w2" and r.state == "running" and r.task_id == "extract_item" for r in rows
        ):
            topology.components["worker-w2"].kill_hard()
            killed = True
        backfill_states = {r.run_state for r in rows if r.run_type == "backfill"}
        if killed and backfill_states and backfill_states <= {"success", "failed"}:
            return seen, killed
        time.sleep(0.3)
    raise TimeoutError(f"the backfill runs did not finish within {timeout:.0f} s; logs in {topology.root}")


def _deferred_sensors(metadata, run_id: str) -> list[str]:
    """The run's sensors that are deferred with their trigger taken by the triggerer."""
    query = text(
        "SELECT ti.task_id FROM task_instance ti JOIN trigger t ON t.id = ti.trigger_id "
        "JOIN job j ON j.id = t.triggerer_id AND j.job_type = 'TriggererJob' "
        "WHERE ti.run_id = :run AND ti.state = 'deferred' AND t.classpath LIKE '%PackageReadyTrigger'"
    )

    def found():
        with metadata.connect() as conn:
            names = conn.execute(query, {"run": run_id}).scalars().all()
        return names if len(names) == 3 else None

    return wait_for("the probe's sensors to be deferred in the triggerer", found, 120)


def _tries(metadata) -> list:
    """Every try of every task of the DAG (current ones and those in the history), with its run."""
    with metadata.connect() as conn:
        return conn.execute(
            text(
                "SELECT ti.run_id, ti.task_id, ti.map_index, ti.try_number, ti.state, ti.hostname, ti.queue, "
                "ti.external_executor_id, ti.current, ti.ended_by_kill, dr.run_type, dr.state AS run_state, "
                "dr.logical_date FROM ("
                "  SELECT run_id, dag_id, task_id, map_index, try_number, state, hostname, queue, external_executor_id,"
                "   true AS current, false AS ended_by_kill FROM task_instance"
                "  UNION ALL SELECT run_id, dag_id, task_id, map_index, try_number, state, hostname, queue,"
                "   external_executor_id, false, state = 'failed' FROM task_instance_history"
                ") ti JOIN dag_run dr ON dr.run_id = ti.run_id AND dr.dag_id = ti.dag_id WHERE ti.dag_id = :dag"
            ),
            {"dag": DAG_ID},
        ).all()
