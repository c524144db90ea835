"""Where each data month stands against its deadline, for the operators' status page.

Read from the staging directory (package, manifest counts, alert markers, cover sheet, the delivery
records of ``ssw_linkage.delivery``, which only say whether they exist) and the state of the month's
latest Airflow run, given by the caller. Counts and states only: never personal data (the handover
record's receiver is never read).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from ssw_linkage.business_calendar import GovernmentCalendar, weekday_ja
from ssw_linkage.deadline_alerts import AlertLedger, AlertPolicy, Level, facts
from ssw_linkage.delivery import Delivery
from ssw_linkage.disc.layout import COVER
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.staging import MANIFEST, Staging

# the month's package is published: ready, or further along the handover
PUBLISHED = ("ready", "notified", "rejected", "handed over", "revised")
RUNNING_RUN_STATES = ("queued", "running")


@dataclass(frozen=True)
class MonthStatus:
    month: DataMonth
    state: str  # missing / running / failed / ready / notified / rejected / handed over / revised
    deadline: date
    business_days_left: int
    colour: str  # red (past the deadline, not handed over), amber (inside the risk window), "" otherwise
    revision: int | None = None  # the published package's revision (2 and later: a revision, see revisions)
    items: dict[int, int] = field(default_factory=dict)  # item number → rows in its file
    quarantined: int | None = None
    carried: int | None = None
    alerts: tuple[str, ...] = ()
    run_id: str | None = None
    has_cover: bool = False

    @property
    def deadline_text(self) -> str:
        return f"{self.deadline.isoformat()}（{weekday_ja(self.deadline)}）"


def handover_state(staging: Path, month: DataMonth, revision: int) -> str | None:
    """How far the month's current ``revision`` has gone since READY: ``handed over`` (``revised`` for r2
    or later, a corrected package handed over again), ``rejected`` (refused and not handed over since),
    ``notified`` (the readiness mail went out); None before its notice."""
    delivery = Delivery(staging, month)
    if delivery.handed_over(revision):
        return "revised" if revision > 1 else "handed over"
    if delivery.rejected(revision):
        return "rejected"
    return "notified" if delivery.notified(revision) else None


def month_status(
    staging: Path,
    month: DataMonth,
    today: date,
    run: tuple[str, str] | None,
    calendar: GovernmentCalendar,
    policy: AlertPolicy | None = None,
) -> MonthStatus:
    """The month's status; ``run`` is its latest Airflow run as ``(run_id, state)``, if any."""
    store = Staging(staging)
    run_id, run_state = run or (None, None)
    revision = store.revision(month) if store.is_ready(month) else None
    if revision is not None:
        state = handover_state(staging, month, revision) or "ready"
    elif run_state in RUNNING_RUN_STATES:
        state = "running"
    else:
        state = "failed" if run_state == "failed" else "missing"
    f = facts(month, datetime.combine(today, time(), tzinfo=JST), calendar, policy or AlertPolicy())
    colour = ""
    if not Delivery(staging, month).delivered():  # as the deadline alerts: READY alone does not count
        colour = "red" if today > f.deadline else "amber" if today >= f.alert_times[Level.RISK].date() else ""
    items, quarantined, carried = {}, None, None
    if revision is not None:
        manifest = json.loads((store.package(month) / MANIFEST).read_text(encoding="utf-8"))
        items = {entry["item"]: entry["written"] + entry["carried_over"] for entry in manifest["items"]}
        quarantined, carried = manifest["held"]["rows"], manifest["carried"]["rows"]
    alerts = tuple(level.value for level in AlertLedger(staging).levels(month))
    return MonthStatus(
        month=month,
        state=state,
        deadline=f.deadline,
        business_days_left=f.business_days_left,
        colour=colour,
        revision=revision,
        items=items,
        quarantined=quarantined,
        carried=carried,
        alerts=alerts,
        run_id=run_id,
        has_cover=cover_sheet(staging, month).is_file(),
    )


def cover_sheet(staging: Path, month: DataMonth) -> Path:
    """The cover sheet of the month's current revision (``disc/YYYYMM-r<n>/`` from r2 on)."""
    store = Staging(staging)
    return store.disc_dir(month, store.revision(month)) / COVER
