"""The receiver's verify: passes a good image, folder and encrypted image; fails each tampering, naming the file."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pycdlib
import pytest
from discs import PASSWORD
from independent_reader import copy_of_disc, read_image

from ssw_linkage import cli
from ssw_linkage.disc import sealed
from ssw_linkage.disc.verify import verify_disc
from ssw_linkage.errors import IntegrityError
from ssw_linkage.months import JST, DataMonth


def flip_byte(path: Path, offset: int = -40) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_good_image_and_a_copy_of_it_pass(plain, tmp_path, capsys):
    for target in (plain.disc.image, copy_of_disc(plain.disc.image, tmp_path / "mounted")):
        report = verify_disc(target)
        assert report.ok, report.problems
        assert report.files == 12 and report.data_month == "2026-05" and not report.encrypted
        assert cli.main(["verify", str(target)]) == 0
        out = capsys.readouterr().out
        assert "結果：合格（12 ファイル、問題なし） / result: PASS (12 files, no problems)" in out


def test_an_encrypted_image_passes_with_the_password_only(encrypted, monkeypatch, capsys):
    report = verify_disc(encrypted.disc.image, lambda: PASSWORD)
    assert report.ok, report.problems
    assert report.encrypted and report.files == 4 + 10  # COVER, TERMS, DATA.ZIP, SHA256SUMS; 8 CSV, manifest, sums
    monkeypatch.setenv("SSW_DISC_PASSWORD", PASSWORD)
    assert cli.main(["verify", str(encrypted.disc.image)]) == 0
    monkeypatch.setenv("SSW_DISC_PASSWORD", "not-the-password")
    assert cli.main(["verify", str(encrypted.disc.image)]) == IntegrityError.exit_code
    out = capsys.readouterr().out
    assert "NG DATA.ZIP: パスワードが違います / wrong password" in out and "not-the-password" not in out
    monkeypatch.delenv("SSW_DISC_PASSWORD")  # and no terminal to type it: the contents stay unchecked
    assert cli.main(["verify", str(encrypted.disc.image)]) == IntegrityError.exit_code
    assert "NG DATA.ZIP: 暗号化されています" in capsys.readouterr().out


def _reencode(path: Path) -> None:
    path.write_bytes(path.read_bytes().decode("cp932").encode("utf-8"))


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _rename(old: str, new: str) -> Callable[[Path], None]:
    return lambda disc: (disc / old).rename(disc / new)


TAMPERING = {
    "flipped byte in an item": (
        lambda d: flip_byte(d / "ITEM03.CSV"),
        "NG ITEM03.CSV: SHA-256 が SHA256SUMS と一致しません",
    ),
    "flipped byte in the cover": (lambda d: flip_byte(d / "COVER.PDF", 500), "NG COVER.PDF: SHA-256"),
    "flipped byte in the manifest": (lambda d: flip_byte(d / "MANIFEST.JSON", 300), "NG MANIFEST.JSON: SHA-256"),
    "missing file": (lambda d: (d / "ITEM05.CSV").unlink(), "NG ITEM05.CSV: ありません / missing"),
    "extra file": (lambda d: (d / "NOTES.TXT").write_text("x"), "NG NOTES.TXT: 想定外のファイルです / unexpected file"),
    "renamed file": (_rename("ITEM02.CSV", "ITEM2.CSV"), "NG ITEM02.CSV: 名前が ITEM2.CSV に変わっています"),
    "renamed in lower case": (_rename("TERMS.TXT", "terms.txt"), "NG TERMS.TXT: 名前が terms.txt に変わっています"),
    "re-encoded as UTF-8": (lambda d: _reencode(d / "ITEM06.CSV"), "NG ITEM06.CSV: 文字コード cp932 として読めない"),
    "truncated": (lambda d: _truncate(d / "ITEM01.CSV"), "NG ITEM01.CSV: サイズが MANIFEST.JSON と違います"),
}


@pytest.mark.parametrize("case", TAMPERING, ids=list(TAMPERING))
def test_each_tampering_of_a_disc_fails_naming_the_file(plain, tmp_path, case, capsys):
    tamper, expected = TAMPERING[case]
    disc = copy_of_disc(plain.disc.image, tmp_path / "disc")
    tamper(disc)
    report = verify_disc(disc)
    assert not report.ok
    assert any(line.startswith(expected) for line in report.lines()), report.lines()
    assert all(" / " in str(problem) for problem in report.problems)  # Japanese / English
    assert cli.main(["verify", str(disc)]) == IntegrityError.exit_code
    assert expected in capsys.readouterr().out


def test_a_flipped_byte_inside_the_image_names_the_file(plain, tmp_path):
    image = tmp_path / "SSW_202605.ISO"
    shutil.copy(plain.disc.image, image)
    item = (plain.package / "ITEM04.CSV").read_bytes()
    flip_byte(image, image.read_bytes().index(item) + len(item) // 2)
    problems = [str(p) for p in verify_disc(image).problems]
    assert any(p.startswith("NG ITEM04.CSV: SHA-256 が SHA256SUMS と一致しません") for p in problems), problems
    assert any(p.startswith("NG ITEM04.CSV: SHA-256 が MANIFEST.JSON と一致しません") for p in problems), problems


def test_a_tampered_file_inside_the_encrypted_zip_is_named(encrypted, tmp_path):
    disc = copy_of_disc(encrypted.disc.image, tmp_path / "disc")
    inside = tmp_path / "inside"
    inside.mkdir()
    sealed.unseal(disc / "DATA.ZIP", PASSWORD, inside)
    flip_byte(inside / "ITEM07.CSV")
    members = sorted(p.name for p in inside.iterdir())
    with open(disc / "DATA.ZIP", "wb") as out:
        files = [(name, io.BytesIO((inside / name).read_bytes())) for name in members]
        sealed.seal(out, files, PASSWORD, DataMonth(2026, 5).end.astimezone(JST))
    problems = [str(p) for p in verify_disc(disc, lambda: PASSWORD).problems]
    assert "NG DATA.ZIP: SHA-256 が SHA256SUMS と一致しません / SHA-256 differs from SHA256SUMS" in problems
    assert any(p.startswith("NG DATA.ZIP/ITEM07.CSV: SHA-256 が SHA256SUMS") for p in problems), problems


def test_verify_needs_no_airflow_and_refuses_what_is_not_a_disc(tmp_path, capsys):
    assert cli.main(["verify", str(tmp_path / "nowhere")]) == 2
    (tmp_path / "file.txt").write_text("not an image")
    assert cli.main(["verify", str(tmp_path / "file.txt")]) == 2
    assert "neither a folder nor an ISO 9660 image" in capsys.readouterr().err


def test_the_independent_reader_sees_what_verify_checks(plain):
    assert set(read_image(plain.disc.image)) == {p.name for p in plain.package.iterdir() if p.suffix == ".CSV"} - {
        "QUARANTINE.CSV",
        "CARRIED.CSV",
    } | {"MANIFEST.JSON", "SHA256SUMS", "COVER.PDF", "TERMS.TXT"}


def test_a_directory_on_the_disc_is_unexpected(plain, tmp_path):
    """(pycdlib writes the images; here it only makes a bad one.)"""
    image = tmp_path / "with-dir.iso"
    iso = pycdlib.PyCdlib()
    iso.open(str(plain.disc.image))
    iso.add_directory(iso_path="/EXTRA", joliet_path="/EXTRA")
    iso.write(str(image))
    iso.close()
    problems = [str(p) for p in verify_disc(image).problems]
    assert "NG EXTRA: 想定外のファイルです / unexpected file" in problems
