"""What a run of ssw_monthly_provision is about, decided here and nowhere else: its data month, and
the names people see for it (run id, run note, task labels, the link to the run).

The data month of a run:
- scheduled and backfill runs: the month of the run's data interval (MonthlyProvisionTimetable);
- manual runs: the ``data_month`` given with the run (the trigger form's field, or
  ``--conf '{"data_month": "YYYY-MM"}'``), else the month of the logical date, read in JST.

A run with neither, a month that is not over yet, or a ``data_month`` that contradicts a logical date
in another finished month is refused at once (:class:`RunRefused`, never retried): it cannot produce a
package however often it is retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from airflow.sdk.exceptions import AirflowFailException

from ssw_linkage import PROVISION_DAG_ID
from ssw_linkage.errors import NotReady, SswError
from ssw_linkage.months import JST, DataMonth

DATA_MONTH = "data_month"  # the manual run's parameter
TRIAL = "trial"  # the manual run's parameter: a trial run (初回試験), in the trial area


class RunRefused(SswError, AirflowFailException):
    """This run cannot produce a package as triggered; it fails at once, without retries."""


def how_to_pick(example: DataMonth | None = None) -> str:
    month = example or DataMonth.of(datetime.now(JST)).previous()
    return (
        f'trigger a run with the data month: in the UI type it in the "{DATA_MONTH}" field (YYYY-MM), '
        f'or `airflow dags trigger {PROVISION_DAG_ID} --conf \'{{"{DATA_MONTH}": "{month}"}}\'`'
    )


def _given_month(run_type: Any, conf: Mapping[str, Any] | None) -> DataMonth | None:
    if getattr(run_type, "value", run_type) != "manual" or not conf or not conf.get(DATA_MONTH):
        return None
    try:
        return DataMonth.parse(str(conf[DATA_MONTH]))
    except ValueError:
        raise RunRefused(f"{DATA_MONTH} {conf[DATA_MONTH]!r} is not a month: give it as YYYY-MM") from None


def _dated_month(run_type: Any, logical_date: datetime | None, start: datetime | None, end: datetime | None):
    """The month of the logical date. A scheduled or backfill run's data interval must be that month
    (MonthlyProvisionTimetable); a manual run's interval is not used (``airflow dags trigger`` infers it
    from the trigger time, not from the logical date given)."""
    if logical_date is None:
        return None
    month = DataMonth.of(logical_date)
    if getattr(run_type, "value", run_type) != "manual" and (start, end) != (month.start, month.end):
        raise RunRefused(
            f"data interval {start and start.isoformat()} – {end and end.isoformat()} is not the JST data month "
            f"{month}; the DAG must use MonthlyProvisionTimetable"
        )
    return month


def month_of_run(
    run_type: Any,
    logical_date: datetime | None,
    interval_start: datetime | None,
    interval_end: datetime | None,
    conf: Mapping[str, Any] | None,
    now: datetime | None = None,
) -> DataMonth:
    """The data month a run provides (see the module's docstring); RunRefused if it has none."""
    now = now or datetime.now(JST)
    given, dated = _given_month(run_type, conf), _dated_month(run_type, logical_date, interval_start, interval_end)
    if given is None and dated is None:
        raise RunRefused(f"this run has no data month (it was created without a logical date): {how_to_pick()}")
    if given and dated and given != dated and dated.end <= now:
        raise RunRefused(
            f"the run's logical date is in {dated} but its {DATA_MONTH} is {given}: "
            "trigger it again with only one of them"
        )
    month = given or dated
    try:
        month.require_over(now)
    except NotReady as error:
        finished = DataMonth.of(now).previous()
        raise RunRefused(
            f"{error}. A month's run is created on the first business day after it; "
            f"for a month that is over, {how_to_pick(finished)}"
        ) from None
    return month


def month_or_none(run_type: Any, logical_date, start, end, conf, now=None) -> DataMonth | None:
    """The run's data month, or None where :func:`month_of_run` refuses it."""
    try:
        return month_of_run(run_type, logical_date, start, end, conf, now)
    except RunRefused:
        return None


def of_run(run: Any, now: datetime | None = None) -> DataMonth:
    """The data month of a DAG run (the Task SDK's or the metadata database's)."""
    return month_of_run(run.run_type, run.logical_date, run.data_interval_start, run.data_interval_end, run.conf, now)


def describe(run: Any) -> tuple[DataMonth | None, str]:
    """The run's data month (None if refused) and how a mail names what the run was about."""
    try:
        month = of_run(run)
        return month, f"{month}分"
    except RunRefused:
        pass
    try:
        asked = _given_month(run.run_type, run.conf) or (run.logical_date and DataMonth.of(run.logical_date))
    except RunRefused:
        asked = None
    return None, f"{asked}分（実行拒否：refused）" if asked else "対象月なし（no data month）"


def month_of(context: Mapping[str, Any], now: datetime | None = None) -> DataMonth:
    """The data month of the running task's DAG run."""
    return of_run(context["dag_run"], now)


def run_id_for(run_type: Any, month: DataMonth, run_after: datetime) -> str:
    """``scheduled__2026-01__2026-02-02T07:00:00+09:00``: the kind of run, its data month, when it was due (JST)."""
    return f"{getattr(run_type, 'value', run_type)}__{month}__{run_after.astimezone(JST).isoformat()}"


def note_for(run: Any, now: datetime | None = None) -> str:
    """The run note naming the run's data month, or why it has none."""
    try:
        month = of_run(run, now)
    except RunRefused as error:
        return f"対象月なし・実行拒否（refused: {error}）"[:1000]
    return f"対象月 {month}（data month {month}）"


def task_labels(instances: list[tuple[str, int | None]]) -> str:
    """Task instances as the UI names them, each once: ``extract_publish, build_disc`` (a mapped one
    as ``task [2]``, its map index)."""
    labels = [task_id if index is None or index < 0 else f"{task_id} [{index}]" for task_id, index in instances]
    return ", ".join(dict.fromkeys(labels))


def run_link(dag_id: str, run_id: str | None = None) -> str:
    from airflow.configuration import conf

    base = conf.get("api", "base_url", fallback="http://localhost:8080").rstrip("/")
    return f"{base}/dags/{dag_id}" + (f"/runs/{quote(run_id, safe='')}" if run_id else "")


def is_trial(run: Any) -> bool:
    """Whether ``run`` is a trial run (its conf says ``"trial": true``, as the trigger form's box does)."""
    return bool((getattr(run, "conf", None) or {}).get(TRIAL))


def actor(run: Any) -> str:
    """Who acts in the audit log for a task of ``run``: the run, and who triggered it if anyone did."""
    user = getattr(run, "triggering_user_name", None)
    return f"airflow:{run.dag_id}/{run.run_id}" + (f" (triggered by {user})" if user else "")


def safe_key(text: str) -> str:
    """A run id as a file-name part."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)
