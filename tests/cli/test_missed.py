"""`missed` says only what is true: finished months, a real staging directory, a documented exit code."""

from __future__ import annotations

from datetime import datetime

import pytest
from test_cli_errors import one_error_line

from ssw_linkage import cli, errors
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.staging import Staging

THIS_MONTH = DataMonth.of(datetime.now(JST))


def missed(staging, *months: str) -> list[str]:
    return ["missed", "--staging", str(staging), *months]


def test_from_after_to_is_a_usage_error(tmp_path, capsys):
    line = one_error_line(capsys, missed(tmp_path, "--from", "2026-06", "--to", "2026-03"), errors.UsageError.exit_code)
    assert "--from 2026-06 comes after --to 2026-03" in line


@pytest.mark.parametrize(
    "months",
    [
        ["--from", str(THIS_MONTH)],
        ["--from", "2099-01"],
        ["--from", "2026-01", "--to", str(THIS_MONTH)],
        ["--from", "2026-01", "--to", "2099-03"],
    ],
)
def test_a_month_not_over_yet_cannot_be_missing(tmp_path, capsys, months):
    line = one_error_line(capsys, missed(tmp_path, *months), errors.NotReady.exit_code)
    assert "is not over yet" in line and f"the last finished month is {THIS_MONTH.previous()}" in line


def test_a_mistyped_staging_directory_is_not_a_list_of_gaps(tmp_path, capsys):
    line = one_error_line(capsys, missed(tmp_path / "stagnig", "--from", "2026-01"), errors.StagingError.exit_code)
    assert f"no staging directory {tmp_path / 'stagnig'}" in line
    (tmp_path / "file").write_text("x")
    assert "is not a directory" in one_error_line(capsys, missed(tmp_path / "file", "--from", "2026-01"), 6)


def test_exit_code_one_means_months_are_missing_and_is_documented(tmp_path, capsys):
    assert cli.main(missed(tmp_path, "--from", "2026-01", "--to", "2026-02")) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"2 of 2 data months from 2026-01 to 2026-02 have no published package in {tmp_path}:")
    assert "2026-01     2026-02-26（木）" in out and "deadline (提出期限)" in out
    unpause = out.index("airflow dags unpause ssw_monthly_provision")
    backfill = out.index(
        "--from-date 2026-01-01 --to-date 2026-02-28 --reprocess-behavior completed --max-active-runs 2"
    )
    assert unpause < backfill and "Another backfill is running" in out
    with pytest.raises(SystemExit):
        cli.main(["missed", "--help"])
    assert "1 when some are missing" in capsys.readouterr().out


def test_separate_gaps_are_backfilled_one_after_the_other(tmp_path, capsys):
    package = tmp_path / "202602"
    package.mkdir()
    (package / "MANIFEST.JSON").write_text("{}")
    Staging(tmp_path).mark_ready(DataMonth(2026, 2))
    assert cli.main(missed(tmp_path, "--from", "2026-01", "--to", "2026-04")) == 1
    out = capsys.readouterr().out
    assert "--from-date 2026-01-01 --to-date 2026-01-31" in out
    assert "# 2 of 2: start it once the one before has finished" in out
    assert "--from-date 2026-03-01 --to-date 2026-04-30 --reprocess-behavior completed --max-active-runs 2" in out
