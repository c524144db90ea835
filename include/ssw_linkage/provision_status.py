"""Where each data month stands against its deadline, for the operators' status page.

Read from the staging directory (package, manifest counts, alert markers, cover sheet) and the state of
the month's latest Airflow run, given by the caller. Counts and states only: never personal data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ssw_linkage.business_calendar import GovernmentCalendar, weekday_ja
from ssw_linkage.deadline_alerts import AlertPolicy, Level
from ssw_linkage.months import DataMonth
from ssw_linkage.staging import ALERTS, DISC, MANIFEST, Staging

# ready, or further along the hand-over: the package was there by the deadline
DELIVERED = ("ready", "notified", "handed over", "revised")
RUNNING_RUN_STATES = ("queued", "running")


@dataclass(frozen=True)
class MonthStatus:
    month: DataMonth
    state: str  # missing / running / failed / ready / notified / handed over / revised
    deadline: date
    business_days_left: int
    colour: str  # red (past the deadline, not delivered), amber (inside the risk window), "" otherwise
    items: dict[int, int] = field(default_factory=dict)  # item number → rows in its file
    quarantined: int | None = None
    carried: int | None = None
    alerts: tuple[str, ...] = ()
    run_id: str | None = None
    has_cover: bool = False

    @property
    def deadline_text(self) -> str:
        return f"{self.deadline.isoformat()}（{weekday_ja(self.deadline)}）"


def handover_state(staging: Path, month: DataMonth) -> str | None:
    """The hand-over state (``notified``, ``handed over`` or ``revised``) once "Handover in Airflow" records
    it in staging; nothing records it yet, so None."""
    return None


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
    state = handover_state(staging, month)
    if state is None:
        if store.is_ready(month):
            state = "ready"
        elif run_state in RUNNING_RUN_STATES:
            state = "running"
        else:
            state = "failed" if run_state == "failed" else "missing"
    deadline = calendar.deadline(month)
    risk_day = deadline
    for _ in range((policy or AlertPolicy()).risk_business_days):
        risk_day = calendar.previous_business_day(risk_day)
    colour = ""
    if state not in DELIVERED:
        colour = "red" if today > deadline else "amber" if today >= risk_day else ""
    items, quarantined, carried = {}, None, None
    if state in DELIVERED:
        manifest = json.loads((store.package(month) / MANIFEST).read_text(encoding="utf-8"))
        items = {entry["item"]: entry["written"] + entry["carried_over"] for entry in manifest["items"]}
        quarantined, carried = manifest["held"]["rows"], manifest["carried"]["rows"]
    alerts_dir = staging / ALERTS
    alerts = tuple(level.value for level in Level if (alerts_dir / f"{month.compact}-{level.value}").is_file())
    return MonthStatus(
        month=month,
        state=state,
        deadline=deadline,
        business_days_left=calendar.business_days_between(today, deadline),
        colour=colour,
        items=items,
        quarantined=quarantined,
        carried=carried,
        alerts=alerts,
        run_id=run_id,
        has_cover=cover_sheet(staging, month).is_file(),
    )


def cover_sheet(staging: Path, month: DataMonth) -> Path:
    return staging / DISC / month.compact / "COVER.PDF"
