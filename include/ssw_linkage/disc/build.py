"""Build a month's disc from its published package: cover sheet, conditions, checksums, ISO image.

    <staging>/disc/<YYYYMM>/COVER.PDF         the cover sheet to print and hand over with the disc
    <staging>/disc/<YYYYMM>/SSW_<YYYYMM>.ISO  the image to burn (disc-at-once)
    <staging>/disc/<YYYYMM>-r<n>/…            the same for revision n (2 or later), its cover sheet marked 第n版

The package is read, never changed. Every date in the image and the PDF is the data month's window end
(``as_of``), so two builds of the same package are byte-identical; only an encrypted image differs, in
its ZIP's random salts. Each image is checked with the receiver's ``verify`` before it is installed.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ssw_linkage.audit import AuditLog
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.disc import conditions, sealed
from ssw_linkage.disc.cover import DiscFile, cover_sheet
from ssw_linkage.disc.iso_image import write_image
from ssw_linkage.disc.layout import (
    CHECKSUMS,
    CONDITIONS,
    COVER,
    DATA_FILES,
    SEALED,
    checksums_text,
    image_name,
    sha256_bytes,
    volume_label,
)
from ssw_linkage.disc.sender import Sender
from ssw_linkage.disc.verify import verify_disc
from ssw_linkage.errors import IntegrityError, NotReady
from ssw_linkage.months import DataMonth
from ssw_linkage.package_checks import verify
from ssw_linkage.staging import MANIFEST, Staging, private_file, sha256_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Disc:
    """A built disc: where its image and cover sheet are, and the image's digest."""

    month: DataMonth
    image: Path
    cover: Path
    image_bytes: int
    image_sha256: str
    encrypted: bool
    revision: int = 1

    def summary(self) -> dict:
        """What the DAG task returns (no personal data, no password)."""
        return {
            "data_month": str(self.month),
            "image": str(self.image),
            "cover": str(self.cover),
            "bytes": self.image_bytes,
            "sha256": self.image_sha256,
            "encrypted": self.encrypted,
            "revision": self.revision,
        }


def as_of(month: DataMonth) -> datetime:
    """The moment a month's data is taken as of (its window end, JST): the date of its disc and cover sheet."""
    return month.end


def _published(staging: Staging, month: DataMonth) -> Path:
    if not staging.is_ready(month):
        raise NotReady(f"no published package for {month} in {staging.root}: run the month first")
    package = staging.package(month)
    problems = verify(package)
    if problems:
        raise IntegrityError(f"package {month} fails its checks, no disc built: {'; '.join(problems[:5])}")
    return package


def _data_files(package: Path, manifest: dict) -> list[DiscFile]:
    digests = {entry["file"]: (entry["bytes"], entry["sha256"]) for entry in manifest["items"]}
    digests[MANIFEST] = ((package / MANIFEST).stat().st_size, sha256_file(package / MANIFEST))
    return [DiscFile(name, *digests[name]) for name in DATA_FILES]


def edition(revision: int, trial: bool = False) -> str:
    """How the cover sheet names a revision: nothing for the first, ``第2版（r2・訂正）`` for the second;
    ``試験`` first for a trial run's (初回試験)."""
    text = "" if revision == 1 else f"第{revision}版（r{revision}・訂正）"
    return "・".join(part for part in ("試験" if trial else "", text) if part)


def build_disc(staging_root: Path, month: DataMonth, sender: Sender | None = None, password: str | None = None) -> Disc:
    """Build the disc of the month's current revision from its ready package (refused if it is missing or
    fails its checks)."""
    staging = Staging(staging_root).prepare()
    with staging.month_lock(month):
        package = _published(staging, month)
        revision = staging.revision(month)
        build = staging.build(month, f"disc-{os.getpid()}")
        with staging.working_in(build):
            try:
                trial = json.loads((package / MANIFEST).read_text(encoding="utf-8")).get("trial", False)
                _build(package, build, month, sender or Sender(), password, edition(revision, trial))
                final = staging.install_disc(build, month, revision)
            finally:
                shutil.rmtree(build, ignore_errors=True)
    image = final / image_name(month)
    disc = Disc(month, image, final / COVER, image.stat().st_size, sha256_file(image), bool(password), revision)
    AuditLog(staging.root).append(
        "built", month, revision, image_sha256=disc.image_sha256, cover_sha256=sha256_file(disc.cover)
    )
    log.info(
        "disc %s built: %s (%d bytes, SHA-256 %s), encrypted: %s",
        month,
        image,
        disc.image_bytes,
        disc.image_sha256,
        disc.encrypted,
    )
    return disc


def _build(package: Path, build: Path, month: DataMonth, sender: Sender, password: str | None, edition: str) -> None:
    manifest = json.loads((package / MANIFEST).read_text(encoding="utf-8"))
    moment = as_of(month)
    data = _data_files(package, manifest)
    terms = conditions.conditions_file(manifest["encoding"])
    image = build / image_name(month)
    with ExitStack() as files:
        if password:
            payload = build / SEALED
            inner = [(f.name, files.enter_context(open(package / f.name, "rb"))) for f in data]
            inner.append((CHECKSUMS, io.BytesIO(checksums_text((f.name, f.sha256) for f in data))))
            with private_file(payload) as out:
                sealed.seal(out, inner, password, moment)
            listed = [DiscFile(SEALED, payload.stat().st_size, sha256_file(payload))]
            listed += [DiscFile(f"{SEALED}/{f.name}", f.size, f.sha256) for f in data]
            large = {SEALED: payload}
        else:
            listed = list(data)
            large = {f.name: package / f.name for f in data}
        listed.append(DiscFile(CONDITIONS, len(terms), sha256_bytes(terms)))
        deadline = GovernmentCalendar.from_environment().deadline(month)
        cover = cover_sheet(manifest, listed, sender, deadline, moment, bool(password), edition)
        with private_file(build / COVER) as out:
            out.write(cover)

        small = {CONDITIONS: terms, COVER: cover}
        digests = [(f.name, f.sha256) for f in listed if "/" not in f.name] + [(COVER, sha256_bytes(cover))]
        small[CHECKSUMS] = checksums_text(digests)
        contents = [(name, files.enter_context(open(path, "rb")), path.stat().st_size) for name, path in large.items()]
        contents += [(name, io.BytesIO(content), len(content)) for name, content in small.items()]
        with private_file(image) as out:
            write_image(out, volume_label(month), contents, moment)
    (build / SEALED).unlink(missing_ok=True)

    report = verify_disc(image, lambda: password)
    if not report.ok:
        raise IntegrityError(f"disc {month} fails verify, not installed: {'; '.join(map(str, report.problems[:5]))}")
