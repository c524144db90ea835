"""docker-compose.yaml cannot run here (no Docker engine): check what matters in the file itself.

The start-up rules come from the official image's entrypoint (scripts/docker/entrypoint_prod.sh).
"""

from __future__ import annotations

import fnmatch
import re
from urllib.parse import urlsplit

import pytest
from compose_file import AIRFLOW_SERVICES, ROOT, SECRETS, SET, TEXT, Unset, load


def test_services_of_a_celery_deployment_with_a_seeded_postgresql_source():
    services = load()["services"]
    assert {
        "postgres",
        "redis",
        "mailpit",
        "ssw-source",
        "ssw-source-seed",
        "airflow-init",
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-worker",
        "airflow-triggerer",
    } <= set(services)
    assert services["airflow-init"]["depends_on"]["ssw-source-seed"]["condition"] == "service_completed_successfully"


def test_the_source_is_seeded_only_when_empty():
    seed = load()["services"]["ssw-source-seed"]["command"][1]
    assert seed.startswith('ssw-linkage seed --source "${AIRFLOW_CONN_SSW_SOURCE}"')
    assert "--if-empty" in seed and "--drop-existing" not in seed


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_a_missing_secret_stops_compose_instead_of_a_default(secret):
    with pytest.raises(Unset, match=secret):
        load({k: v for k, v in SET.items() if k != secret})
    assert "change-me" not in TEXT and "airflow:airflow@" not in TEXT and "ssw:ssw@" not in TEXT


def test_secrets_reach_every_component():
    services = load()["services"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == SET["AIRFLOW_DB_PASSWORD"]
    assert services["ssw-source"]["environment"]["POSTGRES_PASSWORD"] == SET["SSW_SOURCE_PASSWORD"]
    for name in AIRFLOW_SERVICES:
        env = services[name]["environment"]
        assert env["AIRFLOW__CORE__FERNET_KEY"] == SET["AIRFLOW_FERNET_KEY"], name
        assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == SET["AIRFLOW_JWT_SECRET"], name
        assert f":{SET['AIRFLOW_DB_PASSWORD']}@postgres/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], name
        assert urlsplit(env["AIRFLOW_CONN_SSW_SOURCE"]).password == SET["SSW_SOURCE_PASSWORD"], name


def test_every_airflow_service_shares_the_settings_that_matter():
    services = load()["services"]
    for name in AIRFLOW_SERVICES:
        service = services[name]
        env = service["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql"), name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://"), name
        assert (
            env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false"
            and env["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "true"
            and env["AIRFLOW__CORE__DEFAULT_TIMEZONE"] == "Asia/Tokyo"
        )
        assert env["AIRFLOW_CONN_SSW_SOURCE"].startswith("postgresql://") and env["AIRFLOW_VAR_SSW_STAGING_DIR"]
        mounts = {v.split(":")[0]: v.split(":")[1] for v in service["volumes"]}
        assert {"./dags", "./plugins", "staging"} <= set(mounts), name
        assert "./include" not in mounts, "the image runs the installed wheel; a mounted include/ is never read"
        assert service["build"] == "."


def test_airflow_init_can_succeed():
    """The entrypoint exits 1 when _AIRFLOW_WWW_USER_CREATE is set without a password, and
    `airflow users create` needs the FAB auth manager; the simple auth manager makes its own users."""
    init = load()["services"]["airflow-init"]
    assert "_AIRFLOW_WWW_USER_CREATE" not in init["environment"]
    assert init["environment"]["_AIRFLOW_DB_MIGRATE"] == "true"
    assert "AIRFLOW__CORE__AUTH_MANAGER" not in init["environment"]  # Airflow 3's default: simple
    assert init["environment"]["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"]


def test_alert_mail_goes_to_a_service_of_this_file_by_default():
    services = load()["services"]
    smtp = urlsplit(services["airflow-worker"]["environment"]["AIRFLOW_CONN_SMTP_DEFAULT"])
    assert smtp.hostname in services and smtp.port in services[smtp.hostname]["expose"]
    assert (
        load({**SET, "SSW_SMTP_CONN": "smtp://relay.example:25"})["services"]["airflow-worker"]["environment"][
            "AIRFLOW_CONN_SMTP_DEFAULT"
        ]
        == "smtp://relay.example:25"
    )


def test_published_ports_listen_on_loopback_only():
    published = {name: s.get("ports", []) for name, s in load()["services"].items()}
    assert published["airflow-apiserver"] and published["mailpit"]
    for name, ports in published.items():
        for port in ports:
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"


def test_the_image_installs_our_wheel_with_our_pins():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("# ") and "FROM apache/airflow:3.3.2-python3.11" in dockerfile
    assert "pip wheel --no-cache-dir --no-deps" in dockerfile
    assert "-r /opt/ssw/requirements.txt -c /opt/ssw/constraints.txt /opt/ssw/dist/ssw_linkage-*.whl" in dockerfile
    assert " -e " not in dockerfile
    pinned = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert "apache-airflow==3.3.2" in pinned


def test_the_build_context_is_only_what_the_image_copies():
    patterns = [
        line for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines() if line and line[0] != "#"
    ]

    def sent(path: str) -> bool:
        """Docker's rule: the last pattern matching the path or a directory above it wins; '!' re-includes."""
        parts, keep = path.split("/"), True
        for pattern in patterns:
            negated, pattern = pattern.startswith("!"), pattern.removeprefix("!").rstrip("/")
            if any(fnmatch.fnmatch("/".join(parts[:n]), pattern) for n in range(1, len(parts) + 1)):
                keep = negated
        return keep

    copied = re.findall(r"^COPY (?!--from)(?:--\S+ )*(.+) \S+$", (ROOT / "Dockerfile").read_text(), re.M)
    for source in " ".join(copied).split():
        assert sent(source), f"{source} is copied by the Dockerfile but not sent"
    for path in (".venv/bin/python", ".git/HEAD", ".env", "demo/source.db", "include/ssw_linkage/__pycache__/x.pyc"):
        assert not sent(path), f"{path} goes into the build context"


def test_the_demo_and_the_benchmarks_tune_airflow_as_compose_does():
    """Scheduler, worker and DAG processor settings that bound throughput (benchmarks/airflow_stack.py
    says why): the Makefile's demo and the benchmarks' `airflow standalone` measure what compose deploys."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from airflow_stack import TUNING
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    makefile = dict(re.findall(r"^\t(AIRFLOW__\w+)=(\S+) \\$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
    for name in AIRFLOW_SERVICES:
        env = load()["services"][name]["environment"]
        assert {key: env.get(key) for key in TUNING} == TUNING, name
    assert {key: makefile.get(key) for key in TUNING} == TUNING
