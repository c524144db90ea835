"""The production topology as processes on this machine: PostgreSQL metadata (a fresh database on the
local server), Redis as the Celery broker, scheduler, dag-processor, triggerer, api-server and two
Celery workers with their own AIRFLOW_HOME sharing one staging directory (docker-compose.yaml's
services, same environment). Every wait is bounded; ``stop`` ends every process group it started.
The deadline sensors' clock is the test's: ``shifted_clock/sitecustomize.py`` adds the seconds written
in ``clock_file`` (0 unless the test writes another offset).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis
from cryptography.fernet import Fernet
from processes import Component, wait_for

from ssw_linkage.local_services import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
AIRFLOW = str(BIN / "airflow")
DAG_ID = "ssw_monthly_provision"
REDIS_URL = os.environ.get("SSW_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
SHIFTED_CLOCK = Path(__file__).with_name("shifted_clock")


@dataclass
class Topology:
    """Start with ``start()``, always ``stop()``; ``api`` is an authenticated REST client."""

    root: Path
    metadata_url: str  # postgresql://… of a fresh database
    source_url: str
    staging: Path
    smtp_connection: str  # Airflow's smtp_default connection (JSON): the test's mail sink
    worker_names: tuple[str, ...] = ("w1", "w2")
    components: dict[str, Component] = field(default_factory=dict)
    peak_total_rss: int = 0
    queue: str = field(default_factory=lambda: f"ssw-topology-{uuid.uuid4().hex[:8]}")

    def __post_init__(self) -> None:
        self.api_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.api_port}"
        self.password = secrets.token_urlsafe(16)
        self.fernet_key = Fernet.generate_key().decode()
        self.jwt_secret = secrets.token_hex(32)
        self._sampling = threading.Event()
        self.clock_file = self.root / "clock-offset-seconds"

    def shift_clock(self, seconds: float) -> None:
        """Set the deadline sensors' clock ``seconds`` ahead of the real one (behind if negative)."""
        partial = self.clock_file.with_suffix(".partial")
        partial.write_text(f"{seconds}\n")
        partial.replace(self.clock_file)  # a process reading it sees the old offset or the new one

    def common_env(self, home: Path) -> dict[str, str]:
        db = self.metadata_url.split("://", 1)[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "SSW_"))}
        env.update(
            PATH=f"{BIN}:{env.get('PATH', '')}",
            PYTHONPATH=os.pathsep.join(filter(None, [str(SHIFTED_CLOCK), env.get("PYTHONPATH")])),
            SSW_TEST_CLOCK_FILE=str(self.clock_file),
            AIRFLOW_HOME=str(home),
            AIRFLOW__CORE__EXECUTOR="CeleryExecutor",
            AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"postgresql+psycopg2://{db}",
            AIRFLOW__CELERY__RESULT_BACKEND=f"db+postgresql://{db}",
            AIRFLOW__CELERY__BROKER_URL=REDIS_URL,
            AIRFLOW__OPERATORS__DEFAULT_QUEUE=self.queue,
            AIRFLOW__CORE__FERNET_KEY=self.fernet_key,
            AIRFLOW__API_AUTH__JWT_SECRET=self.jwt_secret,
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"{self.base_url}/execution/",
            AIRFLOW__API__BASE_URL=self.base_url,
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin",
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(self.root / "passwords.json"),
            AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
            AIRFLOW__CORE__PLUGINS_FOLDER=str(ROOT / "plugins"),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="True",
            AIRFLOW__CORE__PARALLELISM="8",
            AIRFLOW__CORE__DEFAULT_TIMEZONE="Asia/Tokyo",
            # a dead worker's running tasks are found within seconds, its unacked messages return in a minute
            AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT="20",
            AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL="5",
            AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT="120",
            # as in compose: months waiting for their handover must not take every place the scheduler looks at
            AIRFLOW__SCHEDULER__MAX_DAGRUNS_PER_LOOP_TO_SCHEDULE="200",
            # as in compose: how fast the next task starts and a finished task's slot is free; parsing
            AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME="0.5",
            AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL="1",
            AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL="120",
            AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT="60",
            AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()),
            AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()),
            AIRFLOW_CONN_SSW_SOURCE=self.source_url,
            AIRFLOW_CONN_SMTP_DEFAULT=self.smtp_connection,
            AIRFLOW_VAR_SSW_STAGING_DIR=str(self.staging),
            AIRFLOW_VAR_SSW_NOTICE_DIR=str(self.staging / "notices"),
            AIRFLOW_VAR_SSW_ALERT_RECIPIENTS="oncall@isa.example",
            AIRFLOW_VAR_SSW_MHLW_RECIPIENTS="pension-contact@mhlw.example",
        )
        return env

    def _home(self, name: str) -> Path:
        home = self.root / name
        (home / "config").mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(__file__).with_name("airflow_local_settings.py"), home / "config")
        return home

    def _component(self, name: str, *args: str, **extra_env: str) -> Component:
        home = self._home(name)
        component = Component(name, [AIRFLOW, *args], {**self.common_env(home), **extra_env}, home)
        self.components[name] = component
        return component

    def start(self, timeout: float = 240) -> None:
        (self.root / "passwords.json").write_text(json.dumps({"admin": self.password}))
        if not self.clock_file.exists():
            self.shift_clock(0)
        migrate = self._home("migrate")
        subprocess.run(
            [AIRFLOW, "db", "migrate"],
            env=self.common_env(migrate),
            cwd=migrate,
            check=True,
            capture_output=True,
            timeout=300,
        )
        self._component("api-server", "api-server", "--host", "127.0.0.1", "--port", str(self.api_port))
        self._component("scheduler", "scheduler")
        self._component("dag-processor", "dag-processor")
        self._component("triggerer", "triggerer")
        for name in self.worker_names:
            self._component(
                f"worker-{name}",
                "celery",
                "worker",
                "--celery-hostname",
                f"{name}-{self.queue}@%h",
                "--concurrency",
                "3",
                "--queues",
                self.queue,
                AIRFLOW__CORE__HOSTNAME_CALLABLE="airflow_local_settings.worker_hostname",
                SSW_WORKER_NAME=name,
            )
        self.started = time.monotonic()
        for component in self.components.values():
            component.start()
        threading.Thread(target=self._sample, daemon=True).start()
        wait_for("the API server and healthy scheduler, triggerer and dag-processor", self._healthy, timeout)
        for name in self.worker_names:
            log = self.components[f"worker-{name}"].log
            wait_for(f"celery worker {name}", lambda log=log: " ready." in log.read_text(errors="replace"), timeout)
        self.api = self.client()

    def client(self) -> httpx.Client:
        """A REST client signed in as the admin (the handover desk's officer too)."""
        response = httpx.post(f"{self.base_url}/auth/token", json={"username": "admin", "password": self.password})
        response.raise_for_status()
        token = response.json()["access_token"]
        return httpx.Client(base_url=self.base_url, timeout=30, headers={"Authorization": f"Bearer {token}"})

    def _healthy(self) -> bool:
        for component in self.components.values():
            if component.process.poll() is not None:
                raise RuntimeError(f"{component.name} exited early; see {component.log}")
        try:
            health = httpx.get(f"{self.base_url}/api/v2/monitor/health", timeout=5).json()
        except (httpx.HTTPError, ValueError):
            return False
        return all(
            health.get(part, {}).get("status") == "healthy"
            for part in ("metadatabase", "scheduler", "triggerer", "dag_processor")
        )

    def _sample(self) -> None:
        """Sum of the RSS of every process of the topology, twice a second, until ``stop``."""
        while not self._sampling.is_set():
            total = 0
            for component in list(self.components.values()):
                rss = component.rss()
                component.peak_rss = max(component.peak_rss, rss)
                total += rss
            self.peak_total_rss = max(self.peak_total_rss, total)
            time.sleep(0.5)

    def stop(self) -> float:
        """Stop every component (workers first) and remove the test's own queue from the broker (the
        keys Celery shares with other users of the database stay); returns the seconds the topology ran."""
        for component in sorted(self.components.values(), key=lambda c: not c.name.startswith("worker")):
            component.stop()
        self._sampling.set()
        wall = time.monotonic() - getattr(self, "started", time.monotonic())
        with redis.Redis.from_url(REDIS_URL) as broker:
            broker.delete(self.queue, f"_kombu.binding.{self.queue}")
        return wall

    def figures(self) -> dict:
        mib = 1024 * 1024
        return {
            "peak_total_rss_mib": round(self.peak_total_rss / mib),
            "peak_rss_mib": {c.name: round(c.peak_rss / mib) for c in self.components.values()},
        }
