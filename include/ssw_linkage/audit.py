"""The audit log of each month's delivery: append-only, one JSON line per event.

    <staging>/.audit/AUDIT.JSONL   one line per event: seq, time, event, month, revision, actor, prev, facts
    <staging>/.audit/HEAD          the number of lines and the SHA-256 of the last one

Each line carries the SHA-256 of the line before it (``prev``; the first names 64 zeros), so an edited,
inserted or removed line breaks the chain; HEAD catches a removed last line. :func:`AuditLog.check`
(``ssw-linkage audit --check``) verifies both. Lines hold months, revisions, digests, counts and the
acting user: never a resident's data, nor free text.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import Any

from ssw_linkage.months import JST, DataMonth
from ssw_linkage.staging import Staging, fsync_dir, private_file, write_atomically

LOG, HEAD = "AUDIT.JSONL", "HEAD"
GENESIS = "0" * 64
EVENTS = ("built", "ready", "notified", "handed_over", "rejected", "superseded", "purged", "verified")

_actor: ContextVar[str | None] = ContextVar("ssw_audit_actor", default=None)


def _os_user() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        user = f"uid{os.getuid()}"
    return f"{user}@{socket.gethostname()}"


def current_actor() -> str:
    """Who is acting: set by :func:`acting_as` (an Airflow run, the officer who answered), else the OS user."""
    return _actor.get() or _os_user()


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Attribute the events appended inside the block to ``actor``."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def line_digest(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


class AuditLog:
    """The audit log of one staging directory (the trial area has its own)."""

    def __init__(self, staging_root: Path):
        self.staging = Staging(staging_root)

    @property
    def path(self) -> Path:
        return self.staging.root / ".audit" / LOG

    def _lines(self) -> list[bytes]:
        if not self.path.is_file():
            return []
        return self.path.read_bytes().splitlines(keepends=True)

    def append(self, event: str, month: DataMonth, revision: int | None = None, **facts: Any) -> dict[str, Any]:
        """Append one event (under a lock, flushed to disk) and move HEAD; returns the entry."""
        if event not in EVENTS:
            raise ValueError(f"unknown audit event {event!r}")
        directory = self.staging.prepare().audit_dir()
        with self.staging.audit_lock():
            lines = self._lines()
            entry = {
                "seq": len(lines) + 1,
                "time": datetime.now(JST).isoformat(timespec="seconds"),
                "event": event,
                "month": str(month),
                "revision": revision,
                "actor": current_actor(),
                "prev": line_digest(lines[-1]) if lines else GENESIS,
                **facts,
            }
            line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
            with private_file(self.path, append=True) as f:
                f.write(line)
                f.flush()
                os.fsync(f.fileno())
            fsync_dir(directory)
            write_atomically(directory / HEAD, f"{entry['seq']} {line_digest(line)}\n".encode("ascii"))
        return entry

    def entries(self, month: DataMonth | None = None) -> list[dict[str, Any]]:
        """The log's entries (of ``month`` only, if given), oldest first."""
        entries = [json.loads(line) for line in self._lines()]
        return [e for e in entries if month is None or e["month"] == str(month)]

    def check(self) -> list[str]:
        """Every break in the chain, as one line each; empty when the log is whole."""
        lines, problems, prev = self._lines(), [], GENESIS
        for number, line in enumerate(lines, start=1):
            try:
                entry = json.loads(line)
                if not isinstance(entry, dict):
                    raise ValueError
            except ValueError:
                problems.append(f"line {number}: not a JSON object")
            else:
                if entry.get("seq") != number:
                    problems.append(f"line {number}: sequence number {entry.get('seq')!r}, expected {number}")
                if entry.get("prev") != prev:
                    problems.append(f"line {number}: does not follow line {number - 1} (edited, removed or inserted)")
            prev = line_digest(line)
        head = self.path.with_name(HEAD)
        expected = f"{len(lines)} {prev}" if lines else None
        found = head.read_text(encoding="ascii", errors="replace").strip() if head.is_file() else None
        if found != expected:
            problems.append(f"HEAD: {found or 'missing'}, but the log ends at line {len(lines)} ({prev[:12]}…)")
        return problems
