"""Checks of a built package's files against the spec and its manifest, for use before publishing.

Each problem names its file (and line) but never a value, so the list is safe to log.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ssw_linkage.spec import ENCODINGS, ITEMS

_QUOTED_FIELD = r'"[^"]*(?:""[^"]*)*"'
QUARANTINE_FIELDS = 3  # item, record id, violations


@dataclass(frozen=True)
class _Expected:
    """What one file must be, from the spec and the manifest."""

    name: str
    fields: int
    rows: int
    sha256: str
    size: int | None = None  # the manifest gives none for the quarantine file
    headers: list[str] | None = None  # the spec gives none for the quarantine file


def check_package(directory: Path, manifest: dict, encoding: str) -> list[str]:
    """The problems with the item and quarantine files in ``directory``; an empty list when there are none."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; choose one of {sorted(ENCODINGS)}")
    problems = []
    if manifest["encoding"] != encoding:
        problems.append(f"manifest: encoding {manifest['encoding']!r}, expected {encoding!r}")
    entries = {entry["item"]: entry for entry in manifest["items"]}
    expected = []
    for item in ITEMS:
        entry = entries.get(item.number)
        if entry is None:
            problems.append(f"{item.file_name}: not in the manifest")
        else:
            expected.append(
                _Expected(
                    item.file_name, len(item.columns), entry["written"], entry["sha256"], entry["bytes"], item.headers
                )
            )
    quarantine = manifest["quarantine"]
    expected.append(_Expected(quarantine["file"], QUARANTINE_FIELDS, quarantine["rows"], quarantine["sha256"]))
    for file in expected:
        problems += _check_file(directory, file, encoding)
    return problems


def _check_file(directory: Path, expected: _Expected, encoding: str) -> list[str]:
    """Size and digest as the manifest says, then the lines."""
    name, path = expected.name, directory / expected.name
    if not path.is_file():
        return [f"{name}: missing"]
    problems = []
    size = path.stat().st_size
    if expected.size is not None and size != expected.size:
        problems.append(f"{name}: {size} bytes, the manifest says {expected.size}")
    with open(path, "rb") as f:
        if hashlib.file_digest(f, "sha256").hexdigest() != expected.sha256:
            problems.append(f"{name}: SHA-256 differs from the manifest")
    return problems + _check_lines(path, expected, encoding)


def _check_lines(path: Path, expected: _Expected, encoding: str) -> list[str]:
    """The first line breaking each line rule: CRLF only, decodable, quoted fields, header; then the count."""
    name, codec = expected.name, ENCODINGS[encoding]
    record = re.compile(_QUOTED_FIELD + f"(?:,{_QUOTED_FIELD}){{{expected.fields - 1}}}")
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
                found.setdefault("fields", f"{name}: line {lines} is not {expected.fields} quoted fields")
            elif lines == 1 and expected.headers is not None and next(csv.reader([text])) != expected.headers:
                found["header"] = f"{name}: the header row differs from the spec"
    if lines == 0:
        found["rows"] = f"{name}: empty, not even a header row"
    elif lines - 1 != expected.rows:
        found["rows"] = f"{name}: {lines - 1} data rows, the manifest says {expected.rows}"
    return list(found.values())
