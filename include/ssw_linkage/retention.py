"""Retention: a set number of days after a month's handover, its personal data leaves staging.

The purge deletes the month's CSV files (every revision, superseded and damaged copies), its disc
images and build leftovers; it keeps the manifests, READY, the lists of held and carried-over rows (opaque
record ids only, which later months' carry-over reads), the cover sheets, the delivery records and the
audit log. It is refused for a month not handed over, or before the retention period is over; it is
recorded in ``.delivery/YYYYMM/purged.json`` and audited, and a purged month is never rebuilt.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ssw_linkage.audit import AuditLog
from ssw_linkage.delivery import Delivery
from ssw_linkage.errors import NotReady
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.staging import Staging

log = logging.getLogger(__name__)
DEFAULT_RETENTION_DAYS = 90


def handed_over_at(delivery: Delivery) -> tuple[int, datetime] | None:
    """The handed-over revision and when it was handed over, or None."""
    found = delivery.handover()
    if found is None:
        return None
    revision, record = found
    moment = datetime.fromisoformat(record.get("received_at") or record["recorded_at"])
    return revision, moment if moment.tzinfo else moment.replace(tzinfo=JST)


def purge_due(staging_root: Path, month: DataMonth, retention_days: int, now: datetime) -> bool:
    """Whether the month was handed over at least ``retention_days`` ago and is not purged yet."""
    delivery = Delivery(staging_root, month)
    handed = handed_over_at(delivery)
    return handed is not None and now >= handed[1] + timedelta(days=retention_days) and not delivery.purged()


def purge(staging_root: Path, month: DataMonth, retention_days: int, now: datetime | None = None) -> dict[str, Any]:
    """Purge the month's personal data (see the module's docstring); NotReady if it may not be purged yet."""
    now = now or datetime.now(JST)
    staging = Staging(staging_root).prepare()
    delivery = Delivery(staging_root, month)
    handed = handed_over_at(delivery)
    if handed is None:
        raise NotReady(f"{month} has not been handed over: its data is kept (a purge needs a recorded handover)")
    if delivery.purged():
        raise NotReady(f"{month} was already purged on {delivery.purged()['purged_at']}")
    revision, at = handed
    until = at + timedelta(days=retention_days)
    if now < until:
        raise NotReady(f"{month} was handed over on {at:%Y-%m-%d}; its data is kept until {until:%Y-%m-%d}")
    with staging.month_lock(month):
        removed = staging.purge(month)
    record = {"purged_at": now.isoformat(timespec="seconds"), "retention_days": retention_days, "removed": removed}
    delivery.mark_purged(record)
    AuditLog(staging_root).append("purged", month, revision, files_removed=len(removed), retention_days=retention_days)
    log.info("%s purged: %d files removed", month, len(removed))
    return {"data_month": str(month), "revision": revision, "files_removed": len(removed)}
