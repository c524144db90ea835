"""Revisions of a month already notified to MHLW: r2, r3, … beside r1, never a silent replacement.

Once a month's current package has been notified, a publish with different results keeps that
package as ``<staging>/.revisions/YYYYMM/r<n>/`` and installs the new one as revision n+1; the diff
against the previous revision (rows added, removed and changed per item, by opaque record id) is kept
as ``.revisions/YYYYMM/DIFF-r<n+1>.json``, and the new revision gets its own disc, cover sheet,
notice and audit entries. Before the notice, ``replace`` supersedes as it always did.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

from ssw_linkage.csv_format import codec
from ssw_linkage.months import DataMonth
from ssw_linkage.spec import ITEMS, Item
from ssw_linkage.staging import MANIFEST, Staging, write_atomically


def _rows_by_id(package: Path, item: Item) -> dict[str, str]:
    """Record id → digest of the row, for one item file of a package."""
    encoding = json.loads((package / MANIFEST).read_text(encoding="utf-8"))["encoding"]
    key = [c.key for c in item.columns].index("record_id")
    with open(package / item.file_name, encoding=codec(encoding), newline="") as f:
        rows = csv.reader(f)
        next(rows)
        return {row[key]: hashlib.sha256("\x1f".join(row).encode("utf-8")).hexdigest() for row in rows}


def diff(old: Path, new: Path) -> dict[str, dict[str, Any]]:
    """Per item: the opaque record ids added, removed and changed from package ``old`` to ``new``."""
    result = {}
    for item in ITEMS:
        before, after = _rows_by_id(old, item), _rows_by_id(new, item)
        result[str(item.number)] = {
            "added": sorted(after.keys() - before.keys()),
            "removed": sorted(before.keys() - after.keys()),
            "changed": sorted(k for k in before.keys() & after.keys() if before[k] != after[k]),
        }
    return result


def diff_path(staging: Staging, month: DataMonth, revision: int) -> Path:
    return staging.root / ".revisions" / month.compact / f"DIFF-r{revision}.json"


def write_diff(staging: Staging, month: DataMonth) -> dict[str, Any]:
    """Diff the month's current revision (2 or later) against the one kept before it, keep it, and
    return its summary: counts per item only."""
    revision = staging.revision(month)
    ids = diff(staging.kept_revision(month, revision - 1), staging.package(month))
    record = {"data_month": str(month), "revision": revision, "from_revision": revision - 1, "items": ids}
    data = (json.dumps(record, indent=2, sort_keys=True) + "\n").encode("utf-8")
    write_atomically(diff_path(staging, month, revision), data)
    return summary(record)


def summary(record: dict[str, Any]) -> dict[str, Any]:
    """A diff as counts per item (what the notice and the audit log carry)."""
    counts = {item: {kind: len(ids) for kind, ids in c.items()} for item, c in record["items"].items()}
    return {"from_revision": record["from_revision"], "items": counts}


def read_summary(staging: Staging, month: DataMonth, revision: int) -> dict[str, Any] | None:
    """The diff summary of ``revision`` of ``month``, or None for r1."""
    path = diff_path(staging, month, revision)
    return summary(json.loads(path.read_text(encoding="utf-8"))) if revision > 1 and path.is_file() else None
