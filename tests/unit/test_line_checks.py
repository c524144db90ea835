"""``check_lines`` (blocks of lines as arrays of bytes) finds the same first problem of each rule, in the same
order, as the per-line reader it replaced (tests/oracle_line_checks.py), on sound files and on files damaged
at random: bytes changed, inserted or removed where they matter (quotes, commas, CR, LF, a BOM, multi-byte
characters cut in half), over block boundaries too; with the SHA-256 of every byte it read. ``line_problems``
checks the same bytes once per process, never taking changed bytes for the ones the caller hashed."""

from __future__ import annotations

import hashlib
import random

import oracle_line_checks
import pytest

from ssw_linkage import csv_format, package_checks

HEADERS = ["番号", "氏名", "住所", "備考"]
ENCODINGS = ("cp932", "utf-8-bom")
TEXTS = ["", "NGUYEN VAN A", "東京都新宿区西新宿２－８－１", 'He said "はい"', "a,b", "ｱｲｳ", "髙橋", "x" * 40]


def _file(path, encoding: str, rows: int, rng: random.Random) -> None:
    with open(path, "w", encoding=csv_format.codec(encoding), newline="") as f:
        out = csv_format.writer(f)
        out.writerow(HEADERS)
        for n in range(rows):
            out.writerow([str(n), *(rng.choice(TEXTS) for _ in HEADERS[1:])])


DAMAGE = [b'"', b",", b"\r", b"\n", b"\r\n", b'""', b'","', b"\x81", b"\xe3\x81", b"\xef\xbb\xbf", b"\x82\xa0", b""]


def _damage(raw: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(raw) + 1)
        cut = rng.choice((0, 0, 1, 2))
        raw = raw[:at] + rng.choice(DAMAGE) + raw[at + cut:]
    return raw


def _expected(path, rows: int, encoding: str) -> dict[str, str]:
    """The line reader's problems, but where it was blind: a last line without a line end that stops inside a
    multi-byte character (its decoder kept the part for a next line that never came) is not in the encoding,
    and so is not checked for its fields (nor, if it is the header, for the header)."""
    expected = oracle_line_checks.check_lines(path, HEADERS, rows, encoding)
    raw = path.read_bytes()
    last, line = raw[raw.rfind(b"\n") + 1:], raw.count(b"\n") + 1
    if "decode" in expected or not last or _decodes(last, encoding, whole_file=last == raw):
        return expected
    kept = {
        rule: problem for rule, problem in expected.items()
        if rule in ("line_end", "bom") or rule == "fields" and f" line {line} " not in problem
        or rule == "header" and line > 1
    }
    rows_problem = {"rows": expected["rows"]} if "rows" in expected else {}
    return {**kept, "decode": f"{path.name}: line {line} is not {encoding}", **rows_problem}


def _problems(path, rows: int, encoding: str) -> dict[str, str]:
    digest, problems = package_checks.check_lines(path, HEADERS, rows, encoding)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    return problems


def _decodes(raw: bytes, encoding: str, whole_file: bool) -> bool:
    codec = csv_format.codec(encoding)
    try:
        raw.decode(codec if whole_file else codec.removesuffix("-sig"))
        return True
    except UnicodeDecodeError:
        return False


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_same_problems_as_the_line_reader(tmp_path, encoding, monkeypatch):
    monkeypatch.setattr(package_checks, "_BLOCK_BYTES", 97)  # many blocks, lines across their boundaries
    rng = random.Random(13)
    path = tmp_path / "ITEM01.CSV"
    for case in range(400):
        rows = rng.choice((0, 1, 3, 20))
        _file(path, encoding, rows, rng)
        if case % 4:
            path.write_bytes(_damage(path.read_bytes(), rng))
        assert _problems(path, rows, encoding) == _expected(path, rows, encoding), case


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_whole_files(tmp_path, encoding):
    rng = random.Random(7)
    path = tmp_path / "ITEM01.CSV"
    _file(path, encoding, 5000, rng)
    assert _problems(path, 5000, encoding) == {}
    for case in range(30):
        _file(path, encoding, 500, rng)
        path.write_bytes(_damage(path.read_bytes(), rng))
        assert _problems(path, 500, encoding) == _expected(path, 500, encoding), case


def test_an_empty_file(tmp_path):
    path = tmp_path / "ITEM01.CSV"
    path.write_bytes(b"")
    assert _problems(path, 0, "cp932") == {"rows": "ITEM01.CSV: empty, not even a header row"}


def test_line_problems_reads_the_same_bytes_once_and_changed_bytes_again(tmp_path, monkeypatch):
    monkeypatch.setattr(package_checks, "_checked", {})
    reads = []
    check_lines = package_checks.check_lines

    def reading(path, *args):
        reads.append(path)
        return check_lines(path, *args)

    monkeypatch.setattr(package_checks, "check_lines", reading)
    path = tmp_path / "ITEM01.CSV"
    _file(path, "cp932", 20, random.Random(3))
    good = path.read_bytes()
    bad = good.replace(b"\r\n", b"\n", 1)
    sha = {raw: hashlib.sha256(raw).hexdigest() for raw in (good, bad)}
    damaged = {"line_end": "ITEM01.CSV: line 1 has a bare CR or LF, or does not end with CRLF"}

    def problems(raw: bytes, hashed: bytes) -> dict[str, str]:
        path.write_bytes(raw)
        return package_checks.line_problems(path, sha[hashed], HEADERS, 20, "cp932")

    assert problems(good, good) == {} and len(reads) == 1
    assert problems(good, good) == {} and len(reads) == 1  # the same bytes: not read again
    assert problems(bad, bad) == damaged and len(reads) == 2  # other bytes: read
    monkeypatch.setattr(package_checks, "_checked", {})
    assert problems(bad, good) == damaged and len(reads) == 3  # changed after the caller hashed them: what was read
    assert problems(good, good) == {} and len(reads) == 4  # …is not taken for the bytes the caller hashed
    assert problems(bad, bad) == damaged and len(reads) == 4  # …but kept for the bytes it read
