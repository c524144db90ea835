"""The watchdog's retention task: purge every month handed over ``ssw_retention_days`` ago or more."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ssw_linkage import retention
from ssw_linkage.airflow_glue import runs, settings
from ssw_linkage.audit import acting_as
from ssw_linkage.months import JST
from ssw_linkage.staging import Staging

log = logging.getLogger(__name__)


def purge_expired(context: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Purge the months whose retention period after the handover is over; returns them, with counts."""
    now, days = now or datetime.now(JST), settings.retention_days()
    staging = Staging(settings.staging_dir()).prepare()
    purged = []
    with acting_as(runs.actor(context["dag_run"])):
        for month in staging.published_months():
            if retention.purge_due(staging.root, month, days, now):
                purged.append(retention.purge(staging.root, month, days, now))
    log.info("months purged (retention %d days after the handover): %s", days, [p["data_month"] for p in purged])
    return {"retention_days": days, "purged": purged}
