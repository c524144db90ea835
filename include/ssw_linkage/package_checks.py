"""Checks of a package's files against the spec and its manifest: before READY is written, and on
every rerun of a published month (so a damaged package is never blessed again).

Each problem names its file (and line) but never a value, so the list is safe to log.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ssw_linkage.carryover import CARRIED, CARRIED_HEADER, QUARANTINE, QUARANTINE_HEADER
from ssw_linkage.csv_format import ENCODINGS
from ssw_linkage.spec import ITEMS
from ssw_linkage.staging import MANIFEST, READY

_QUOTED_FIELD = r'"[^"]*(?:""[^"]*)*"'


def package_files() -> list[str]:
    """Every file a package holds besides READY (which ``Staging.is_ready`` checks)."""
    return sorted([i.file_name for i in ITEMS] + [QUARANTINE, CARRIED, MANIFEST])


@dataclass(frozen=True)
class _Expected:
    """What one file must be, from the spec and the manifest."""

    name: str
    rows: int
    sha256: str
    size: int
    headers: list[str]


def check_package(directory: Path, manifest: dict, encoding: str) -> list[str]:
    """The problems with the files in ``directory``: the file set, then each file against the spec and the
    manifest; an empty list when there are none."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; choose one of {sorted(ENCODINGS)}")
    problems = []
    if manifest["encoding"] != encoding:
        problems.append(f"manifest: encoding {manifest['encoding']!r}, expected {encoding!r}")
    present = {p.name for p in directory.iterdir() if p.name not in (READY, f".{READY}.tmp")}
    for name in sorted(present ^ set(package_files())):
        problems.append(f"{name}: {'unexpected file' if name in present else 'missing'}")
    entries = {entry["item"]: entry for entry in manifest["items"]}
    expected = []
    for item in ITEMS:
        entry = entries.get(item.number)
        if entry is None:
            problems.append(f"{item.file_name}: not in the manifest")
            continue
        rows = entry["written"] + entry["carried_over"]
        expected.append(_Expected(item.file_name, rows, entry["sha256"], entry["bytes"], item.headers))
    for entry, header in ((manifest["held"], QUARANTINE_HEADER), (manifest["carried"], CARRIED_HEADER)):
        file = entry["file"]
        expected.append(_Expected(file, entry["rows"], entry["sha256"], entry["bytes"], [*header]))
    for file in expected:
        problems += _check_file(directory, file, encoding)
    return problems


def verify(directory: Path) -> list[str]:
    """The problems with a published package, read against its own manifest."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        return check_package(directory, manifest, manifest["encoding"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        return [f"{MANIFEST}: unreadable or incomplete ({type(error).__name__})"]


def _check_file(directory: Path, expected: _Expected, encoding: str) -> list[str]:
    """Size and digest as the manifest says, then the lines."""
    name, path = expected.name, directory / expected.name
    if not path.is_file() or path.is_symlink():
        return []  # reported with the file set
    problems = []
    size = path.stat().st_size
    if size != expected.size:
        problems.append(f"{name}: {size} bytes, the manifest says {expected.size}")
    with open(path, "rb") as f:
        if hashlib.file_digest(f, "sha256").hexdigest() != expected.sha256:
            problems.append(f"{name}: SHA-256 differs from the manifest")
    return problems + list(check_lines(path, expected.headers, expected.rows, encoding).values())


def check_lines(path: Path, headers: list[str], rows: int, encoding: str) -> dict[str, str]:
    """The first line breaking each line rule (``line_end``, ``bom``, ``decode``, ``fields``, ``header``), then
    the count (``rows``): rule → problem. Also used by the receiver's ``verify`` on a disc."""
    name, codec, fields = path.name, ENCODINGS[encoding], len(headers)
    record = re.compile(_QUOTED_FIELD + f"(?:,{_QUOTED_FIELD}){{{fields - 1}}}")
    decoder = codecs.getincrementaldecoder(codec)()
    found: dict[str, str] = {}  # rule → its first problem
    lines = 0
    with open(path, "rb") as f:
        for raw in f:
            lines += 1
            if not raw.endswith(b"\r\n") or b"\r" in raw[:-2]:
                found.setdefault("line_end", f"{name}: line {lines} has a bare CR or LF, or does not end with CRLF")
            if "decode" in found:
                continue
            if lines == 1 and codec == "utf-8-sig" and not raw.startswith(codecs.BOM_UTF8):
                found["bom"] = f"{name}: no byte order mark"
            try:
                text = decoder.decode(raw).rstrip("\r\n")
            except UnicodeDecodeError:
                found["decode"] = f"{name}: line {lines} is not {encoding}"
                continue
            if record.fullmatch(text) is None:
                found.setdefault("fields", f"{name}: line {lines} is not {fields} quoted fields")
            elif lines == 1 and next(csv.reader([text])) != headers:
                found["header"] = f"{name}: the header row differs from the spec"
    if lines == 0:
        found["rows"] = f"{name}: empty, not even a header row"
    elif lines - 1 != rows:
        found["rows"] = f"{name}: {lines - 1} data rows, the manifest says {rows}"
    return found
