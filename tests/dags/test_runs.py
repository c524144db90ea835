"""The one rule for a run's data month, and the names people see for runs and tasks."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ssw_linkage.airflow_glue import runs
from ssw_linkage.months import JST, DataMonth

NOW = datetime(2026, 11, 28, 10, tzinfo=JST)
MAY, NOVEMBER = DataMonth(2026, 5), DataMonth(2026, 11)


def month(run_type, logical_date=None, interval=None, conf=None) -> str:
    start, end = (interval.start, interval.end) if interval else (None, None)
    return str(runs.month_of_run(run_type, logical_date, start, end, conf, NOW))


def refused(*args, **kwargs) -> str:
    with pytest.raises(runs.RunRefused) as error:
        month(*args, **kwargs)
    return str(error.value)


def test_scheduled_and_backfill_runs_take_their_interval_which_must_be_the_month():
    assert month("scheduled", MAY.start, MAY) == "2026-05"
    assert month("backfill", MAY.start, MAY, {"data_month": "2026-01"}) == "2026-05"  # conf: manual runs only
    assert "is not the JST data month 2026-05" in refused("backfill", MAY.start, MAY.next())


def test_manual_runs_take_the_data_month_given_else_the_logical_dates_month_in_jst():
    # `airflow dags trigger --logical-date …`: Airflow infers the interval from the trigger time
    assert month("manual", datetime(2026, 5, 31, 23, tzinfo=JST), NOVEMBER) == "2026-05"
    assert month("manual", datetime(2026, 5, 31, 15, 30, tzinfo=ZoneInfo("UTC")), NOVEMBER) == "2026-06"
    assert month("manual", NOW, NOVEMBER, {"data_month": "2026-05"}) == "2026-05"  # the UI's "now" and form
    assert month("manual", None, None, {"data_month": "202605"}) == "2026-05"
    assert month("manual", MAY.start, MAY, {"data_month": "2026-05"}) == "2026-05"


def test_runs_that_cannot_produce_a_package_are_refused_with_what_to_do():
    text = refused("manual")
    assert "no data month" in text and '--conf \'{"data_month": "2026-10"}\'' in text
    text = refused("manual", NOW, NOVEMBER)
    assert "2026-11 is not over yet" in text and '"data_month": "2026-10"' in text
    assert "is 2026-04" in refused("manual", MAY.start, MAY, {"data_month": "2026-04"})
    assert "give it as YYYY-MM" in refused("manual", None, None, {"data_month": "May"})


def test_labels_follow_the_ui():
    assert runs.task_labels([("extract_publish", -1), ("build_disc", -1), ("extract_publish", -1)]) == (
        "extract_publish, build_disc"
    )
    assert runs.task_labels([("prepare_batch", 2), ("prepare_batch", 3)]) == "prepare_batch [2], prepare_batch [3]"
    link = runs.run_link("d", "manual__2026-05-15T03:00:00+00:00")
    assert link.endswith("/dags/d/runs/manual__2026-05-15T03%3A00%3A00%2B00%3A00")
