"""Assertions about a published package, shared by the CLI, package and DAG tests."""

from __future__ import annotations

import csv
import hashlib
import json
import stat
from pathlib import Path

from ssw_linkage.package import MANIFEST, QUARANTINE, READY, package_files, verify
from ssw_linkage.spec import ITEMS


def read_manifest(package: Path) -> dict:
    return json.loads((package / MANIFEST).read_text(encoding="utf-8"))


def assert_valid_package(package: Path, encoding: str = "cp932") -> dict:
    """Eight CSV files as the spec says, a manifest that adds up, private modes, READY last."""
    manifest = read_manifest(package)
    assert sorted(p.name for p in package.iterdir()) == sorted([*package_files(), READY])
    assert verify(package) == []
    assert stat.S_IMODE(package.stat().st_mode) == 0o700
    for path in package.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert (package / READY).read_text().strip() == hashlib.sha256((package / MANIFEST).read_bytes()).hexdigest()
    for entry, item in zip(manifest["items"], ITEMS, strict=True):
        raw = (package / item.file_name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(raw).hexdigest() and entry["bytes"] == len(raw)
        assert raw.endswith(b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n")  # CRLF line ends only
        text = raw.decode("utf-8-sig" if encoding == "utf-8-bom" else encoding)
        rows = list(csv.reader(text.splitlines()))
        assert rows[0] == item.headers
        assert len(rows) - 1 == entry["written"] + entry["carried_over"]
        assert all(line.startswith('"') and line.endswith('"') for line in text.split("\r\n") if line)
        assert entry["extracted"] == entry["written"] + entry["quarantined"]
    assert manifest["held"]["rows"] == sum(e["quarantined"] + e["still_held"] for e in manifest["items"])
    quarantine = (package / QUARANTINE).read_bytes()
    assert quarantine.count(b"\n") == quarantine.count(b"\r\n") == manifest["held"]["rows"] + 1
    return manifest
