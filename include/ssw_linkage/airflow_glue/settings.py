"""Runtime configuration from Airflow Connections and Variables (read in tasks, never at parse time).

| name | kind | meaning |
|---|---|---|
| `ssw_source` | Connection | source database (sqlite: host = file path; postgres) |
| `smtp_default` | Connection | mail server for alerts |
| `ssw_staging_dir` | Variable | staging directory (shared by all workers) |
| `ssw_encoding` | Variable | `cp932` (default) or `utf-8-bom` |
| `ssw_alert_recipients` | Variable | comma-separated addresses for alert mail |
| `ssw_alert_sender` | Variable | From address of alert mail (default ssw-linkage@localhost) |
| `ssw_mhlw_recipients` | Variable | comma-separated addresses of the MHLW contacts (readiness notice; required) |
| `ssw_pickup_details` | Variable | where and when MHLW collects the disc, quoted in the readiness notice |
| `ssw_risk_business_days` | Variable | risk alert this many business days before the deadline (default 3) |
| `ssw_risk_alert_time` | Variable | JST time of the risk alert (default 09:00) |
| `ssw_final_alert_time` | Variable | JST time of the deadline-day alert (default 08:30) |
| `ssw_first_month` | Variable | first data month the watchdog checks (default 2026-01) |
| `ssw_held_alert_months` | Variable | the watchdog mails about rows held this many months or longer (default 2) |
| `ssw_retention_days` | Variable | a month's personal data is purged this many days after its handover (default 90) |
| `SSW_EXTRA_CLOSURES` | environment | extra government closure dates, ISO, comma-separated |
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseHook, Variable

from ssw_linkage.airflow_glue import runs
from ssw_linkage.deadline_alerts import AlertPolicy
from ssw_linkage.errors import UsageError
from ssw_linkage.months import DataMonth
from ssw_linkage.retention import DEFAULT_RETENTION_DAYS
from ssw_linkage.staging import Staging

if TYPE_CHECKING:
    from sqlalchemy import Engine

SOURCE_CONN_ID = "ssw_source"
SMTP_CONN_ID = "smtp_default"
DEFAULT_RECIPIENTS = "ssw-oncall@localhost"
DEFAULT_SENDER = "ssw-linkage@localhost"
DEFAULT_PICKUP = "出入国在留管理庁 〇〇課（日時はご担当者と調整します）"


def source_engine() -> Engine:
    """The source database named by the ``ssw_source`` connection, through its provider hook."""
    from ssw_linkage import source  # psycopg and the extraction: only the task that extracts needs them

    hook = BaseHook.get_connection(SOURCE_CONN_ID).get_hook()
    return source.connect(hook.get_uri())


def staging_dir(trial: bool = False) -> Path:
    """The staging directory, or its trial area ``<ssw_staging_dir>/trial`` for a trial run."""
    root = Staging(Path(Variable.get("ssw_staging_dir")))
    return root.trial().root if trial else root.root


def staging_for(run: Any) -> Path:
    """The staging directory a task of ``run`` works in: the trial area for a trial run."""
    return staging_dir(runs.is_trial(run))


def encoding() -> str:
    return Variable.get("ssw_encoding", default="cp932")


def alert_policy() -> AlertPolicy:
    default = AlertPolicy()
    return AlertPolicy(
        risk_business_days=int(Variable.get("ssw_risk_business_days", default=str(default.risk_business_days))),
        risk_time=time.fromisoformat(Variable.get("ssw_risk_alert_time", default=f"{default.risk_time:%H:%M}")),
        final_time=time.fromisoformat(Variable.get("ssw_final_alert_time", default=f"{default.final_time:%H:%M}")),
    )


def alert_recipients() -> list[str]:
    return _addresses(Variable.get("ssw_alert_recipients", default=DEFAULT_RECIPIENTS))


def _addresses(raw: str) -> list[str]:
    return [address.strip() for address in raw.split(",") if address.strip()]


def mhlw_recipients() -> list[str]:
    """The MHLW contacts the readiness notice goes to; there is no default (it leaves ISA)."""
    recipients = _addresses(Variable.get("ssw_mhlw_recipients", default=""))
    if not recipients:
        raise UsageError("Variable ssw_mhlw_recipients is not set: the MHLW contacts' addresses, comma-separated")
    return recipients


def pickup_details() -> str:
    return Variable.get("ssw_pickup_details", default=DEFAULT_PICKUP)


def alert_sender() -> str:
    return Variable.get("ssw_alert_sender", default=DEFAULT_SENDER)


def first_month() -> DataMonth:
    return DataMonth.parse(Variable.get("ssw_first_month", default="2026-01"))



def held_alert_months() -> int:
    return int(Variable.get("ssw_held_alert_months", default="2"))


def retention_days() -> int:
    return int(Variable.get("ssw_retention_days", default=str(DEFAULT_RETENTION_DAYS)))
