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


def read_keys(package: Path, name: str) -> list[tuple[tuple[int, str], str]]:
    """((item, record_id), held_since) of each row of the named file of a package (none if it has no such file).
    The files are ours (ASCII ids, months and rule names), read by Arrow: a backfill's later months read
    dozens of them, and csv.DictReader took seconds."""
    if not (package / name).is_file():
        return []
    columns = {"item": pa.int64(), "record_id": pa.string(), "held_since": pa.string()}
    table = pacsv.read_csv(
        package / name,
        read_options=pacsv.ReadOptions(use_threads=False),
        convert_options=pacsv.ConvertOptions(include_columns=list(columns), column_types=columns),
    )
    keys = zip(table["item"].to_pylist(), table["record_id"].to_pylist(), strict=True)
    return list(zip(keys, table["held_since"].to_pylist(), strict=True))


def held_before(staging: Staging, month: DataMonth) -> list[HeldRow]:
    """The rows still held when ``month`` is published, oldest hold first per item."""
    ready = [staging.package(m) for m in staging.published_months() if m != month and staging.is_ready(m)]
    held: dict[tuple[int, str], str] = {}
    for earlier in (package for package in ready if package.name < month.compact):
        for key, since in read_keys(earlier, QUARANTINE):
            if key not in held or since < held[key]:  # YYYY-MM: text order is month order
                held[key] = since
    for other in ready:
        for key, _ in read_keys(other, CARRIED):
            held.pop(key, None)
    return sorted(HeldRow(item, record_id, DataMonth.parse(since)) for (item, record_id), since in held.items())
