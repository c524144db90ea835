"""The CLI end to end on SQLite, and no personal data in anything it says."""

from __future__ import annotations

import logging

from package_checks import assert_valid_package
from privacy import leaked, personal_values
from sqlalchemy import text

from ssw_linkage import cli, package, source


def test_seed_run_and_spec_without_a_scheduler(tmp_path, capsys, caplog):
    url = f"sqlite:///{tmp_path / 'source.db'}"
    caplog.set_level(logging.DEBUG)
    assert (
        cli.main(["seed", "--source", url, "--months", "2026-04:2026-06", "--events", "4000", "--bad-rate", "0.05"])
        == 0
    )
    assert cli.main(["run", "--month", "2026-05", "--source", url, "--staging", str(tmp_path / "staging")]) == 0
    engine = source.connect(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE person_particulars SET name_roman = 'CHANGED NAME'"))
    assert cli.main(["run", "--month", "2026-05", "--source", url, "--staging", str(tmp_path / "staging")]) == 3
    manifest = assert_valid_package(tmp_path / "staging" / "202605")
    out = capsys.readouterr()
    assert "a different package for 2026-05 is already in" in out.err and "rerun with --replace" in out.err
    said = out.out + out.err + caplog.text
    assert f"{manifest['totals']['extracted']:,}" in said and "ITEM08.CSV" in said
    assert leaked(url, said) == [], "personal values in CLI output or logs"
    quarantine = (tmp_path / "staging" / "202605" / package.QUARANTINE).read_text(encoding="cp932")
    assert leaked(url, quarantine) == []
    assert len(personal_values(url)) > 1000  # the search is not vacuous
    assert cli.main(["spec"]) == 0 and "## Item 8: `ITEM08.CSV`" in capsys.readouterr().out


def test_deadline_command(capsys):
    assert cli.main(["deadline", "2026-11"]) == 0
    assert "2026-11  2026-12-28（月）  2026-12-25（金）" in capsys.readouterr().out
    assert cli.main(["deadline", "--year", "2027"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 13 and lines[1].startswith("2027-01") and lines[-1].startswith("2027-12  2028-01-31")


def test_missed_months_lists_gaps_and_the_backfill_commands(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'source.db'}"
    assert cli.main(["seed", "--source", url, "--months", "2026-01:2026-06", "--events", "800"]) == 0
    staging = str(tmp_path / "staging")
    for month in ("2026-02", "2026-05"):
        assert cli.main(["run", "--month", month, "--source", url, "--staging", staging]) == 0
    capsys.readouterr()
    assert cli.main(["missed", "--staging", staging, "--from", "2026-01", "--to", "2026-06"]) == 1
    out = capsys.readouterr().out
    listed = [line.split()[0] for line in out.splitlines() if line.strip()[:4] == "2026"]
    assert listed == ["2026-01", "2026-03", "2026-04", "2026-06"]
    assert "--from-date 2026-03-01 --to-date 2026-04-30" in out and "--from-date 2026-06-01 --to-date 2026-06-30" in out
    assert cli.main(["missed", "--staging", staging, "--from", "2026-05", "--to", "2026-05"]) == 0
