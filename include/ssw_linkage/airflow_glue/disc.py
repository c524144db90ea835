"""The monthly provision's disc step: after ``extract_publish``, build the cover sheet and the image to burn.

| name | kind | meaning |
|---|---|---|
| `ssw_disc_password` | Connection | its password field encrypts the disc (AES-256 ZIP); no connection, no encryption |
| `ssw_disc_sender` | Variable | sender office printed on the cover sheet (default: a placeholder) |
| `ssw_disc_contact` | Variable | contact printed on the cover sheet (default: a placeholder) |
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import BaseHook, Variable
from airflow.sdk.exceptions import AirflowNotFoundException

from ssw_linkage.airflow_glue import runs, settings
from ssw_linkage.audit import acting_as
from ssw_linkage.disc.sender import Sender
from ssw_linkage.months import DataMonth

PASSWORD_CONN_ID = "ssw_disc_password"


def password() -> str | None:
    """The password of connection ``ssw_disc_password`` (Airflow masks it in logs), or None if it is not defined."""
    try:
        connection = BaseHook.get_connection(PASSWORD_CONN_ID)
    except AirflowNotFoundException:
        return None
    if not connection.password:
        raise ValueError(f"connection {PASSWORD_CONN_ID} has no password: set one, or delete it for a plain disc")
    return connection.password


def sender() -> Sender:
    default = Sender()
    return Sender(
        Variable.get("ssw_disc_sender", default=default.office),
        Variable.get("ssw_disc_contact", default=default.contact),
    )


def build(month: str, run: Any) -> dict:
    """Build the month's disc from its published package; returns where it is and its digest, never the password."""
    from ssw_linkage.disc.build import build_disc  # fpdf takes ~0.5 s to import: not at every DAG parse

    with acting_as(runs.actor(run)):
        disc = build_disc(settings.staging_for(run), DataMonth.parse(month), sender(), password())
    return disc.summary()
