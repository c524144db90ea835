"""One run per data month, created on the first government business day of the following month."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

import pendulum
from airflow.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable

from ssw_linkage.airflow_glue import runs
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.months import JST, DataMonth


class MonthlyProvisionTimetable(Timetable):
    """Data interval = the data month in Asia/Tokyo, [1st 00:00 JST, next 1st 00:00 JST).

    The run is created on the first business day of the next month at ``run_at`` (JST). Manual and
    backfill runs take the data month that contains their logical date, read in JST, so a backfill
    from 2026-01-01 to 2026-03-31 covers January to March whichever timezone the dates were given in.

    Run ids name the data month: ``scheduled__2026-01__2026-02-02T07:00:00+09:00``. (Airflow asks the
    timetable for the ids of scheduled runs and of runs triggered from the UI or the REST API; backfill
    runs and ``dags test`` runs keep Airflow's own ids, and every run's note names its data month.)
    """

    periodic = True

    def __init__(self, run_at: str = "07:00"):
        self.run_at = time.fromisoformat(run_at)
        self.description = f"monthly: first government business day of the next month, {run_at} JST"

    @property
    def summary(self) -> str:
        return f"月次（翌月第1業務日 {self.run_at:%H:%M} JST）"

    def serialize(self) -> dict[str, Any]:
        return {"run_at": self.run_at.strftime("%H:%M")}

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> MonthlyProvisionTimetable:
        return cls(data["run_at"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MonthlyProvisionTimetable) and other.run_at == self.run_at

    def __hash__(self) -> int:
        return hash(self.run_at)

    def run_after(self, month: DataMonth) -> pendulum.DateTime:
        """When the run for ``month`` is created."""
        day = GovernmentCalendar.from_environment().first_business_day(month.next())
        return pendulum.instance(datetime.combine(day, self.run_at, tzinfo=JST))

    def data_interval(self, month: DataMonth) -> DataInterval:
        return DataInterval(pendulum.instance(month.start), pendulum.instance(month.end))

    def infer_manual_data_interval(self, *, run_after: pendulum.DateTime) -> DataInterval:
        return self.data_interval(DataMonth.of(run_after))

    def next_dagrun_info(
        self, *, last_automated_data_interval: DataInterval | None, restriction: TimeRestriction
    ) -> DagRunInfo | None:
        if restriction.earliest is None:
            return None
        month = DataMonth.of(restriction.earliest)
        if last_automated_data_interval is not None:
            month = max(month, DataMonth.of(last_automated_data_interval.start).next())
        if not restriction.catchup:
            month = max(month, self.latest_due(pendulum.now("UTC")))
        if restriction.latest is not None and month.start > restriction.latest:
            return None
        return DagRunInfo(run_after=self.run_after(month), data_interval=self.data_interval(month))

    def generate_run_id(self, *, run_type, run_after, data_interval: DataInterval | None, **extra) -> str:
        start, end = (data_interval.start, data_interval.end) if data_interval else (None, None)
        month = runs.month_or_none(run_type, start, start, end, None, now=run_after)
        if month is None:  # no logical date, or one in a month not over: the run takes its month elsewhere
            return super().generate_run_id(run_type=run_type, run_after=run_after, data_interval=data_interval, **extra)
        return runs.run_id_for(run_type, month, run_after)

    def latest_due(self, now: datetime) -> DataMonth:
        """The newest data month whose run time has come."""
        month = DataMonth.of(now).previous()
        return month if self.run_after(month) <= now else month.previous()
