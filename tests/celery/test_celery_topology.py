"""The production topology for real (`make test-celery`): unpausing the DAG runs last month (scheduled),
then the three months before it are backfilled through the REST API on two Celery workers, one of them
killed with SIGKILL mid-run; an ISA officer answers each run's handover through the REST API.

Deadline sensors are observed on any day of the year with the sensors' clock of the test
(``shifted_clock/``): last month's risk alert time is first an hour ahead of it, so its sensor defers;
once its trigger is seen in the triggerer, that time is moved PROBE_LEAD seconds ahead, the trigger
fires, the sensor mails the alert and defers again for the next alert time, and only then does the
officer record the handover, which ends the wait.

Checks: every task try ran on a Celery worker of the test's own queue (both workers used), the packages
and discs are byte-identical to `ssw-linkage run`'s, the sensors waiting for their time were deferred to
the triggerer, each month's level due was mailed once to a real SMTP server (the probe's once its time
had come), and the killed worker's tasks are retried elsewhere with nothing duplicated. Wall time and
peak memory are printed and saved beside the logs.
"""

from __future__ import annotations

import filecmp
import json
import subprocess
import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from databases import PG_URL
from handover_desk import HANDED_OVER, Answer, HandoverDesk
from sqlalchemy import create_engine, text
from topology import BIN, DAG_ID, Topology, wait_for

from ssw_linkage import deadline_alerts as da
from ssw_linkage import local_services
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.delivery import Delivery
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.staging import Staging

pytestmark = [pytest.mark.celery, pytest.mark.timeout(900)]

PROBE, PROBE_LEAD = da.Level.RISK, 30  # last month's sensor observed deferred, and its alert's seconds ahead
DEADLINE_TASK = "deadline_watch"  # each run's deadline sensor (dag_defaults.DEADLINE_TASK, which imports Airflow)
SUBJECT_LEVEL = {
    "提出期限が近づいています": da.Level.RISK,
    "未受領": da.Level.UNCOLLECTED,
    "本日が提出期限": da.Level.FINAL,
    "期限超過": da.Level.LATE,
}


class MailSink(local_services.MailSink):
    """The loopback mail server, read as deadline alerts with the time each arrived."""

    def alerts(self, months: list[DataMonth]) -> list[tuple[datetime, DataMonth, da.Level]]:
        """The deadline alerts received, as (arrival, month, level)."""
        found = []
        for at, message in self.received:
            level = next((lv for marker, lv in SUBJECT_LEVEL.items() if marker in message["Subject"]), None)
            month = next((m for m in months if f"{m}分" in message["Subject"]), None)
            assert "処理失敗" not in message["Subject"], message["Subject"]
            if month and level:
                found.append((at, month, level))
        return found

    def subjects(self, containing: str) -> list[str]:
        return [message["Subject"] for _, message in self.received if containing in message["Subject"]]


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


def test_four_months_on_two_celery_workers_one_killed(databases, tmp_path, capsys, monkeypatch):
    # the glue's names below import Airflow: in this process, with a home of its own (never the
    # topology's, whose environment names its own); never at collection, before the DAG tests' conftest
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "pytest-airflow-home"))
    from ssw_linkage.airflow_glue.deadline_watch import DELIVERED_MAIL
    from ssw_linkage.airflow_glue.handover import HANDED_OVER_OPTION

    metadata_url, source_url = databases
    calendar, alert_policy = GovernmentCalendar.from_environment(), da.AlertPolicy()
    last = _last_scheduled_month(datetime.now(UTC), calendar)
    backfilled = [last.previous().previous().previous(), last.previous().previous(), last.previous()]
    months = [*backfilled, last]
    ssw("seed", "--source", source_url, "--months", f"{months[0]}:{last}", "--events", "12000", "--bad-rate", "0.01")
    alert_at = da.facts(last, datetime.now(UTC), calendar, alert_policy).alert_times[PROBE]

    def looks(at: datetime) -> dict:  # what each month's sensor does when the sensors' clock says ``at``
        return {month: da.sensor_look(da.facts(month, at, calendar, alert_policy), at, False) for month in months}

    before, after = looks(alert_at - timedelta(hours=1)), looks(alert_at)
    assert (before[last].due, before[last].next_look, after[last].due) == (None, alert_at, PROBE)
    sink = MailSink()
    sink.controller.start()
    staging = tmp_path / "staging"
    topology = Topology(
        tmp_path / "airflow", metadata_url, source_url, staging, sink.connection(from_email="ssw-linkage@localhost")
    )
    topology.root.mkdir()
    topology.shift_clock((alert_at - timedelta(hours=1) - datetime.now(UTC)).total_seconds())
    metadata = create_engine(metadata_url.replace("postgresql://", "postgresql+psycopg://"))
    watch = None
    try:
        topology.start()
        api = topology.api
        wait_for("the DAG to be parsed", lambda: api.get(f"/api/v2/dags/{DAG_ID}").status_code == 200, 180)
        assert api.patch(f"/api/v2/dags/{DAG_ID}", json={"is_paused": False}).status_code == 200
        # Unpausing creates last month's scheduled run. It must exist before a backfill reaches that month
        # (a backfill run at the same logical date makes the scheduler crash on creating its own), and its
        # package must be published first: the CLI publishes in that order below (carry-over depends on it).
        (probe,) = wait_for("last month's scheduled run", lambda: _runs(metadata, "scheduled"), 300, 2)
        officer = Answer(HANDED_OVER_OPTION, dict(HANDED_OVER))
        watch = Watch(topology, metadata, sink, (probe, last), alert_at, _extraction_tasks(api), officer)
        wait_for("last month's package", lambda: watch.poll() or Staging(staging).is_ready(last), 400, 0.3)
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
        wait_for("every run to finish", lambda: watch.poll() or watch.finished(len(months)), 600, 0.3)
        tries = _tries(metadata)
    finally:
        if watch is not None:
            watch.desk_stop()
        wall = topology.stop()
        sink.controller.stop()
        metadata.dispose()
    figures = {"wall_seconds": round(wall), **topology.figures()}
    (tmp_path / "topology-figures.json").write_text(json.dumps(figures, indent=1))
    with capsys.disabled():
        print(f"\ncelery topology: {json.dumps(figures)}  (logs: {topology.root})")

    runs = {t.run_id: t for t in tries if t.run_type in ("backfill", "scheduled")}
    month_of = {run_id: DataMonth.of(r.logical_date) for run_id, r in runs.items()}
    assert sorted(map(str, month_of.values())) == sorted(map(str, months))
    assert [r.run_type for r in runs.values()].count("backfill") == 3
    assert {r.run_state for r in runs.values()} == {"success"}
    ran = [t for t in tries if t.run_id in runs and t.hostname]
    assert {t.queue for t in ran} == {topology.queue} and all(t.external_executor_id for t in ran)
    assert {t.hostname for t in ran} == {"w1", "w2"}, "both Celery workers must have run tasks"
    assert watch.killed, "no worker was ever seen running an extraction"
    (survivor,) = {"w1", "w2"} - {watch.killed}
    retried = {(t.run_id, t.task_id, t.map_index) for t in ran if t.hostname == watch.killed and t.ended_by_kill}
    assert retried, "no task of the killed worker was running when it was killed"
    for key in retried:
        final = [t for t in tries if (t.run_id, t.task_id, t.map_index) == key and t.current]
        assert final and final[0].state == "success" and final[0].hostname == survivor, key

    cli = tmp_path / "cli"
    for month in [last, *backfilled]:  # the topology's order: later months re-check the rows earlier ones held
        ssw("run", "--month", str(month), "--source", source_url, "--staging", str(cli))
        assert same_tree(staging / month.compact, cli / month.compact), f"package {month} differs from the CLI's"
        assert same_tree(staging / "disc" / month.compact, cli / "disc" / month.compact), f"disc {month} differs"
    assert Staging(staging).published_months() == months
    assert not (staging / ".superseded").exists() and not (staging / ".damaged").exists()
    assert all(Staging(staging).revision(m) == 1 and Delivery(staging, m).handed_over(1) for m in months)
    assert sorted(seen["run_id"] for seen in watch.desk.seen) == sorted(runs)
    assert {seen["response"] for seen in watch.desk.seen} == {200}
    notices = sink.subjects("の準備ができました")  # the readiness notice to MHLW, once per month
    assert sorted(str(m) for m in months for s in notices if f"】{m}分" in s) == sorted(map(str, months))

    # deadline sensors: the probe's, waiting for its time, was deferred to the triggerer; each month's level
    # due was mailed once, the probe's only once its time had come
    sensors = [t for t in ran if t.current and t.task_id == DEADLINE_TASK]
    assert len(sensors) == len(months) and {t.state for t in sensors} == {"success"}
    assert {month_of[run] for run, _ in watch.in_triggerer} == {m for m, look in before.items() if look.next_look}
    for run, task in watch.in_triggerer:  # the probe's trigger fired at its time, its next one at the handover
        watch.fired[run, task].update(watch.fired_now(run, task))
        statuses = {"due", "delivered"} if (run, task) == watch.probe else {"delivered"}
        assert watch.fired[run, task] == {f"TriggerEvent<{{'status': '{s}'}}>" for s in statuses}, (run, task)
    alerts = sink.alerts(months)
    mailed = {(month, look.due) for month, look in after.items() if look.due}
    assert sorted(((m, lv) for _, m, lv in alerts), key=str) == sorted(mailed, key=str)
    assert [at for at, m, lv in alerts if (m, lv) == (last, PROBE)][0] >= watch.probe_due
    markers = {p.name for p in (staging / ".alerts").iterdir()}
    assert markers == {f"{m.compact}-{kind}" for m, lv in mailed for kind in (lv.value, DELIVERED_MAIL)}
    all_clear = sink.subjects("の受け渡しが記録されました")  # once per alerted month, after its handover
    assert sorted(str(m) for m in months for s in all_clear if f"】{m}分" in s) == sorted(str(m) for m, _ in mailed)


def _last_scheduled_month(now: datetime, calendar: GovernmentCalendar) -> DataMonth:
    """The month of the run that unpausing creates: the latest whose run time (the DAG's timetable: the
    first business day of the next month, 07:00 JST) has come; in the first days of a month, the one before."""
    month = DataMonth.of(now).previous()
    runs_at = datetime.combine(calendar.first_business_day(month.next()), time(7), tzinfo=JST)
    return month if now >= runs_at else month.previous()


def _runs(metadata, run_type: str) -> list[str]:
    with metadata.connect() as conn:
        query = text("SELECT run_id FROM dag_run WHERE dag_id = :dag AND run_type = :type")
        return list(conn.execute(query, {"dag": DAG_ID, "type": run_type}).scalars())


def _extraction_tasks(api) -> set[str]:
    """The tasks ``build_disc`` waits for: the DAG's extraction."""
    tasks = api.get(f"/api/v2/dags/{DAG_ID}/tasks").json()["tasks"]
    return {t["task_id"] for t in tasks if "build_disc" in t["downstream_task_ids"]}


class Watch:
    """Polled until every run has finished: kill -9 the worker first seen running an extraction task of a
    backfill run; note each (run, task) seen deferred with its trigger in the triggerer; once the probe
    (last month's deadline sensor) is, move its ``PROBE`` alert time ``PROBE_LEAD`` seconds ahead; once its alert
    has arrived, let the officer answer the handovers (``desk``), each once its run's deadline sensor has decided."""

    def __init__(self, topology: Topology, metadata, sink: MailSink, probe, alert_at: datetime, extraction, officer):
        self.topology, self.metadata, self.sink, self.extraction = topology, metadata, sink, extraction
        self.officer = officer  # the answer to every handover
        (probe_run, self.probe_month), self.alert_at = probe, alert_at
        self.probe = (probe_run, DEADLINE_TASK)
        self.in_triggerer: set[tuple[str, str]] = set()
        self.fired: dict[tuple[str, str], set[str]] = {}  # (run, task): the events its triggers fired
        self.killed: str | None = None  # the worker killed
        self.probe_due, self.desk = None, None
        self.rows = []

    def poll(self) -> None:
        for component in self.topology.components.values():
            if component.process.poll() is not None and component.name != f"worker-{self.killed}":
                raise RuntimeError(f"{component.name} died; see {component.log}")
        with self.metadata.connect() as conn:
            self.rows = conn.execute(
                text(
                    "SELECT ti.run_id, ti.task_id, ti.state, ti.hostname, dr.run_type, dr.state AS run_state, "
                    "j.job_type FROM task_instance ti "
                    "JOIN dag_run dr ON dr.run_id = ti.run_id AND dr.dag_id = ti.dag_id "
                    "LEFT JOIN trigger t ON t.id = ti.trigger_id LEFT JOIN job j ON j.id = t.triggerer_id "
                    "WHERE ti.dag_id = :dag"
                ),
                {"dag": DAG_ID},
            ).all()
        self.in_triggerer |= {
            (r.run_id, r.task_id) for r in self.rows if r.state == "deferred" and r.job_type == "TriggererJob"
        }
        for key in self.in_triggerer:
            self.fired.setdefault(key, set()).update(self.fired_now(*key))
        extracting = {
            r.hostname
            for r in self.rows
            if r.state == "running" and r.task_id in self.extraction and r.run_type == "backfill" and r.hostname
        }
        if not self.killed and extracting:
            self.killed = min(extracting)
            self.topology.components[f"worker-{self.killed}"].kill_hard()
        if self.probe_due is None and self.probe in self.in_triggerer:
            self.probe_due = datetime.now(UTC) + timedelta(seconds=PROBE_LEAD)
            self.topology.shift_clock((self.alert_at - self.probe_due).total_seconds())
        if self.desk is None and self.probe_due and any(lv is PROBE for *_, lv in self.sink.alerts([self.probe_month])):
            self.desk = HandoverDesk(self.topology, default=self.officer, ready=self.sensors_decided)

    def sensors_decided(self, run_id: str) -> bool:
        """Whether the run's deadline sensor has decided (mailed, stayed quiet, or waits deferred): the officer
        answers only then, as MHLW's collection days later always comes after it (a handover recorded first
        would silence a sensor retried after the worker's kill)."""
        states = {r.state for r in self.rows if r.run_id == run_id and r.task_id == DEADLINE_TASK}
        return bool(states) and states <= {"success", "skipped", "deferred"}

    def finished(self, runs: int) -> bool:
        states = {(r.run_id, r.run_state) for r in self.rows}
        return len(states) == runs and {s for _, s in states} <= {"success", "failed"}

    def fired_now(self, run_id: str, task_id: str) -> list[str]:
        """The events the task's trigger fired, from its log in the triggerer's own AIRFLOW_HOME (one file per
        try and triggerer: a try's next trigger starts it afresh, so ``poll`` keeps what each one said)."""
        home = self.topology.components["triggerer"].home
        logs = home / "logs" / f"dag_id={DAG_ID}" / f"run_id={run_id}" / f"task_id={task_id}"
        whole = [line for log in logs.glob("*.trigger.*.log") for line in log.read_text().split("\n")[:-1]]
        return [line["result"] for line in map(json.loads, whole) if line["event"] == "Trigger fired event"]

    def desk_stop(self) -> None:
        if self.desk is not None:
            self.desk.stop()


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
