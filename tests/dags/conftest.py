"""Airflow for the DAG tests: a private AIRFLOW_HOME with a migrated SQLite metadata database.

The environment is set before anything imports Airflow; `airflow db migrate` runs once per session.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from handover_desk import HANDED_OVER, MHLW, OFFICER, PASSWORD, Answer, ApiServer, HandoverDesk

from ssw_linkage.local_services import MailSink

ROOT = Path(__file__).resolve().parents[2]
SENDER = "ssw-linkage@localhost"  # the From address of the mail the tests catch
AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="ssw-airflow-home-"))
(AIRFLOW_HOME / "passwords.json").write_text(json.dumps({OFFICER: PASSWORD}))
os.environ.update(
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=f"{OFFICER}:admin",
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(AIRFLOW_HOME / "passwords.json"),
    AIRFLOW__API_AUTH__JWT_SECRET=uuid.uuid4().hex * 2,
    AIRFLOW_HOME=str(AIRFLOW_HOME),
    AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
    AIRFLOW__CORE__PLUGINS_FOLDER=str(ROOT / "plugins"),
    AIRFLOW__CORE__LOAD_EXAMPLES="False",
    AIRFLOW__CORE__UNIT_TEST_MODE="False",
    # The handover desk polls the API server for the whole session: its access log would land in the captured
    # output of whatever test runs meanwhile (a CLI test counting its lines failed so).
    AIRFLOW__LOGGING__NAMESPACE_LEVELS="http.access=warning",
)


@pytest.fixture(scope="session", autouse=True)
def airflow_db() -> None:
    subprocess.run([str(Path(sys.executable).with_name("airflow")), "db", "migrate"], check=True, capture_output=True)


@pytest.fixture(scope="session")
def api_server(airflow_db) -> Iterator[ApiServer]:
    server = ApiServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def handover_desk(api_server) -> Iterator[HandoverDesk]:
    """An officer answering every waiting handover form with "handed over" (tests may queue other answers)."""
    from ssw_linkage.airflow_glue.handover import HANDED_OVER_OPTION

    desk = HandoverDesk(api_server, default=Answer(HANDED_OVER_OPTION, dict(HANDED_OVER)))
    yield desk
    desk.stop()


@pytest.fixture(autouse=True)
def fresh_desk(request) -> Iterator[None]:
    """Each test starts with no queued answers and nothing seen."""
    yield
    if "handover_desk" in request.fixturenames:
        desk = request.getfixturevalue("handover_desk")
        desk.answers.clear()
        desk.seen.clear()


@pytest.fixture(scope="session")
def provision_dag(handover_desk):
    """The DAG object, parsed from dags/ as the scheduler would; the handover desk answers its handovers."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags"))
    assert bag.import_errors == {}
    return bag.get_dag("ssw_monthly_provision")


@pytest.fixture
def mail(monkeypatch) -> Iterator[MailSink]:
    with MailSink() as sink:
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", sink.connection(from_email=SENDER))
        monkeypatch.setenv("AIRFLOW_VAR_SSW_ALERT_RECIPIENTS", "oncall@isa.example")
        monkeypatch.setenv("AIRFLOW_VAR_SSW_MHLW_RECIPIENTS", MHLW)
        yield sink


@pytest.fixture
def sqlite_source(tmp_path, monkeypatch) -> str:
    """Point the DAG at a SQLite source file and a fresh staging directory."""
    path = tmp_path / "source.db"
    monkeypatch.setenv("AIRFLOW_CONN_SSW_SOURCE", json.dumps({"conn_type": "sqlite", "host": str(path)}))
    monkeypatch.setenv("AIRFLOW_VAR_SSW_STAGING_DIR", str(tmp_path / "staging"))
    return f"sqlite:///{path}"


@pytest.fixture
def pg_database(monkeypatch, tmp_path) -> Iterator[str]:
    """A fresh PostgreSQL database for the source (the provider hook keeps no search_path)."""
    from databases import PG_URL
    from sqlalchemy import text

    from ssw_linkage import source

    name = f"ssw_dag_{uuid.uuid4().hex[:10]}"
    admin = source.connect(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    monkeypatch.setenv("AIRFLOW_CONN_SSW_SOURCE", url)
    monkeypatch.setenv("AIRFLOW_VAR_SSW_STAGING_DIR", str(tmp_path / "staging"))
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
