"""docker-compose.yaml cannot run here (no Docker engine): check what matters in the file itself."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yaml").read_text(encoding="utf-8"))


def test_services_of_a_celery_deployment_with_a_seeded_postgresql_source():
    services = load()["services"]
    assert {
        "postgres",
        "redis",
        "ssw-source",
        "ssw-source-seed",
        "airflow-init",
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-worker",
        "airflow-triggerer",
    } <= set(services)
    assert (
        "ssw-linkage seed --source postgresql://ssw:ssw@ssw-source:5432/ssw"
        in services["ssw-source-seed"]["command"][1]
    )
    assert services["airflow-init"]["depends_on"]["ssw-source-seed"]["condition"] == "service_completed_successfully"


def test_every_airflow_service_shares_the_settings_that_matter():
    services = load()["services"]
    for name in (
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-worker",
        "airflow-triggerer",
    ):
        service = services[name]
        env = service["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql"), name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://"), name
        assert (
            env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false"
            and env["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "true"
        )
        assert env["AIRFLOW_CONN_SSW_SOURCE"].startswith("postgresql://") and env["AIRFLOW_VAR_SSW_STAGING_DIR"]
        assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == "${AIRFLOW_JWT_SECRET:-change-me-in-dotenv}", name
        mounts = {v.split(":")[0]: v.split(":")[1] for v in service["volumes"]}
        assert {"./dags", "./plugins", "./include", "staging"} <= set(mounts), name
        assert service["build"] == "."


def test_the_image_is_built_from_our_pins():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("# ") and "FROM apache/airflow:3.3.2-python3.11" in dockerfile
    assert "requirements.txt" in dockerfile and "pip install --no-cache-dir --no-deps -e /opt/ssw" in dockerfile
    pinned = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert "apache-airflow==3.3.2" in pinned
