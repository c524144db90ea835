"""Assertions about a published package, shared by the CLI, package and DAG tests."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

from ssw_linkage.package import MANIFEST, READY
from ssw_linkage.package_checks import check_package, package_files


def read_manifest(package: Path) -> dict:
    return json.loads((package / MANIFEST).read_text(encoding="utf-8"))


def assert_valid_package(package: Path, encoding: str = "cp932") -> dict:
    """The files as check_package wants them, exactly the expected files, private modes, a manifest that
    adds up, READY last."""
    manifest = read_manifest(package)
    assert check_package(package, manifest, encoding) == []
    assert sorted(p.name for p in package.iterdir()) == sorted([*package_files(), READY])
    assert stat.S_IMODE(package.stat().st_mode) == 0o700
    for path in package.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert (package / READY).read_text().strip() == hashlib.sha256((package / MANIFEST).read_bytes()).hexdigest()
    for entry in manifest["items"]:
        assert entry["extracted"] == entry["written"] + entry["quarantined"]
    assert manifest["held"]["rows"] == sum(e["quarantined"] + e["still_held"] for e in manifest["items"])
    return manifest
