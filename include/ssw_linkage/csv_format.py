"""The CSV conventions of every file we write: CP932 (or UTF-8 with BOM), CRLF, every field quoted."""

from __future__ import annotations

import csv

ENCODINGS = {"cp932": "cp932", "utf-8-bom": "utf-8-sig"}


def codec(encoding: str) -> str:
    """Python's codec for an encoding name of ours (``cp932``, ``utf-8-bom``)."""
    try:
        return ENCODINGS[encoding]
    except KeyError:
        raise ValueError(f"unknown encoding {encoding!r}; choose one of {sorted(ENCODINGS)}") from None


def writer(handle) -> csv.writer:
    return csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")

