"""Held rows (保留): quarantined rows that later months re-check until they can be delivered.

A row quarantined in month M is listed in M's ``QUARANTINE.CSV`` with the month it was first held.
Every later month's publish re-checks the rows still held (as of its own window end) and delivers
each once, in the first package that finds it valid, listing it in that package's ``CARRIED.CSV``.
So the held set before month M is read from the published packages alone:

    held(M) = rows in QUARANTINE.CSV of the ready packages before M
              − rows in CARRIED.CSV of every other ready package
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ssw_linkage._lazy import pa, pacsv
from ssw_linkage.months import DataMonth
from ssw_linkage.staging import Staging

QUARANTINE = "QUARANTINE.CSV"
CARRIED = "CARRIED.CSV"
QUARANTINE_HEADER = ("item", "record_id", "held_since", "violations")
CARRIED_HEADER = ("item", "record_id", "held_since", "outcome")
DELIVERED, NO_LONGER_SELECTED = "delivered", "no_longer_selected"


@dataclass(frozen=True, order=True)
class HeldRow:
    item: int
    record_id: str
    held_since: DataMonth

    @property
    def source_id(self) -> int:
        """The numeric id inside the opaque record id (``SP123`` → 123)."""
        return int(self.record_id[2:])


def read_keys(packages: list[Path], name: str) -> pa.Table:
    """(item, record_id, held_since) of the named file of each package, as one table. The files are ours:
    ASCII ids, months and rule names, read by Arrow (a backfill's later months read dozens of them)."""
    columns = {"item": pa.int64(), "record_id": pa.string(), "held_since": pa.string()}
    options = {
        "read_options": pacsv.ReadOptions(use_threads=False),
        "convert_options": pacsv.ConvertOptions(include_columns=list(columns), column_types=columns),
    }
    tables = [pacsv.read_csv(package / name, **options) for package in packages if (package / name).is_file()]
    return pa.concat_tables(tables) if tables else pa.table({c: pa.array([], t) for c, t in columns.items()})


def held_before(staging: Staging, month: DataMonth) -> list[HeldRow]:
    """The rows still held when ``month`` is published, oldest hold first per item."""
    ready = [staging.package(m) for m in staging.published_months() if m != month and staging.is_ready(m)]
    earlier = [package for package in ready if package.name < month.compact]
    held = read_keys(earlier, QUARANTINE).group_by(["item", "record_id"]).aggregate([("held_since", "min")])
    carried = read_keys(ready, CARRIED)
    key = ("item", "record_id")
    held = held.join(carried.select(key), keys=list(key), join_type="left anti")
    held = held.sort_by([("item", "ascending"), ("record_id", "ascending")])
    return [
        HeldRow(item, record_id, DataMonth.parse(since))
        for item, record_id, since in zip(*(held[c].to_pylist() for c in (*key, "held_since_min")), strict=True)
    ]
