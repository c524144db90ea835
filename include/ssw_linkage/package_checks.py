"""Checks of a package's files against the spec and its manifest: before READY is written, and on
every rerun of a published month (so a damaged package is never blessed again).

Each problem names its file (and line) but never a value, so the list is safe to log.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ssw_linkage import validators
from ssw_linkage._lazy import np, pa, pc
from ssw_linkage.carryover import CARRIED, CARRIED_HEADER, QUARANTINE, QUARANTINE_HEADER
from ssw_linkage.csv_format import ENCODINGS
from ssw_linkage.spec import ITEMS
from ssw_linkage.staging import MANIFEST, READY, sha256_file

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
    digest = sha256_file(path)
    if digest != expected.sha256:
        problems.append(f"{name}: SHA-256 differs from the manifest")
    return problems + list(line_problems(path, digest, expected.headers, expected.rows, encoding).values())


_checked: dict[tuple, dict[str, str]] = {}  # (SHA-256, name, headers, rows, encoding) → check_lines' problems


def line_problems(path: Path, sha256: str, headers: list[str], rows: int, encoding: str) -> dict[str, str]:
    """``check_lines``' problems with a file whose SHA-256 the caller has just computed (the package checks, the
    receiver's ``verify``). A process checks the same bytes once (a run's publish, its disc's package check and
    image ``verify`` read the same files), keeping the problems under the digest of the bytes actually read."""
    found = _checked.get((sha256, path.name, tuple(headers), rows, encoding))
    return dict(found if found is not None else check_and_keep(path, headers, rows, encoding))


def check_and_keep(path: Path, headers: list[str], rows: int, encoding: str) -> dict[str, str]:
    """``check_lines``' problems with a file, kept under the digest of the bytes read, for ``line_problems``: a file
    checked as soon as it is written (an item's, while the other items are still extracted) is not read line by
    line again as long as its bytes and expected rows stay the same."""
    digest, found = check_lines(path, headers, rows, encoding)
    _checked[(digest, path.name, tuple(headers), rows, encoding)] = found
    return found


def check_lines(path: Path, headers: list[str], rows: int, encoding: str) -> tuple[str, dict[str, str]]:
    """The SHA-256 of the bytes read, and the first line breaking each line rule (``line_end``, ``bom``,
    ``decode``, ``fields``, ``header``), in the order a reader going line by line meets them, then the count
    (``rows``): rule → problem.

    The file is read in blocks of whole lines, each checked as arrays of bytes: a line ends with CRLF and
    holds no other CR; the text decodes (a line after the first that does not is not checked further); a
    line is ``len(headers)`` quoted fields. ``"`` and ``,`` are single bytes in both encodings (never part
    of a CP932 or UTF-8 multi-byte character), so the fields are found in the bytes as they are."""
    name, codec = path.name, ENCODINGS[encoding]
    first: dict[str, int] = {}  # rule → the first line breaking it
    lines = 0
    header = None
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in _line_blocks(f, digest):
            text_checked = "decode" not in first
            lines_in_block, broken, line1 = _check_block(block, lines == 0, codec, len(headers), text_checked)
            for rule, line in broken.items():
                first.setdefault(rule, lines + line)
            if line1 is not None:
                header = line1
            lines += lines_in_block
    if header is not None and next(csv.reader([header])) != headers:
        first["header"] = 1
    messages = {
        "line_end": "line {} has a bare CR or LF, or does not end with CRLF",
        "bom": "no byte order mark",
        "decode": f"line {{}} is not {encoding}",
        "fields": f"line {{}} is not {len(headers)} quoted fields",
        "header": "the header row differs from the spec",
    }
    found = {
        rule: f"{name}: {messages[rule].format(line)}"
        for rule, line in sorted(first.items(), key=lambda kv: (kv[1], list(messages).index(kv[0])))
    }
    if lines == 0:
        found["rows"] = f"{name}: empty, not even a header row"
    elif lines - 1 != rows:
        found["rows"] = f"{name}: {lines - 1} data rows, the manifest says {rows}"
    return digest.hexdigest(), found


_BLOCK_BYTES = 1 << 20  # read at a time: the checks hold a few arrays of this size
_CR, _LF = b"\r"[0], b"\n"[0]


def _line_blocks(f, digest) -> Iterator[bytes]:
    """The file in blocks of whole lines (the last line may lack its line end); ``digest`` is fed every byte."""
    rest = b""
    while chunk := f.read(_BLOCK_BYTES):
        digest.update(chunk)
        chunk = rest + chunk
        cut = chunk.rfind(b"\n") + 1
        rest = chunk[cut:]
        if cut:
            yield chunk[:cut]
    if rest:
        yield rest


def _check_block(
    block: bytes, at_start: bool, codec: str, fields: int, text_checked: bool
) -> tuple[int, dict[str, int], str | None]:
    """(lines in the block, rule → first line (1-based in the block) breaking it, the file's first line as
    text if the block starts the file and that line decodes and is ``fields`` quoted fields)."""
    data = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(data == _LF) + 1  # one past each line's last byte
    if len(ends) == 0 or ends[-1] != len(data):
        ends = np.append(ends, len(data))
    starts = np.concatenate(([0], ends[:-1]))
    n = len(ends)
    broken: dict[str, int] = {}

    def note(rule: str, bad: np.ndarray) -> None:
        if bad.any():
            broken[rule] = int(np.argmax(bad)) + 1

    carriage = np.bincount(np.searchsorted(ends, np.flatnonzero(data == _CR), side="right"), minlength=n)
    crlf = (ends - starts >= 2) & (data[ends - 1] == _LF) & (data[np.maximum(ends - 2, 0)] == _CR)
    note("line_end", ~crlf | (carriage != 1))
    bom = at_start and codec == "utf-8-sig" and block.startswith(codecs.BOM_UTF8)
    if at_start and codec == "utf-8-sig" and not bom:
        broken["bom"] = 1
    if not text_checked:
        return n, broken, None
    content = starts.copy()
    if bom:
        content[0] += len(codecs.BOM_UTF8)
    decodable = n
    try:
        block[content[0]:].decode(codec.removesuffix("-sig"))
    except UnicodeDecodeError as error:
        decodable = int(np.searchsorted(ends, content[0] + error.start, side="right"))
        broken["decode"] = decodable + 1
    well_formed = _quoted_fields(block, content, ends, fields)[:decodable]
    note("fields", ~well_formed)
    line1 = None
    if at_start and decodable and well_formed[0]:
        line1 = block[content[0]:ends[0]].decode(codec.removesuffix("-sig")).rstrip("\r\n")
    return n, broken, line1


def _quoted_fields(block: bytes, content: np.ndarray, ends: np.ndarray, fields: int) -> np.ndarray:
    """Per line (its bytes from ``content`` to ``ends``): ``fields`` quoted fields (a quote inside one doubled),
    separated by commas, then nothing but CR and LF; matched by RE2 on the bytes (Latin-1: any byte not a
    quote is a field's content, as any character not a quote is)."""
    record = _QUOTED_FIELD + f"(?:,{_QUOTED_FIELD}){{{fields - 1}}}"
    offsets = np.append(content, ends[-1]).astype(np.int32)
    lines = pa.Array.from_buffers(pa.binary(), len(ends), [None, pa.py_buffer(offsets), pa.py_buffer(block)])
    matched = validators.bits(pc.match_substring_regex(lines, f"^{record}[\\r\\n]*$"))
    return matched
