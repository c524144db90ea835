"""docker-compose.yaml as Compose reads it: its ${…} substitution, with every required secret set."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "docker-compose.yaml").read_text(encoding="utf-8")
SECRETS = {"AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET", "AIRFLOW_DB_PASSWORD", "SSW_SOURCE_PASSWORD"}
SET = {name: f"{name.lower()}-value" for name in SECRETS}
AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-worker",
    "airflow-triggerer",
)
_VARIABLE = re.compile(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}")


class Unset(Exception):
    """Compose stops with this message: a required variable is unset or empty."""


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?message} substitution; $$ is a literal $."""

    def value(match: re.Match) -> str:
        name, operator, argument = match.groups()
        if env.get(name):
            return env[name]
        if operator == ":?":
            raise Unset(f"{name}: {argument}")
        return argument if operator == ":-" else ""

    return _VARIABLE.sub(value, text.replace("$$", "\0")).replace("\0", "$")


def load(env: dict[str, str] = SET) -> dict:
    return yaml.safe_load(interpolate(TEXT, env))
