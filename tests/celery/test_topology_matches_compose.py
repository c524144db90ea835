"""`make test-celery` runs the topology docker-compose.yaml describes: same services, same settings."""

from __future__ import annotations

from compose_file import AIRFLOW_SERVICES, ROOT, load
from topology import Topology

# Settings only the processes on one machine need: private log-server ports, the test's own queue, the
# auth manager's password file, the failure-detection times shortened for the kill -9, absolute folders.
LOCAL_ONLY = {
    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT",
    "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT",
    "AIRFLOW__OPERATORS__DEFAULT_QUEUE",
    "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL",
    "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT",
    "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT",
    "AIRFLOW__CORE__DAGS_FOLDER",
    "AIRFLOW__CORE__PLUGINS_FOLDER",
}
# compose-only: the scheduler's health port (compose's health check), the disc calendar's extra closures
COMPOSE_ONLY = {"AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK", "SSW_EXTRA_CLOSURES"}


def test_the_test_topology_sets_what_the_compose_services_set(tmp_path):
    topology = Topology(tmp_path, "postgresql://postgres@127.0.0.1/m", "postgresql://s@h/s", tmp_path, "{}")
    ours = {k for k in topology.common_env(tmp_path) if k.startswith(("AIRFLOW__", "AIRFLOW_CONN_", "AIRFLOW_VAR_"))}
    services = load()["services"]
    for name in AIRFLOW_SERVICES:
        theirs = {k for k in services[name]["environment"] if k.startswith("AIRFLOW") or k.startswith("SSW_")}
        assert theirs - COMPOSE_ONLY == ours - LOCAL_ONLY, name
    assert services["airflow-worker"]["deploy"]["replicas"] == len(topology.worker_names) == 2
    started = {"api-server", "scheduler", "dag-processor", "triggerer", "celery worker"}
    assert {services[name]["command"] for name in AIRFLOW_SERVICES} == started


def test_the_compose_file_mounts_the_plugins_that_serve_the_status_page():
    assert (ROOT / "plugins" / "ssw_status_plugin.py").is_file()
    for name in AIRFLOW_SERVICES:
        assert "./plugins:/opt/airflow/plugins" in load()["services"][name]["volumes"]
