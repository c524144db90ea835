"""The disc as built: read back with an independent reader, reproducible, the package untouched, the cover
sheet's text and font, and the encrypted variant."""

from __future__ import annotations

import json
import shutil
import stat
import time

import libarchive.exception
import pytest
from discs import MONTH, PASSWORD, SENDER
from independent_reader import primary_volume, read_image, read_zip
from package_checks import assert_valid_package
from pdf_text import fonts, pages

from ssw_linkage.disc import conditions
from ssw_linkage.disc.build import build_disc
from ssw_linkage.disc.layout import parse_checksums
from ssw_linkage.errors import IntegrityError, NotReady
from ssw_linkage.months import DataMonth
from ssw_linkage.staging import sha256_file

ITEMS = [f"ITEM0{n}.CSV" for n in range(1, 9)]


def test_the_image_holds_exactly_the_disc_files_byte_for_byte(plain):
    files = read_image(plain.disc.image)
    assert sorted(files) == sorted([*ITEMS, "MANIFEST.JSON", "SHA256SUMS", "COVER.PDF", "TERMS.TXT"])
    for name in [*ITEMS, "MANIFEST.JSON"]:
        assert files[name] == (plain.package / name).read_bytes(), name
    assert files["COVER.PDF"] == plain.disc.cover.read_bytes()
    manifest = json.loads(files["MANIFEST.JSON"])
    assert files["TERMS.TXT"].decode(manifest["encoding"]).replace("\r\n", "\n") == conditions.text()
    listed, bad = parse_checksums(files["SHA256SUMS"])
    assert bad == [] and sorted(listed) == sorted(set(files) - {"SHA256SUMS"})
    label, iso_names = primary_volume(plain.disc.image)
    assert label == "SSW_202605"
    expected_83 = [*ITEMS, "MANIFEST.JSO;1", "SHA256.SUM;1", "COVER.PDF;1", "TERMS.TXT;1"]
    assert sorted(iso_names) == sorted(n if n.endswith(";1") else f"{n};1" for n in expected_83)


def test_the_disc_lies_beside_the_package_private_and_leaves_the_package_alone(plain):
    assert plain.disc.image == plain.staging / "disc" / "202605" / "SSW_202605.ISO"
    assert sorted(p.name for p in plain.disc.image.parent.iterdir()) == ["COVER.PDF", "SSW_202605.ISO"]
    assert stat.S_IMODE(plain.disc.image.parent.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in plain.disc.image.parent.iterdir()} == {0o600}
    assert plain.disc.image_sha256 == sha256_file(plain.disc.image)
    assert_valid_package(plain.package)
    assert not any((plain.staging / ".build").iterdir())


def test_two_builds_are_byte_identical_whatever_the_clock_and_time_zone(plain, monkeypatch):
    first = plain.disc.image.read_bytes(), plain.disc.cover.read_bytes()
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 3 * 86_400)
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        again = build_disc(plain.staging, MONTH, SENDER)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert (again.image.read_bytes(), again.cover.read_bytes()) == first



def test_the_cover_sheet_states_month_deadline_counts_and_conditions_in_an_embedded_japanese_font(plain):
    pdf = plain.disc.cover.read_bytes()
    text = "".join(pages(pdf))
    manifest = json.loads((plain.package / "MANIFEST.JSON").read_text(encoding="utf-8"))
    for phrase in (
        "送付書（総括票）",
        "2026年5月分（令和8年5月分）",
        "2026-06-29（月）令和8年6月29日",  # the deadline, with its weekday
        "令和8年6月1日（2026-06-01）",  # created: the month's window end
        SENDER.office.replace(" ", ""),
        "仕様バージョン1.1.0",
        "暗号化なし",
        "日本年金機構",
        "のみを目的として利用",
    ):
        assert phrase in text, phrase
    for entry in manifest["items"]:
        assert entry["title"] in text and entry["sha256"] in text
        assert f"{entry['file']}{entry['written'] + entry['carried_over']:,}{entry['carried_over']:,}" in text
    totals = manifest["totals"]
    assert totals["quarantined"] > 0 and f"{totals['quarantined']:,}" in text
    ((font, embedded),) = fonts(pdf)  # one font, a subset (XXXXXX+ prefix), embedded
    assert font.endswith("+NotoSansJP") and embedded


def test_an_encrypted_disc_opens_with_the_password_only(encrypted, plain):
    files = read_image(encrypted.disc.image)
    assert sorted(files) == ["COVER.PDF", "DATA.ZIP", "SHA256SUMS", "TERMS.TXT"]
    inside = read_zip(files["DATA.ZIP"], PASSWORD)
    assert sorted(inside) == sorted([*ITEMS, "MANIFEST.JSON", "SHA256SUMS"])
    for name in [*ITEMS, "MANIFEST.JSON"]:
        assert inside[name] == (encrypted.package / name).read_bytes(), name
    for wrong in (None, "not-the-password"):
        with pytest.raises(libarchive.exception.ArchiveError):
            read_zip(files["DATA.ZIP"], wrong)
    text = "".join(pages(encrypted.disc.cover.read_bytes()))
    assert "AES-256" in text and "パスワードは本票とは別の経路で通知します" in text
    assert PASSWORD not in text and PASSWORD.encode() not in encrypted.disc.image.read_bytes()
    assert encrypted.disc.encrypted and PASSWORD not in json.dumps(encrypted.disc.summary())


def test_a_month_without_a_ready_package_or_with_a_damaged_one_gets_no_disc(published_staging, tmp_path):
    with pytest.raises(NotReady, match="no published package for 2026-04"):
        build_disc(published_staging, DataMonth(2026, 4))
    staging = tmp_path / "staging"
    shutil.copytree(published_staging, staging)
    item = staging / "202605" / "ITEM03.CSV"
    item.write_bytes(item.read_bytes().replace(b"\r\n", b"\n", 1))
    with pytest.raises(IntegrityError, match="ITEM03.CSV"):
        build_disc(staging, MONTH)
    assert not (staging / "disc" / "202605").exists()
