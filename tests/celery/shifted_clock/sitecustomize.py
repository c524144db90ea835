"""The deadline clock of the Celery topology test, and only of it: this directory is on the PYTHONPATH of
the topology's processes (never of a deployment, nor of pytest itself).

``ssw_linkage.airflow_glue.deadline_watch.clock`` (what the deadline sensors and their trigger read as
"now") runs ahead of, or behind, the real clock by the seconds written in ``$SSW_TEST_CLOCK_FILE``, read
at every call: the test puts a finished month's alert time a little ahead of the sensors on any day of
the year, sees them deferred in the triggerer, then moves that time to some seconds from now. Airflow
itself (scheduling, heartbeats, tokens) and the rest of the project keep the real clock.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from importlib.abc import MetaPathFinder
from importlib.machinery import PathFinder
from pathlib import Path

MODULE = "ssw_linkage.airflow_glue.deadline_watch"


def _shifted(real, offset_file: Path):
    def clock():
        return real() + timedelta(seconds=float(offset_file.read_text()))

    return clock


class _ShiftTheDeadlineClock(MetaPathFinder):
    """Finds the module as Python would, and replaces its ``clock`` once it is loaded."""

    def find_spec(self, name, path=None, target=None):
        if name != MODULE:
            return None
        spec = PathFinder.find_spec(name, path)
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            module.clock = _shifted(module.clock, Path(os.environ["SSW_TEST_CLOCK_FILE"]))

        spec.loader.exec_module = exec_module
        return spec


if os.environ.get("SSW_TEST_CLOCK_FILE"):
    sys.meta_path.insert(0, _ShiftTheDeadlineClock())
