"""The monthly provision's task bodies: thin calls into the package, keyed on the data interval."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import pendulum

from ssw_linkage import package
from ssw_linkage.airflow_glue import settings
from ssw_linkage.months import DataMonth
from ssw_linkage.spec import item


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
    if month.end > (now or pendulum.now("UTC")):
        raise NotADataMonth(f"data month {month} is not over yet (ends {month.end.isoformat()})")
    return str(month)


def extract(month: str, item_number: int, run_id: str) -> dict:
    """Extract, validate and write one item into the run's build directory; returns counts only."""
    data_month = DataMonth.parse(month)
    build = package.build_dir(settings.staging_dir(), data_month, run_id)
    counts = package.extract_item(settings.source_engine(), item(item_number), data_month, build, settings.encoding())
    return asdict(counts)


def publish(month: str, counts: list[dict], run_id: str, replace: bool = False) -> dict:
    """Reconcile the run's items and publish the package; returns the manifest's totals."""
    data_month = DataMonth.parse(month)
    staging = settings.staging_dir()
    build = package.build_dir(staging, data_month, run_id)
    manifest = package.publish(
        build, staging, data_month, [package.ItemCounts(**c) for c in counts], settings.encoding(), replace
    )
    return {"data_month": month, **manifest["totals"]}
