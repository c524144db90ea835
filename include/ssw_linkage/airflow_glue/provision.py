"""The monthly provision's task bodies: thin calls into the package, keyed on the data interval."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from ssw_linkage import package
from ssw_linkage.airflow_glue import settings
from ssw_linkage.months import DataMonth
from ssw_linkage.spec import item
from ssw_linkage.staging import Staging


class NotADataMonth(ValueError):
    """The run's data interval is not exactly one finished data month."""


def resolve_month(start: datetime, end: datetime, now: datetime | None = None) -> str:
    """The data month of a run's interval; refuses partial intervals and months not over yet."""
    month = DataMonth.of(start)
    if (start, end) != (month.start, month.end):
        raise NotADataMonth(
            f"data interval {start.isoformat()} – {end.isoformat()} is not one JST data month; "
            "the DAG must use MonthlyProvisionTimetable"
        )
    month.require_over(now)
    Staging(settings.staging_dir()).prepare().remove_dead_builds(month, settings.build_grace_seconds())
    return str(month)


def extract(month: str, item_number: int, run_id: str) -> dict:
    """Extract, validate and write one item into the run's build directory; returns counts only."""
    data_month = DataMonth.parse(month)
    staging = Staging(settings.staging_dir()).prepare()
    build = staging.build(data_month, run_id)
    with staging.working_in(build):
        counts = package.extract_item(
            settings.source_engine(), item(item_number), data_month, build, settings.encoding()
        )
    return asdict(counts)


def publish(month: str, counts: list[dict], run_id: str, replace: bool = False) -> dict:
    """Carry over held rows, reconcile the run's items and publish the package; returns the totals."""
    data_month = DataMonth.parse(month)
    build = Staging(settings.staging_dir()).prepare().build(data_month, run_id)
    manifest = package.publish(
        settings.source_engine(),
        build,
        settings.staging_dir(),
        data_month,
        [package.ItemCounts(**c) for c in counts],
        settings.encoding(),
        replace,
    )
    return {"data_month": month, **manifest["totals"]}
