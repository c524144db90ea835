"""A real Airflow for the benchmarks: ``airflow standalone`` (scheduler, DAG processor, triggerer, API server,
LocalExecutor) on a fresh PostgreSQL metadata database, in its own AIRFLOW_HOME on free ports, with a mail
sink; and a REST client that triggers runs, creates backfills and records handovers as an officer would
(``PATCH …/hitlDetails``, the README's "An ISA officer's month")."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg

from ssw_linkage.local_services import MailSink, free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DAG_ID = "ssw_monthly_provision"
USER, PASSWORD = "bench-officer", "bench-password"
HANDED_OVER = {
    "received_by": "ベンチ 太郎",
    "organisation": "厚生労働省年金局",
    "received_at": "2026-11-30T10:30:00+09:00",
    "disc_serial": "ISA-CDR-BENCH",
    "sha256_confirmed": True,
    "reason": "",
}

# The scheduler's and workers' settings of docker-compose.yaml (tests/dags/test_compose.py compares them):
TUNING = {
    # runs examined per scheduler loop (Airflow's default 20): runs waiting in handover stay running and,
    # backfill runs first, take every place, so month 21 of a backfill would never start
    "AIRFLOW__SCHEDULER__MAX_DAGRUNS_PER_LOOP_TO_SCHEDULE": "200",
    # the next task starts within half a second of the one before it (default: up to 1 s per step)
    "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.5",
    # a finished task's slot is free within 1 s (the supervisor may miss its process's exit, then waits this long)
    "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "1",
    # unchanged DAG files are parsed every 2 min, not every 30 s (a changed file is parsed at once)
    "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "120",
}


def airflow_env(home: Path, source_url: str, staging: Path, mail: MailSink, **settings: str) -> dict[str, str]:
    """The environment of every Airflow process of a benchmark (the demo's settings, as in the Makefile)."""
    host = {"conn_type": "sqlite", "host": source_url.removeprefix("sqlite:///")}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_", "AIRFLOW__"))}
    env.update(
        PATH=f"{BIN}:{env['PATH']}",
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
        AIRFLOW__CORE__PLUGINS_FOLDER=str(ROOT / "plugins"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="True",
        AIRFLOW__CORE__DEFAULT_TIMEZONE="Asia/Tokyo",
        AIRFLOW_CONN_SSW_SOURCE=json.dumps(host) if source_url.startswith("sqlite") else source_url,
        AIRFLOW_CONN_SMTP_DEFAULT=mail.connection(),
        AIRFLOW_VAR_SSW_STAGING_DIR=str(staging),
        AIRFLOW_VAR_SSW_ALERT_RECIPIENTS="oncall@localhost",
        AIRFLOW_VAR_SSW_MHLW_RECIPIENTS="mhlw-contact@localhost",
    )
    env.update(settings)
    return env


class Stack:
    """``airflow standalone`` on a fresh PostgreSQL metadata database ``<server>/<db>`` (dropped afterwards)."""

    def __init__(self, server: str, db: str, source_url: str, staging: Path, mail: MailSink, parallelism: int = 4):
        self.server, self.db = server, db
        self.home = Path(tempfile.mkdtemp(prefix="ssw-bench-airflow-"))
        self.api_port = free_port()
        self.url = f"http://127.0.0.1:{self.api_port}"
        (self.home / "passwords.json").write_text(json.dumps({USER: PASSWORD}))
        pg = server.replace("postgresql://", "postgresql+psycopg2://", 1)
        self.env = airflow_env(
            self.home,
            source_url,
            staging,
            mail,
            AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"{pg}/{db}",
            AIRFLOW__CORE__EXECUTOR="LocalExecutor",
            AIRFLOW__CORE__PARALLELISM=str(parallelism),
            **TUNING,
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=f"{USER}:admin",
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(self.home / "passwords.json"),
            AIRFLOW__API_AUTH__JWT_SECRET=uuid.uuid4().hex * 2,
            AIRFLOW__API__PORT=str(self.api_port),
            AIRFLOW__API__BASE_URL=self.url,
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"{self.url}/execution/",
            AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()),
            AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()),
        )
        self.process: subprocess.Popen | None = None
        self.client: httpx.Client | None = None

    def __enter__(self) -> Stack:
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.db}"')
            admin.execute(f'CREATE DATABASE "{self.db}"')
        subprocess.run([BIN / "airflow", "db", "migrate"], env=self.env, check=True, capture_output=True)
        log = open(self.home / "standalone.log", "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [BIN / "airflow", "standalone"], env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.client = self._login()
        self._until(lambda: self.client.get(f"/api/v2/dags/{DAG_ID}").status_code == 200, 180, "the DAG to be parsed")
        return self

    def __exit__(self, *exc) -> None:
        if self.client:
            self.client.close()
        if self.process:
            os.killpg(self.process.pid, signal.SIGTERM)  # the group this Stack started, and nothing else
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        if exc[0] is None:  # kept after a failure: its standalone.log and task logs say why
            shutil.rmtree(self.home, ignore_errors=True)

    def _login(self) -> httpx.Client:
        def token() -> str | None:
            try:
                answer = httpx.post(f"{self.url}/auth/token", json={"username": USER, "password": PASSWORD})
            except httpx.TransportError:
                return None
            return answer.json()["access_token"] if answer.status_code == 201 else None

        self._until(token, 180, "the API server")
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {token()}"}, timeout=60)

    def _until(self, done, seconds: float, what: str, every: float = 0.5):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            result = done()
            if result:
                return result
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"airflow standalone exited; see {self.home / 'standalone.log'}")
            time.sleep(every)
        raise TimeoutError(f"waited {seconds:.0f} s for {what}; see {self.home / 'standalone.log'}")

    def unpause(self) -> None:
        self.client.patch(f"/api/v2/dags/{DAG_ID}", json={"is_paused": False}).raise_for_status()

    def trigger(self, month: str, day: int = 15) -> str:
        """A manual run for ``month`` (its logical date on ``day``: one run per date), as REST would make it."""
        body = {"logical_date": f"{month}-{day:02d}T03:00:00Z", "conf": {"data_month": month}}
        answer = self.client.post(f"/api/v2/dags/{DAG_ID}/dagRuns", json=body)
        answer.raise_for_status()
        return answer.json()["dag_run_id"]

    def backfill(self, first: str, last: str, max_active_runs: int) -> dict:
        body = {
            "dag_id": DAG_ID,
            "from_date": f"{first}-01T00:00:00+09:00",
            "to_date": f"{last}-01T00:00:00+09:00",
            "max_active_runs": max_active_runs,
            "reprocess_behavior": "completed",
        }
        answer = self.client.post("/api/v2/backfills", json=body)
        answer.raise_for_status()
        return answer.json()

    def _all(self, path: str, key: str, **params) -> list[dict]:
        """Every entry of a listing, page by page (the API gives at most ``[api] maximum_page_limit``, 100)."""
        found: list[dict] = []
        while True:
            answer = self.client.get(path, params={**params, "limit": 100, "offset": len(found)})
            answer.raise_for_status()
            page = answer.json()
            found += page[key]
            if not page[key] or len(found) >= page["total_entries"]:
                return found

    def count(self, path: str, **filters) -> int:
        """How many entries a listing has (one small request: a poll that lists every task instance of a
        backfill every few seconds costs the API server more CPU than the tasks it watches)."""
        answer = self.client.get(path, params={**filters, "limit": 1})
        answer.raise_for_status()
        return answer.json()["total_entries"]

    def state(self, run_id: str, task_id: str) -> str | None:
        answer = self.client.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/{task_id}")
        answer.raise_for_status()
        return answer.json()["state"]

    def runs(self) -> list[dict]:
        return self._all(f"/api/v2/dags/{DAG_ID}/dagRuns", "dag_runs")

    def task_instances(self, run_id: str = "~") -> list[dict]:
        return self._all(f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances", "task_instances")

    def answer_handovers(self) -> int:
        """Record "handed over" for every handover waiting in ``awaiting_input``; returns how many."""
        from ssw_linkage.airflow_glue.handover import HANDED_OVER_OPTION

        answered = 0
        for detail in self._all("/api/v2/dags/~/dagRuns/~/hitlDetails", "hitl_details", response_received=False):
            ti = detail["task_instance"]
            if ti["state"] != "awaiting_input":  # an answer given earlier does not resume it (Airflow 3.3.2)
                continue
            path = f"/api/v2/dags/{ti['dag_id']}/dagRuns/{ti['dag_run_id']}/taskInstances/{ti['task_id']}"
            body = {"chosen_options": [HANDED_OVER_OPTION], "params_input": HANDED_OVER}
            self.client.patch(f"{path}/{ti['map_index']}/hitlDetails", json=body).raise_for_status()
            answered += 1
        return answered

    def wait(self, done, seconds: float, what: str, every: float = 0.5):
        return self._until(done, seconds, what, every)
