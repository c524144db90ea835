"""The readiness notice: once the month's disc is built, one mail to the MHLW contacts per month and
revision, whoever retries or reruns (the claim in ``.delivery/`` is taken before sending)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from ssw_linkage import revisions
from ssw_linkage.airflow_glue import alerts, runs, settings
from ssw_linkage.audit import AuditLog, acting_as
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.delivery import Delivery
from ssw_linkage.months import DataMonth
from ssw_linkage.notice import render_notice
from ssw_linkage.staging import MANIFEST, Staging

log = logging.getLogger(__name__)


def notify(month: str, disc: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, Any]:
    """Mail the notice of the month's current revision unless it was mailed; returns what was done."""
    data_month, root = DataMonth.parse(month), settings.staging_for(context["dag_run"])
    staging = Staging(root)
    revision, recipients = staging.revision(data_month), settings.mhlw_recipients()
    result = {"data_month": month, "revision": revision, "image_sha256": disc["sha256"], "mailed": False}
    delivery = Delivery(root, data_month)
    if not delivery.claim_notice(revision, disc["sha256"]):
        log.info("the readiness notice of %s r%d was already mailed; not again", month, revision)
        return result
    manifest = json.loads((staging.package(data_month) / MANIFEST).read_text(encoding="utf-8"))
    deadline = GovernmentCalendar.from_environment().deadline(data_month)
    changes = revisions.read_summary(staging, data_month, revision)
    pickup, trial = settings.pickup_details(), manifest.get("trial", False)
    mail = render_notice(manifest, dict(disc), revision, deadline, pickup, changes, trial)
    try:
        alerts.send(*mail, to=recipients)
    except Exception:
        delivery.release_notice(revision)  # so that the retry sends it
        raise
    with acting_as(runs.actor(context["dag_run"])):
        AuditLog(root).append("notified", data_month, revision, image_sha256=disc["sha256"], recipients=len(recipients))
    log.info("readiness notice of %s r%d mailed to %d MHLW contact(s)", month, revision, len(recipients))
    return {**result, "mailed": True}
