"""Held rows (保留): quarantined rows that later months re-check until they can be delivered.

A row quarantined in month M is listed in M's ``QUARANTINE.CSV`` with the month it was first held.
Every later month's publish re-checks the rows still held (as of its own window end) and delivers
each once, in the first package that finds it valid, listing it in that package's ``CARRIED.CSV``.
So the held set before month M is read from the published packages alone:

    held(M) = rows in QUARANTINE.CSV of the ready packages before M
              − rows in CARRIED.CSV of every other ready package
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ssw_linkage.csv_format import read_rows
from ssw_linkage.months import DataMonth
from ssw_linkage.staging import MANIFEST, Staging

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


def _rows(package: Path, name: str) -> list[dict[str, str]]:
    path = package / name
    if not path.is_file():
        return []
    return read_rows(path, json.loads((package / MANIFEST).read_text(encoding="utf-8"))["encoding"])


def held_before(staging: Staging, month: DataMonth) -> list[HeldRow]:
    """The rows still held when ``month`` is published, oldest hold first per item."""
    ready = [m for m in staging.published_months() if m != month and staging.is_ready(m)]
    held: dict[tuple[int, str], DataMonth] = {}
    for earlier in (m for m in ready if m < month):
        for row in _rows(staging.package(earlier), QUARANTINE):
            key, since = (int(row["item"]), row["record_id"]), DataMonth.parse(row["held_since"])
            held[key] = min(held.get(key, since), since)
    for other in ready:
        for row in _rows(staging.package(other), CARRIED):
            held.pop((int(row["item"]), row["record_id"]), None)
    return sorted(HeldRow(item, record_id, since) for (item, record_id), since in held.items())
