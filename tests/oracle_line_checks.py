"""Test oracle: ``package_checks.check_lines`` as it was before it read the files as arrays of bytes (a
regular expression per line, at 6c2eb6f), verbatim.

Only tests/unit/test_line_checks.py uses it, to compare the block reader with it on damaged files."""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

from ssw_linkage.csv_format import ENCODINGS

_QUOTED_FIELD = r'"[^"]*(?:""[^"]*)*"'


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
