"""Writing checked batches: valid rows to the item's CSV file, the others to its held rows, counting both.

Each batch's valid rows are written as one block of bytes in the files' encoding (CP932 or UTF-8), the
rows that break a rule one by one to the held part with their ``column:rule`` names. The counts are of
the rows written; ``package_checks.check_package`` reads every file again before READY (a block of lines at a time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TextIO

from ssw_linkage import csv_format
from ssw_linkage._lazy import np, pa, pc
from ssw_linkage.validate import Batch, BatchChecker, CheckedBatch, encode

PROGRESS_EVERY = 100_000


@dataclass
class Written:
    """What ``write_checked`` wrote: rows delivered and held, and the record ids of the held rows (and of the
    delivered ones, when asked for)."""

    delivered: int = 0
    held: int = 0
    held_ids: list[str] = field(default_factory=list)
    delivered_ids: list[str] | None = None


def write_checked(
    batches: Iterable[Batch],
    checker: BatchChecker,
    out: TextIO,
    held: TextIO,
    held_since: Callable[[str], str],
    progress: Callable[[int, int], None] | None = None,
    delivered_ids: bool = False,
) -> Written:
    """Check each batch; write valid rows to ``out`` and the others to ``held`` (both text files in the
    files' encoding, ``out`` with its header already written)."""
    written = Written(delivered_ids=[] if delivered_ids else None)
    quarantine = csv_format.writer(held)
    number = checker.item.number

    def write(checked: CheckedBatch) -> None:
        good = ~checked.bad
        if checked.encoded is not None:
            data = checked.encoded
        else:
            data = encode(pc.filter(checked.lines, pa.array(good)), checker.encoding)
        out.buffer.write(data)
        ids = checked.texts[0]
        if checked.violations:
            bad_ids = pc.filter(ids, pa.array(checked.bad)).to_pylist()
            for row, record_id in zip(np.flatnonzero(checked.bad), bad_ids, strict=True):
                quarantine.writerow((number, record_id, held_since(record_id), ";".join(checked.violations[row])))
            written.held_ids += bad_ids
        done = written.delivered + written.held
        written.held += len(checked.violations)
        written.delivered += checked.rows - len(checked.violations)
        if written.delivered_ids is not None:
            kept = ids if checked.encoded is not None else pc.filter(ids, pa.array(good))
            written.delivered_ids += kept.to_pylist()
        if progress:
            for n in range(done // PROGRESS_EVERY + 1, (done + checked.rows) // PROGRESS_EVERY + 1):
                progress(number, n * PROGRESS_EVERY)

    out.flush()  # the header, through the text layer; rows go to the binary buffer below it
    for checked in map(checker.check, batches):  # map keeps no batch once it is checked,
        write(checked)
        del checked  # nor this loop a checked one while the next batch is read: one batch in memory, not two
    out.buffer.flush()
    return written
