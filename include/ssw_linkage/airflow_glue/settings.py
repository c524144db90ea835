"""Runtime configuration from Airflow Connections and Variables (read in tasks, never at parse time).

| name | kind | meaning |
|---|---|---|
| `ssw_source` | Connection | source database (sqlite: host = file path; postgres) |
| `smtp_default` | Connection | mail server for alerts |
| `ssw_staging_dir` | Variable | staging directory (shared by all workers) |
| `ssw_encoding` | Variable | `cp932` (default) or `utf-8-bom` |
| `ssw_alert_recipients` | Variable | comma-separated addresses for alert mail |
"""

from __future__ import annotations

from pathlib import Path

from airflow.sdk import BaseHook, Variable
from sqlalchemy import Engine

from ssw_linkage import source

SOURCE_CONN_ID = "ssw_source"
SMTP_CONN_ID = "smtp_default"


def source_engine() -> Engine:
    """The source database named by the ``ssw_source`` connection, through its provider hook."""
    hook = BaseHook.get_connection(SOURCE_CONN_ID).get_hook()
    return source.connect(hook.get_uri())


def staging_dir() -> Path:
    return Path(Variable.get("ssw_staging_dir"))


def encoding() -> str:
    return Variable.get("ssw_encoding", default="cp932")
