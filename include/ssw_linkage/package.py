"""Build, reconcile and publish a month's package: eight CSV files, held rows, a manifest, READY.

Each item is extracted into a private build directory. Publishing (one month at a time, under
locks, after the runs of earlier months in progress) re-checks the rows held by earlier months,
reconciles every count against the files on disk, writes the manifest, moves the build into
``<staging>/<YYYYMM>/`` and writes ``READY`` (the manifest's SHA-256) last, atomically. A published
package is never replaced silently: an identical rebuild is a no-op once every file is verified
against the manifest, a damaged package is set aside and rebuilt, a different one is refused unless
``replace`` is given.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, astuple, dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine

from ssw_linkage import accounting, csv_format, revisions, source, tuning
from ssw_linkage.audit import AuditLog
from ssw_linkage.carryover import (
    CARRIED,
    CARRIED_HEADER,
    DELIVERED,
    NO_LONGER_SELECTED,
    QUARANTINE,
    QUARANTINE_HEADER,
    HeldRow,
    held_before,
    read_keys,
)
from ssw_linkage.columnar import write_checked
from ssw_linkage.csv_format import ENCODINGS, codec
from ssw_linkage.delivery import Delivery
from ssw_linkage.errors import IntegrityError, PackageConflict, SswError
from ssw_linkage.months import DataMonth
from ssw_linkage.package_checks import check_and_keep, check_package, package_files, verify
from ssw_linkage.spec import ITEMS, SPEC_VERSION, Item
from ssw_linkage.staging import MANIFEST, READY, Staging, private_file, sha256_file
from ssw_linkage.validate import BatchChecker

log = logging.getLogger(__name__)
T = TypeVar("T")
# Items by the rows a month usually holds, most first (item 3 has from two in five to three in four): started in
# this order, the long ones never wait behind the short ones for a worker.
MOST_ROWS_FIRST = (3, 6, 1, 5, 2, 4, 7, 8)

__all__ = [
    "CARRIED", "ENCODINGS", "MANIFEST", "QUARANTINE", "READY",
    "ItemCounts", "package_files", "run_month", "verify",
]


@dataclass(frozen=True)
class ItemCounts:
    """One item's rows: its window's (extracted = written + quarantined) and, once published, the
    held rows of earlier months it re-checked (carried_over + still_held + released)."""

    item: int
    extracted: int
    written: int
    quarantined: int
    carried_over: int = 0
    still_held: int = 0
    released: int = 0


def _each_item(work: Callable[[Item], T]) -> list[T]:
    """``work(item)`` for every item, ``tuning.extract_workers()`` at a time, most rows first; the results in item
    order."""
    with ThreadPoolExecutor(max_workers=tuning.extract_workers()) as pool:
        futures = {number: pool.submit(work, ITEMS[number - 1]) for number in MOST_ROWS_FIRST}
        return [futures[item.number].result() for item in ITEMS]


def _quarantine_part(build: Path, item: Item) -> Path:
    return build / f"{item.file_name}.quarantine"


def extract_item(
    engine: Engine,
    item: Item,
    month: DataMonth,
    build: Path,
    encoding: str = "cp932",
    progress: Callable[[int, int], None] | None = None,
) -> ItemCounts:
    """Stream one item's rows of the month's window, check them, write its CSV and held part."""
    python_codec = codec(encoding)
    target = build / item.file_name
    partial = target.with_name(target.name + ".partial")
    with (
        source.batches(engine, item.sql, source.window_params(engine, month)) as (keys, batches),
        private_file(partial, python_codec) as out,
        private_file(_quarantine_part(build, item), python_codec) as held,
    ):
        csv_format.writer(out).writerow(item.headers)
        checker = BatchChecker(item, keys, python_codec, month)
        written = write_checked(batches, checker, out, held, lambda _: str(month), progress)
    os.replace(partial, target)
    check_and_keep(target, item.headers, written.delivered, encoding)  # while other items are extracted
    counts = ItemCounts(item.number, written.delivered + written.held, written.delivered, written.held)
    log.info("item %d: extracted=%d written=%d quarantined=%d", item.number, *astuple(counts)[1:4])
    return counts


def _carry_over(
    engine: Engine, month: DataMonth, build: Path, held: list[HeldRow], encoding: str, counts: list[ItemCounts]
) -> list[ItemCounts]:
    """Re-check the held rows of earlier months as of this month's window end (items a few at a time): append
    the valid ones to the item files, keep the others held, and list every outcome in ``CARRIED.CSV``."""
    python_codec = codec(encoding)

    def recheck(item: Item) -> tuple[dict[str, str], list[str], list[str]]:
        """(held since by record id, record ids delivered, record ids still held)."""
        rows = [h for h in held if h.item == item.number]
        if not rows:
            return {}, [], []
        since = {h.record_id: str(h.held_since) for h in rows}
        params = source.carry_params(engine, month, sorted(h.source_id for h in rows))
        with (
            source.batches(engine, item.sql, params) as (keys, selected),
            private_file(build / item.file_name, python_codec, append=True) as out,
            private_file(_quarantine_part(build, item), python_codec, append=True) as still,
        ):
            checker = BatchChecker(item, keys, python_codec, month)
            written = write_checked(selected, checker, out, still, since.__getitem__, delivered_ids=True)
        return since, written.delivered_ids, written.held_ids

    rechecked = _each_item(recheck)
    results = []
    with private_file(build / CARRIED, python_codec) as carried_file:
        carried = csv_format.writer(carried_file)
        carried.writerow(CARRIED_HEADER)
        for item, item_counts, (since, delivered, kept) in zip(ITEMS, counts, rechecked, strict=True):
            released = sorted(set(since) - set(delivered) - set(kept))
            for record_id in delivered:
                carried.writerow((item.number, record_id, since[record_id], DELIVERED))
            for record_id in released:
                carried.writerow((item.number, record_id, since[record_id], NO_LONGER_SELECTED))
            outcome = {"carried_over": len(delivered), "still_held": len(kept), "released": len(released)}
            results.append(dataclasses.replace(item_counts, **outcome))
    return results


def _data_rows(path: Path, encoding: str) -> int:
    """Rows after the header, by counting line ends: no field holds a CR or LF (the control_character rule),
    and neither encoding has a byte 0x0A inside a character. (check_package reads each line in full.)"""
    codec(encoding)
    with open(path, "rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b"")) - 1


def reconcile(build: Path, counts: list[ItemCounts], encoding: str) -> None:
    """Check every item's counts add up and match the rows actually on disk."""
    if [c.item for c in counts] != [i.number for i in ITEMS]:
        raise IntegrityError(f"expected counts for items 1..{len(ITEMS)} in order, got {[c.item for c in counts]}")
    for item, c in zip(ITEMS, counts, strict=True):
        on_disk = _data_rows(build / item.file_name, encoding)
        held = _data_rows(_quarantine_part(build, item), encoding) + 1
        if (
            c.extracted != c.written + c.quarantined
            or on_disk != c.written + c.carried_over
            or held != c.quarantined + c.still_held
        ):
            raise IntegrityError(
                f"item {item.number}: counts do not reconcile: {asdict(c)}, "
                f"{on_disk} rows in {item.file_name}, {held} held rows on disk"
            )


def _merge_quarantine(build: Path, encoding: str) -> None:
    with private_file(build / QUARANTINE, codec(encoding)) as out:
        csv_format.writer(out).writerow(QUARANTINE_HEADER)
        for item in ITEMS:
            part = _quarantine_part(build, item)
            with open(part, encoding=codec(encoding), newline="") as rows:
                shutil.copyfileobj(rows, out)
            part.unlink()


def _held_by_age(build: Path, month: DataMonth) -> dict[str, int]:
    ages = Counter(month.months_since(DataMonth.parse(since)) for _, since in read_keys(build, QUARANTINE))
    return {str(age): ages[age] for age in sorted(ages)}


def _manifest(build: Path, month: DataMonth, counts: list[ItemCounts], encoding: str) -> dict:
    def file_entry(name: str) -> dict:
        return {"file": name, "bytes": (build / name).stat().st_size, "sha256": sha256_file(build / name)}

    held = sum(c.quarantined + c.still_held for c in counts)
    return {
        "format": "ssw-linkage-package/2",
        "spec_version": SPEC_VERSION,
        "data_month": str(month),
        "window": {"start": month.start.isoformat(), "end": month.end.isoformat(), "timezone": "Asia/Tokyo"},
        "encoding": encoding,
        "items": [
            {**asdict(c), "title": item.title_ja, **file_entry(item.file_name)}
            for item, c in zip(ITEMS, counts, strict=True)
        ],
        "held": {**file_entry(QUARANTINE), "rows": held, "by_age_months": _held_by_age(build, month)},
        "carried": {
            **file_entry(CARRIED),
            "rows": sum(c.carried_over + c.released for c in counts),
        },
        "totals": {
            key: sum(getattr(c, key) for c in counts)
            for key in ("extracted", "written", "quarantined", "carried_over", "still_held", "released")
        },
    }


def _publish_locked(
    engine: Engine,
    staging: Staging,
    build: Path,
    month: DataMonth,
    counts: list[ItemCounts],
    encoding: str,
    replace: bool,
    trial: bool,
    routes: dict[str, accounting.Routes],
) -> dict:
    _refuse_purged(staging, month)
    accounts = accounting.account(month, {c.item: c.extracted for c in counts}, routes)
    counts = _carry_over(engine, month, build, held_before(staging, month), encoding, counts)
    reconcile(build, counts, encoding)
    _merge_quarantine(build, encoding)
    manifest = {**_manifest(build, month, counts, encoding), "accounting": accounts}
    if trial:
        manifest["trial"] = True  # 試験: the first delivery's trial run, never a month's delivery
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    with private_file(build / MANIFEST) as f:
        f.write(manifest_bytes)
    problems = check_package(build, manifest, encoding)
    if problems:
        raise IntegrityError(f"package {month} fails its checks, not published: {'; '.join(problems[:5])}")
    final = staging.package(month)
    if final.exists():
        damage = verify(final)
        same = (final / MANIFEST).is_file() and (final / MANIFEST).read_bytes() == manifest_bytes
        if same and not damage:
            if not staging.is_ready(month):  # a publish interrupted before its last step
                staging.mark_ready(month)
            log.info("package %s unchanged: every file verified against the published manifest", month)
            _audit(staging, "verified", month, staging.revision(month), manifest_sha256=sha256_file(final / MANIFEST))
            return manifest
        if same or (damage and replace):
            kept = staging.set_aside(month, damaged=True)
            log.warning("package %s was damaged (%s); rebuilt, damaged copy kept as %s", month, damage, kept.name)
        elif _notified(staging, month):
            _keep_notified_revision(staging, month)
        elif not replace:
            raise PackageConflict(
                f"a different package for {month} is already in staging ({final.name})"
                + (f", and it is damaged ({'; '.join(damage)})" if damage else "")
                + "; rerun with --replace to supersede it (the old one is kept in .superseded/)"
            )
        else:
            previous = sha256_file(final / MANIFEST)
            kept = staging.set_aside(month, damaged=False)
            log.warning("package %s superseded; previous copy kept as %s", month, kept.name)
            _audit(staging, "superseded", month, staging.revision(month), manifest_sha256=previous, kept_as=kept.name)
    staging.install(build, month)
    revision = staging.revision(month)
    changes = {"changes": revisions.write_diff(staging, month)} if revision > 1 else {}
    log.info("package %s r%d published: %s", month, revision, manifest["totals"])
    facts = {"manifest_sha256": sha256_file(final / MANIFEST), "totals": manifest["totals"], **changes}
    _audit(staging, "ready", month, revision, **facts)
    return manifest


def _refuse_purged(staging: Staging, month: DataMonth) -> None:
    """A month whose data was purged after its handover is never published again."""
    purged = Delivery(staging.root, month).purged()
    if purged:
        raise PackageConflict(f"{month} was handed over and its data purged on {purged['purged_at']}; not rebuilt")


def _notified(staging: Staging, month: DataMonth) -> bool:
    """Whether MHLW has been told the month's current package is ready (then it is never replaced)."""
    return Delivery(staging.root, month).notified(staging.revision(month))


def _keep_notified_revision(staging: Staging, month: DataMonth) -> None:
    """Keep the notified package as its revision; the package being published becomes the next one."""
    revision = staging.revision(month)
    previous = sha256_file(staging.package(month) / MANIFEST)
    kept = staging.keep_revision(month)
    log.warning("package %s r%d was notified: kept as %s; the new results become r%d",
                month, revision, kept, revision + 1)
    _audit(staging, "superseded", month, revision, manifest_sha256=previous, kept_as=f"r{revision}")


def _audit(staging: Staging, event: str, month: DataMonth, revision: int, **facts) -> None:
    AuditLog(staging.root).append(event, month, revision, **facts)



def run_month(
    engine: Engine,
    month: DataMonth,
    staging_root: Path,
    encoding: str = "cp932",
    replace: bool = False,
    progress: Callable[[int, int], None] | None = None,
    trial: bool = False,
) -> dict:
    """Extract all eight items for a month and publish the package (``ssw-linkage run`` and the DAG's
    ``extract_publish`` task alike)."""
    codec(encoding)
    tuning.check()
    month.require_over()
    staging = Staging(staging_root).prepare()
    with staging.month_lock(month):
        build = staging.build(month, f"run-{os.getpid()}")
        with staging.working_in(build):
            staging.remove_dead_builds(month, keep=build.name)
            try:
                def extract(item: Item) -> ItemCounts:
                    try:
                        return extract_item(engine, item, month, build, encoding, progress)
                    except SswError as error:  # name the item: the CLI's one line and the DAG's failure mail
                        raise type(error)(f"item {item.number}: {error}") from error

                # Items a few at a time (SSW_EXTRACT_WORKERS): one item's query runs in the database while
                # another's rows are checked here; the accounting's queries meanwhile, on a connection of their own.
                with ThreadPoolExecutor(max_workers=1) as accountant:
                    routes = accountant.submit(accounting.query_routes, engine, month)
                    counts = _each_item(extract)
                    routes = routes.result()
                staging.wait_for_earlier_months(month)
                with staging.publish_lock():
                    return _publish_locked(engine, staging, build, month, counts, encoding, replace, trial, routes)
            finally:
                staging.discard_build(build)


def is_ready(staging_root: Path, month: DataMonth) -> bool:
    """Whether the month's package is published: READY holds its manifest's SHA-256."""
    return Staging(staging_root).is_ready(month)


def missing_months(staging_root: Path, first: DataMonth, last: DataMonth) -> list[DataMonth]:
    """Data months from ``first`` to ``last`` with no ready package: the ones to backfill."""
    staging = Staging(staging_root)
    return [month for month in first.until(last) if not staging.is_ready(month)]
