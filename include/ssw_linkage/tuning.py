"""The extraction's tuning knobs, from the environment (README, "Configuration").

Read when a run uses them, not when a module is imported: a wrong value is one clear error of that run
(``UsageError``, before anything is extracted), not a traceback of every command.
"""

from __future__ import annotations

import os
import re

from ssw_linkage.errors import UsageError

_MEMORY = re.compile(r"\d+(kB|MB|GB|TB)?")  # PostgreSQL's memory units


def _count(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdecimal() or int(raw) < 1:
        raise UsageError(f"{name} must be a whole number of 1 or more, not {raw!r}")
    return int(raw)


def batch_rows() -> int:
    """Rows per batch of the checker (``SSW_BATCH_ROWS``, default 8,192): large enough to spread the cost of each
    vectorised step, small enough that memory stays flat whatever the month's size (about 2 kB a row at a batch's
    peak, one batch per extraction worker at a time). Peak RSS at 1M–5M events: 8,192 rows 165–170 MB; 4,096 rows
    147–152 MB, but +20% of the process's CPU at 5M events with two workers (twice the page faults)."""
    return _count("SSW_BATCH_ROWS", 8_192)


def extract_workers() -> int:
    """Items a run extracts at once (``SSW_EXTRACT_WORKERS``, default 2): one item's query runs in the database
    while another's rows are checked here."""
    return _count("SSW_EXTRACT_WORKERS", 2)


def extract_work_mem() -> str:
    """PostgreSQL's ``work_mem`` in an extraction's transaction (``SSW_EXTRACT_WORK_MEM``, default 64MB): the final
    sort of a large item in memory."""
    raw = os.environ.get("SSW_EXTRACT_WORK_MEM", "").strip()
    if not raw:
        return "64MB"
    if not _MEMORY.fullmatch(raw):
        raise UsageError(f"SSW_EXTRACT_WORK_MEM must be a PostgreSQL memory size such as 64MB, not {raw!r}")
    return raw


def check() -> None:
    """Every knob read once: a wrong value stops a run before it starts, not in the middle of it."""
    batch_rows()
    extract_workers()
    extract_work_mem()
