"""``ssw-linkage notices``: the DAG's core from the command line, its output and its one-line errors."""

from __future__ import annotations

import json
from datetime import date

import pytest
from activity_reports import report, worker
from source_builder import SourceBuilder

from ssw_linkage.cli import main


@pytest.fixture
def url(sqlite_engine) -> str:
    src = SourceBuilder(sqlite_engine)
    for bureau in ("TOKYO", "TOKYO", "NAHA"):
        report(src, date(2026, 5, 12), [(worker(src), "not_enrolled", None, None)], bureau=bureau)
    src.load()
    return str(sqlite_engine.url)


def _said(capsys) -> str:
    """What the command printed, without log lines a server thread of an earlier test may interleave."""
    return "".join(line for line in capsys.readouterr().out.splitlines(True) if " [info " not in line)


def test_a_day_then_its_rerun(url, tmp_path, capsys):
    senders = tmp_path / "senders.json"
    senders.write_text(json.dumps({"NAHA": {"officer": "首席審査官", "contact": "担当 那覇"}}), encoding="utf-8")
    argv = ["notices", "--day", "2026-05-13", "--source", url, "--notices", str(tmp_path / "n")]
    argv += ["--senders", str(senders)]
    assert main(argv) == 0
    first = _said(capsys)
    assert "TOKYO          2       2  東京局第1号～第2号" in first
    assert "NAHA           1       1  那覇支局第1号" in first
    assert "SAPPORO        0       0  —" in first
    assert main(argv) == 0 and _said(capsys) == first
    assert main([*argv[:-2], "--bureau", "NAHA"]) == 0
    assert "TOKYO" not in capsys.readouterr().out.split("numbers", 1)[1]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--day", "2026-05-09"], 2, "not a government business day (weekend)"),
        (["--day", "2099-05-13"], 4, "has not begun"),
        (["--day", "2026-05-13", "--bureau", "ATLANTIS"], 2, "invalid choice: 'ATLANTIS'"),
        (["--day", "2026-05-13", "--period-days", "-1"], 2, "not a whole number of days"),
        (["--day", "13/05/2026"], 2, "not a date"),
    ],
)
def test_wrong_days_and_options_are_one_line_errors(url, tmp_path, capsys, args, code, message):
    assert main(["notices", "--source", url, "--notices", str(tmp_path / "n"), *args]) == code
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "n").exists()


def test_bad_senders_a_missing_source_and_a_notices_path_that_is_a_file(url, tmp_path, capsys):
    day = ["notices", "--day", "2026-05-13"]
    bad = tmp_path / "bad.json"
    for content, message in (("{", "not valid JSON"), ('{"KYOTO": {}}', "unknown bureau(s) ['KYOTO']"),
                             ('{"TOKYO": {"approvers": "tanaka"}}', "approvers must be a list")):  # fmt: skip
        bad.write_text(content, encoding="utf-8")
        assert main([*day, "--source", url, "--notices", str(tmp_path / "n"), "--senders", str(bad)]) == 2
        assert message in capsys.readouterr().err
    assert main([*day, "--source", f"sqlite:///{tmp_path / 'none.db'}", "--notices", str(tmp_path / "n")]) == 5
    (tmp_path / "file").write_text("x")
    assert main([*day, "--source", url, "--notices", str(tmp_path / "file")]) == 6
    assert "notices directory" in capsys.readouterr().err
