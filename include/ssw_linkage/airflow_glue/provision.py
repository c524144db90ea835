"""The monthly provision's task bodies: thin calls into the package, keyed on the run's data month."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ssw_linkage.airflow_glue import alerts, deadline_watch, runs, settings
from ssw_linkage.audit import acting_as


def extract_publish(context: Mapping[str, Any]) -> dict[str, Any]:
    """The run's data month (refused at once, without retries, if it has none or it is not over), then its
    eight items extracted (a few at a time), held rows carried over, reconciled and published:
    ``package.run_month``, exactly what ``ssw-linkage run`` does. The audit log names the run (and who
    triggered it) as the actor. Returns the month and counts only: the totals and each item's."""
    from ssw_linkage import package  # the extraction (psycopg, pyarrow): not for the DAG's other tasks

    run, month = context["dag_run"], runs.month_of(context)
    with acting_as(runs.actor(run)):
        manifest = package.run_month(
            settings.source_engine(),
            month,
            settings.staging_for(run),
            settings.encoding(),
            context["params"]["replace"],
            trial=runs.is_trial(run),
        )
    counts = [field.name for field in dataclasses.fields(package.ItemCounts)]  # an item's counts, no rows
    items = [{key: row[key] for key in counts} for row in manifest["items"]]
    return {"data_month": str(month), **manifest["totals"], "items": items}


def outcome(context: Mapping[str, Any]) -> dict[str, Any]:
    """The run's last word: one failure mail if anything failed (and fail, so the run shows failed);
    after a success, one "recovered" mail if a failure of the month had been mailed, and one "handed
    over" mail if a deadline alert had been."""
    run = context["dag_run"]
    month, scope = runs.describe(run)
    alerts.report_outcome(context, scope, month)
    if month is None:  # nothing failed, yet no month: only if someone marked extract_publish a success
        return {"data_month": None}
    if runs.is_trial(run):  # a trial is no month's delivery: the real month's mails are not its to send
        return {"data_month": str(month), "trial": True}
    link = runs.run_link(run.dag_id, run.run_id)
    return {
        "data_month": str(month),
        "recovered_mail": alerts.mail_recovered(context, month),
        "delivered_mail": deadline_watch.announce_delivered(month, link),
    }
