"""check_package finds each kind of damage to a built package's files (built from SQLite: the database
that built a package is beside the point here)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from package_checks import read_manifest
from source_builder import SourceBuilder

from ssw_linkage import package
from ssw_linkage.months import DataMonth
from ssw_linkage.package_checks import check_package

MAY = DataMonth(2026, 5)
ITEM1 = "ITEM01.CSV"


@pytest.fixture
def built(sqlite_engine, tmp_path):
    """A May package with one item 1 row, and its manifest."""
    src = SourceBuilder(sqlite_engine)
    src.permit(src.person(), "landing", "SSW1", date(2026, 5, 10))
    src.load()
    package.run_month(sqlite_engine, MAY, tmp_path)
    directory = tmp_path / MAY.compact
    return directory, read_manifest(directory)


def _rewrite(directory, manifest, old: bytes, new: bytes, refresh: bool = True) -> None:
    """Replace bytes in ITEM01.CSV; with ``refresh`` the manifest's size and digest follow the change."""
    path = directory / ITEM1
    raw = path.read_bytes()
    assert raw.count(old) == 1
    path.write_bytes(raw.replace(old, new))
    if refresh:
        (entry,) = (e for e in manifest["items"] if e["file"] == ITEM1)
        entry["bytes"], entry["sha256"] = path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_sound_package_has_no_problems(built):
    assert check_package(*built, "cp932") == []


def test_a_bare_lf_inside_a_field(built):
    _rewrite(*built, b'"NGUYEN VAN TEST"', b'"NGUYEN\nVAN TEST"')
    assert check_package(*built, "cp932") == [
        f"{ITEM1}: line 2 has a bare CR or LF, or does not end with CRLF",
        f"{ITEM1}: line 2 is not 17 quoted fields",
        f"{ITEM1}: 2 data rows, the manifest says 1",
    ]


def test_a_bare_cr(built):
    _rewrite(*built, b'"NGUYEN VAN TEST"', b'"NGUYEN\rVAN TEST"')
    assert check_package(*built, "cp932") == [f"{ITEM1}: line 2 has a bare CR or LF, or does not end with CRLF"]


def test_an_unquoted_field(built):
    _rewrite(*built, b',"M",', b",M,")
    assert check_package(*built, "cp932") == [f"{ITEM1}: line 2 is not 17 quoted fields"]


def test_a_wrong_header(built):
    _rewrite(*built, "氏名（ローマ字）".encode("cp932"), "氏名".encode("cp932"))
    assert check_package(*built, "cp932") == [f"{ITEM1}: the header row differs from the spec"]


def test_a_wrong_count(built):
    directory, manifest = built
    manifest["items"][0]["written"] += 1
    assert check_package(directory, manifest, "cp932") == [f"{ITEM1}: 1 data rows, the manifest says 2"]


def test_a_flipped_byte(built):
    _rewrite(*built, b'"SP1"', b'"SP0"', refresh=False)
    assert check_package(*built, "cp932") == [f"{ITEM1}: SHA-256 differs from the manifest"]


def test_a_changed_size(built):
    size = built[1]["items"][0]["bytes"]
    _rewrite(*built, b'"SP1"', b'"SP10"', refresh=False)
    assert check_package(*built, "cp932") == [
        f"{ITEM1}: {size + 1} bytes, the manifest says {size}",
        f"{ITEM1}: SHA-256 differs from the manifest",
    ]


def test_bytes_not_in_the_encoding(built):
    _rewrite(*built, b'"NGUYEN VAN TEST"', b'"NGUYEN\x81 VAN TEST"')  # a lead byte with no trail byte
    assert check_package(*built, "cp932") == [f"{ITEM1}: line 2 is not cp932"]


def test_a_missing_file(built):
    directory, manifest = built
    (directory / "ITEM08.CSV").unlink()
    assert check_package(directory, manifest, "cp932") == ["ITEM08.CSV: missing"]


def test_a_package_checked_in_another_encoding(built):
    problems = check_package(*built, "utf-8-bom")
    assert problems[0] == "manifest: encoding 'cp932', expected 'utf-8-bom'"
    assert {f"{ITEM1}: no byte order mark", f"{ITEM1}: line 1 is not utf-8-bom"} <= set(problems)


def test_a_utf8_package_checks_in_its_own_encoding(sqlite_engine, tmp_path):
    SourceBuilder(sqlite_engine)
    package.run_month(sqlite_engine, MAY, tmp_path, encoding="utf-8-bom")
    directory = tmp_path / MAY.compact
    assert check_package(directory, read_manifest(directory), "utf-8-bom") == []
