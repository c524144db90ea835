"""Build, reconcile and publish a month's package: eight CSV files, a quarantine list, a manifest.

A package is built in a private build directory and renamed into ``<staging>/<YYYYMM>/`` only
when every item succeeded; ``READY`` is written last. A published package is never replaced
silently: an identical rebuild is a no-op, a different one fails unless ``replace`` is given,
and then the old package is kept under ``<staging>/.superseded/``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import Engine

from ssw_linkage import source
from ssw_linkage.errors import IntegrityError, PackageConflict
from ssw_linkage.months import DataMonth
from ssw_linkage.spec import ITEMS, SPEC_VERSION, Item
from ssw_linkage.validate import RowChecker

log = logging.getLogger(__name__)

ENCODINGS = {"cp932": "cp932", "utf-8-bom": "utf-8-sig"}
MANIFEST = "MANIFEST.JSON"
QUARANTINE = "QUARANTINE.CSV"
READY = "READY"
QUARANTINE_HEADER = ("item", "record_id", "violations")
PROGRESS_EVERY = 100_000


@dataclass(frozen=True)
class ItemCounts:
    item: int
    extracted: int
    written: int
    quarantined: int


def codec(encoding: str) -> str:
    try:
        return ENCODINGS[encoding]
    except KeyError:
        raise ValueError(f"unknown encoding {encoding!r}; choose one of {sorted(ENCODINGS)}") from None


def _private_writer(path: Path, python_codec: str):
    """Open a file for writing, readable by its owner only (0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return open(fd, "w", encoding=python_codec, newline="")


def _csv(handle) -> csv.writer:
    return csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")


def _quarantine_part(build_dir: Path, item: Item) -> Path:
    return build_dir / f"{item.file_name}.quarantine"


def build_dir(staging: Path, month: DataMonth, run_key: str) -> Path:
    """A private build directory for one run of one month (created if missing)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in run_key)
    path = staging / ".build" / f"{month.compact}-{safe}"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for parent in (staging, staging / ".build"):
        parent.chmod(0o700)
    return path


def extract_item(
    engine: Engine,
    item: Item,
    month: DataMonth,
    build: Path,
    encoding: str = "cp932",
    progress: Callable[[int, int], None] | None = None,
) -> ItemCounts:
    """Stream one item's rows, validate them, and write its CSV and quarantine part into ``build``."""
    target = build / item.file_name
    partial = target.with_name(target.name + ".partial")
    rejected = _quarantine_part(build, item)
    extracted = written = quarantined = 0
    with (
        source.stream(engine, item.sql, source.window_params(engine, month)) as (keys, rows),
        _private_writer(partial, codec(encoding)) as out,
        _private_writer(rejected, codec(encoding)) as bad,
    ):
        checker = RowChecker(item, keys, codec(encoding), month)
        writer, quarantine = _csv(out), _csv(bad)
        writer.writerow(item.headers)
        for row in rows:
            extracted += 1
            texts, violations = checker.check(row)
            if violations:
                quarantine.writerow((item.number, texts[0], ";".join(violations)))
                quarantined += 1
            else:
                writer.writerow(texts)
                written += 1
            if progress and extracted % PROGRESS_EVERY == 0:
                progress(item.number, extracted)
    os.replace(partial, target)
    counts = ItemCounts(item.number, extracted, written, quarantined)
    log.info("item %d: extracted=%d written=%d quarantined=%d", item.number, extracted, written, quarantined)
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _data_rows(path: Path, encoding: str) -> int:
    with open(path, encoding=codec(encoding), newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def reconcile(build: Path, counts: list[ItemCounts], encoding: str) -> None:
    """Check every item's counts add up and match the rows actually on disk."""
    by_item = {c.item: c for c in counts}
    if sorted(by_item) != [i.number for i in ITEMS]:
        raise IntegrityError(f"expected counts for items 1..{len(ITEMS)}, got {sorted(by_item)}")
    for item in ITEMS:
        c = by_item[item.number]
        on_disk = _data_rows(build / item.file_name, encoding)
        held = _data_rows(_quarantine_part(build, item), encoding) + 1
        if c.extracted != c.written + c.quarantined or on_disk != c.written or held != c.quarantined:
            raise IntegrityError(
                f"item {item.number}: extracted {c.extracted}, written {c.written} ({on_disk} on disk), "
                f"quarantined {c.quarantined} ({held} on disk)"
            )


def _merge_quarantine(build: Path, encoding: str) -> Path:
    merged = build / QUARANTINE
    with _private_writer(merged, codec(encoding)) as out:
        _csv(out).writerow(QUARANTINE_HEADER)
        for item in ITEMS:
            part = _quarantine_part(build, item)
            with open(part, encoding=codec(encoding), newline="") as rows:
                shutil.copyfileobj(rows, out)
            part.unlink()
    return merged


def _manifest(build: Path, month: DataMonth, counts: list[ItemCounts], encoding: str) -> dict:
    by_item = {c.item: c for c in counts}
    quarantine = build / QUARANTINE
    return {
        "format": "ssw-linkage-package/1",
        "spec_version": SPEC_VERSION,
        "data_month": str(month),
        "window": {"start": month.start.isoformat(), "end": month.end.isoformat(), "timezone": "Asia/Tokyo"},
        "encoding": encoding,
        "items": [
            {
                **asdict(by_item[item.number]),
                "title": item.title_ja,
                "file": item.file_name,
                "bytes": (build / item.file_name).stat().st_size,
                "sha256": _sha256(build / item.file_name),
            }
            for item in ITEMS
        ],
        "quarantine": {
            "file": QUARANTINE,
            "rows": sum(c.quarantined for c in counts),
            "sha256": _sha256(quarantine),
        },
        "totals": {key: sum(getattr(c, key) for c in counts) for key in ("extracted", "written", "quarantined")},
    }


def _write_ready(package: Path) -> None:
    """The last step of a publish: READY holds the manifest's SHA-256."""
    with _private_writer(package / READY, "ascii") as f:
        f.write(_sha256(package / MANIFEST) + "\n")


def publish(
    build: Path, staging: Path, month: DataMonth, counts: list[ItemCounts], encoding: str, replace: bool = False
) -> dict:
    """Reconcile, write the manifest, and move the build into ``staging/<YYYYMM>``; return the manifest."""
    reconcile(build, counts, encoding)
    _merge_quarantine(build, encoding)
    manifest = _manifest(build, month, counts, encoding)
    manifest_text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    with _private_writer(build / MANIFEST, "utf-8") as f:
        f.write(manifest_text)
    final = staging / month.compact
    if final.exists():
        if (final / MANIFEST).exists() and (final / MANIFEST).read_text(encoding="utf-8") == manifest_text:
            shutil.rmtree(build)
            if not (final / READY).exists():  # a publish interrupted before its last step
                _write_ready(final)
            log.info("package %s unchanged: already published with identical content", month)
            return manifest
        if not replace:
            shutil.rmtree(build)
            raise PackageConflict(
                f"a different package for {month} is already in staging ({final.name}); "
                "rerun with replace to supersede it (the old one is kept in .superseded/)"
            )
        superseded = staging / ".superseded"
        superseded.mkdir(mode=0o700, exist_ok=True)
        old_digest = _sha256(final / MANIFEST)[:12] if (final / MANIFEST).exists() else "incomplete"
        os.rename(final, superseded / f"{month.compact}-{old_digest}")
        log.warning("package %s superseded; previous copy kept as .superseded/%s-%s", month, month.compact, old_digest)
    os.rename(build, final)
    _write_ready(final)
    log.info("package %s published: %s", month, manifest["totals"])
    return manifest


def is_ready(staging: Path, month: DataMonth) -> bool:
    """Whether the month's package is published (its READY marker exists)."""
    return (staging / month.compact / READY).exists()


def missing_months(staging: Path, first: DataMonth, last: DataMonth) -> list[DataMonth]:
    """Data months from ``first`` to ``last`` with no published package: the ones to backfill."""
    return [month for month in first.until(last) if not is_ready(staging, month)]


def run_month(
    engine: Engine,
    month: DataMonth,
    staging: Path,
    encoding: str = "cp932",
    replace: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Extract all eight items for a month and publish the package (the CLI's path)."""
    codec(encoding)
    staging.mkdir(mode=0o700, parents=True, exist_ok=True)
    build = build_dir(staging, month, f"cli-{os.getpid()}")
    try:
        # Two at a time: one item's query runs in the database while another's rows are checked here.
        with ThreadPoolExecutor(max_workers=2) as pool:
            counts = list(pool.map(lambda item: extract_item(engine, item, month, build, encoding, progress), ITEMS))
        return publish(build, staging, month, counts, encoding, replace)
    finally:
        shutil.rmtree(build, ignore_errors=True)
