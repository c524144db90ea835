"""What happened to a month's package after it was built: notified, handed over or rejected, purged.

    <staging>/.delivery/YYYYMM/r<n>.notified        the readiness notice of revision n (claimed before sending)
    <staging>/.delivery/YYYYMM/r<n>.handover.json   the handover record of revision n (receiver, time, serial …)
    <staging>/.delivery/YYYYMM/r<n>.rejected-<k>.json  the k-th refusal of revision n, with its reason
    <staging>/.delivery/YYYYMM/purged.json          when and what the retention purge removed

A month counts as delivered once any of its revisions has a handover record. Records are written once
(never overwritten); the receiver's name (MHLW staff) is kept here and nowhere else.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ssw_linkage.errors import PackageConflict
from ssw_linkage.months import DataMonth
from ssw_linkage.staging import DELIVERY, Staging, fsync_dir, sha256_file

HANDOVER, REJECTED, PURGED = "handover", "rejected", "purged.json"


class Delivery:
    """One month's delivery records in one staging directory."""

    def __init__(self, staging_root: Path, month: DataMonth):
        self.staging, self.month = Staging(staging_root), month

    def _path(self, name: str) -> Path:
        """Where to write the record ``name`` (the directory is created)."""
        return self.staging.prepare().delivery_dir(self.month) / name

    def _existing(self, name: str) -> Path:
        """Where to read the record ``name``: reading creates nothing (the status page only reads)."""
        return self.staging.root / DELIVERY / self.month.compact / name

    def _create(self, path: Path, data: bytes) -> bool:
        """Write a new file once (O_EXCL), flushed; False if it exists."""
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            return False
        with open(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        fsync_dir(path.parent)
        return True

    # -- readiness notices --------------------------------------------------------------------
    def claim_notice(self, revision: int, image_sha256: str) -> bool:
        """Take revision ``revision``'s notice before mailing it; False if it was already taken."""
        return self._create(self._path(f"r{revision}.notified"), f"{image_sha256}\n".encode("ascii"))

    def release_notice(self, revision: int) -> None:
        """Give the claim back when the mail could not be sent, so that a retry sends it."""
        self._path(f"r{revision}.notified").unlink(missing_ok=True)

    def notified(self, revision: int) -> bool:
        return self._existing(f"r{revision}.notified").is_file()

    # -- handover -----------------------------------------------------------------------------
    def record(self, kind: str, revision: int, record: dict[str, Any]) -> str:
        """Keep a handover (``r<n>.handover.json``, once) or a rejection (``r<n>.rejected-<k>.json``, one per
        attempt) of ``revision``; returns the record's SHA-256 for the audit log. Nothing after a handover."""
        handover = self._path(f"r{revision}.{HANDOVER}.json")
        if handover.exists():
            raise PackageConflict(f"{self.month} r{revision} was already handed over; nothing more is recorded")
        data = (json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
        if kind == HANDOVER:
            path = handover
        else:
            path = self._path(f"r{revision}.{REJECTED}-{1 + self.rejected(revision)}.json")
        if not self._create(path, data):
            raise PackageConflict(f"{path.name} of {self.month} was written meanwhile; answer again")
        return sha256_file(path)

    def handed_over(self, revision: int) -> bool:
        return self._existing(f"r{revision}.{HANDOVER}.json").is_file()

    def rejected(self, revision: int) -> int:
        """How many times MHLW refused the disc of ``revision``."""
        return sum(1 for _ in self._existing("").glob(f"r{revision}.{REJECTED}-*.json"))

    def handover(self) -> tuple[int, dict[str, Any]] | None:
        """The latest handed-over revision and its record, or None if no revision was handed over."""
        found = sorted((int(p.name[1:].split(".")[0]), p) for p in self._existing("").glob(f"r*.{HANDOVER}.json"))
        if not found:
            return None
        revision, path = found[-1]
        return revision, json.loads(path.read_text(encoding="utf-8"))

    def delivered(self) -> bool:
        """Handed over (any revision): what the deadline sensors and the watchdog wait for."""
        return any(self._existing("").glob(f"r*.{HANDOVER}.json"))

    # -- retention ----------------------------------------------------------------------------
    def purged(self) -> dict[str, Any] | None:
        """The purge record, or None if the month's data has not been purged."""
        path = self._existing(PURGED)
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def mark_purged(self, record: dict[str, Any]) -> None:
        data = (json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
        if not self._create(self._path(PURGED), data):
            raise PackageConflict(f"{self.month} was already purged")
