"""`run` ends with a disc, `disc` rebuilds it; the password comes from the environment or a terminal only."""

from __future__ import annotations

import logging
import shutil
import sys

from discs import MONTH, PASSWORD
from independent_reader import read_image

from ssw_linkage import cli
from ssw_linkage.disc.verify import verify_disc


def test_run_ends_with_a_disc_and_disc_rebuilds_it_encrypted_without_saying_the_password(
    published_staging, tmp_path, monkeypatch, capsys, caplog
):
    source = f"sqlite:///{published_staging.parent / 'source.db'}"
    staging = tmp_path / "staging"
    caplog.set_level(logging.DEBUG)
    assert cli.main(["run", "--verbose", "--month", "2026-05", "--source", source, "--staging", str(staging)]) == 0
    image = staging / "disc" / "202605" / "SSW_202605.ISO"
    assert "disc image" in capsys.readouterr().out and "MANIFEST.JSON" in read_image(image)

    monkeypatch.setenv("SSW_DISC_PASSWORD", PASSWORD)
    monkeypatch.setenv("SSW_DISC_SENDER", "出入国在留管理庁 試験課")
    assert cli.main(["disc", "--verbose", "--month", "2026-05", "--staging", str(staging), "--encrypt"]) == 0
    out = capsys.readouterr()
    assert "encrypted: yes" in out.out and sorted(read_image(image)) == [
        "COVER.PDF",
        "DATA.ZIP",
        "SHA256SUMS",
        "TERMS.TXT",
    ]
    assert verify_disc(image, lambda: PASSWORD).ok
    assert PASSWORD not in out.out + out.err + caplog.text


def test_encrypt_without_a_password_source_is_refused_before_anything_is_done(published_staging, tmp_path, monkeypatch):
    staging = tmp_path / "staging"
    shutil.copytree(published_staging, staging)
    monkeypatch.delenv("SSW_DISC_PASSWORD", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    assert cli.main(["disc", "--month", str(MONTH), "--staging", str(staging), "--encrypt"]) == 2
    monkeypatch.setenv("SSW_DISC_PASSWORD", "short")
    assert cli.main(["disc", "--month", str(MONTH), "--staging", str(staging), "--encrypt"]) == 2
    assert not (staging / "disc").exists()


def test_disc_for_a_month_with_no_package_is_not_ready(published_staging, capsys):
    assert cli.main(["disc", "--month", "2026-04", "--staging", str(published_staging)]) == 4
    assert "no published package for 2026-04" in capsys.readouterr().err
