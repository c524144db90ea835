"""Every bad input is one line on stderr with the exit code of its class, never a traceback."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from databases import PG_URL
from sqlalchemy import make_url

from ssw_linkage import cli, errors, source, synthetic
from ssw_linkage.months import DataMonth

BIN = str(Path(sys.executable).with_name("ssw-linkage"))


def one_error_line(capsys, argv: list[str], code: int) -> str:
    """Run the CLI, check its exit code and that stderr is a single error line; return that line."""
    assert cli.main(argv) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 1 and err.startswith("error: "), err
    return err.strip()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> str:
    """A small seeded SQLite source, shared by the tests that need a good one."""
    url = f"sqlite:///{tmp_path_factory.mktemp('source') / 'source.db'}"
    engine = source.connect(url)
    synthetic.seed(engine, DataMonth(2026, 4).until(DataMonth(2026, 5)), 300)
    engine.dispose()
    return url


def run(url: str, staging: Path | str, *extra: str) -> list[str]:
    return ["run", "--month", "2026-05", "--source", url, "--staging", str(staging), *extra]


@pytest.mark.parametrize(
    "change, named",
    [
        ({"database": "ssw_no_such_database"}, "127.0.0.1:5432/ssw_no_such_database unavailable"),
        ({"host": "127.0.0.1", "port": 1}, "port 1 failed: Connection refused"),
        ({"host": "no-such-host.invalid"}, "no-such-host.invalid"),
    ],
)
def test_an_unreachable_postgresql_source(tmp_path, capsys, change, named):
    url = make_url(PG_URL).set(password="s3cret-pw", **change).render_as_string(hide_password=False)
    line = one_error_line(capsys, run(url, tmp_path / "staging"), errors.SourceUnavailable.exit_code)
    assert named in line and "check the source URL" in line
    assert "s3cret-pw" not in line, "a credential in the message"


def test_a_source_that_is_not_a_url(tmp_path, capsys):
    line = one_error_line(capsys, run("demo/source.db", tmp_path), errors.UsageError.exit_code)
    assert "not a database URL" in line and "sqlite:///" in line


def test_a_missing_sqlite_source_is_reported_and_not_created(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = one_error_line(capsys, run("sqlite:///no/such.db", "staging"), errors.SourceUnavailable.exit_code)
    assert "no SQLite source file no/such.db" in line
    line = one_error_line(capsys, run(f"sqlite:///{tmp_path}/such.db", "staging"), errors.SourceUnavailable.exit_code)
    assert f"{tmp_path}/such.db" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "the CLI created a file or directory"


def test_an_sqlite_file_without_the_source_schema(tmp_path, capsys):
    (tmp_path / "empty.db").touch()
    line = one_error_line(capsys, run(f"sqlite:///{tmp_path}/empty.db", tmp_path / "st"), 5)
    assert "does not hold the source schema" in line and "seed it" in line
    assert (tmp_path / "empty.db").stat().st_size == 0, "opened for reading only"


@pytest.mark.parametrize("where", ["file", "under-a-file", "/proc/sys/ssw-staging"])
def test_a_staging_path_that_cannot_be_used(tmp_path, capsys, seeded, where):
    (tmp_path / "file").write_text("x")
    staging = {"file": tmp_path / "file", "under-a-file": tmp_path / "file" / "staging"}.get(where, Path(where))
    line = one_error_line(capsys, run(seeded, staging), errors.StagingError.exit_code)
    assert f"staging {staging}" in line and "--staging" in line


def test_seed_refuses_an_existing_source_unless_told(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'source.db'}"
    seed = ["seed", "--source", url, "--months", "2026-03", "--events", "50"]
    assert cli.main(seed) == 0
    size = (tmp_path / "source.db").stat().st_size
    line = one_error_line(capsys, seed, errors.UsageError.exit_code)
    assert "already holds the source tables" in line and "--drop-existing" in line
    assert cli.main([*seed, "--if-empty"]) == 0 and "left as it is" in capsys.readouterr().out
    assert (tmp_path / "source.db").stat().st_size == size
    assert cli.main([*seed, "--drop-existing"]) == 0


@pytest.mark.parametrize(
    "argv, named",
    [
        (["seed", "--source", "sqlite://", "--months", "2026-07:2026-03"], "2026-07 comes after 2026-03"),
        (["seed", "--source", "sqlite://", "--months", "2026-03", "--bad-rate", "2"], "argument --bad-rate"),
        (["seed", "--source", "sqlite://", "--months", "2026-03", "--events", "-5"], "argument --events"),
        (["seed", "--source", "sqlite://", "--months", "2026-03", "--events", "0"], "argument --events"),
        (["deadline", "--year", "0"], "argument --year"),
        (["deadline", "9999-12"], "9999-12 is outside 2019-01..2100-12"),
        (["deadline"], "give either a data month"),
        (["run", "--month", "0000-01", "--source", "sqlite://", "--staging", "x"], "0000-01 is outside"),
        (["run", "--month", "May", "--source", "sqlite://", "--staging", "x"], "not a data month"),
        (["run", "--month", "2026-05"], "required: --source, --staging"),
        (["spec", "--output", "no-such-dir/x.md"], "cannot write --output no-such-dir/x.md"),
        ([], "required: COMMAND"),
    ],
)
def test_bad_arguments(tmp_path, capsys, monkeypatch, argv, named):
    monkeypatch.chdir(tmp_path)
    assert named in one_error_line(capsys, argv, errors.UsageError.exit_code)


@pytest.mark.parametrize(
    "knob, value, rule, good",
    [
        ("SSW_BATCH_ROWS", "abc", "a whole number of 1 or more", " 4096 "),
        ("SSW_BATCH_ROWS", "0", "a whole number of 1 or more", "1000"),
        ("SSW_EXTRACT_WORKERS", "-2", "a whole number of 1 or more", "3"),
        ("SSW_EXTRACT_WORK_MEM", "64 megs", "a PostgreSQL memory size such as 64MB", "32MB"),
    ],
)
def test_a_wrong_tuning_knob_stops_the_run_before_it_starts(
    tmp_path, capsys, monkeypatch, seeded, knob, value, rule, good
):
    monkeypatch.setenv(knob, value)
    line = one_error_line(capsys, run(seeded, tmp_path), errors.UsageError.exit_code)
    assert line == f"error: {knob} must be {rule}, not {value!r}"
    assert list(tmp_path.iterdir()) == [], "nothing made in staging"
    monkeypatch.setenv(knob, good)
    assert cli.main(run(seeded, tmp_path)) == 0


def test_a_conflict_names_the_real_flag(tmp_path, capsys, seeded):
    assert cli.main(run(seeded, tmp_path)) == 0
    capsys.readouterr()
    line = one_error_line(capsys, run(seeded, tmp_path, "--encoding", "utf-8-bom"), errors.PackageConflict.exit_code)
    assert "a different package for 2026-05" in line and "rerun with --replace" in line
    assert cli.main(run(seeded, tmp_path, "--encoding", "utf-8-bom", "--replace")) == 0


def test_verbose_adds_the_traceback(tmp_path):
    done = subprocess.run([BIN, *run("demo/source.db", tmp_path), "--verbose"], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" in done.stderr
    assert done.stderr.splitlines()[-1].startswith("error: the source is not a database URL")


@pytest.mark.parametrize("argv", [["deadline", "--year", "2027"], ["missed", "--from", "2026-01", "--to", "2026-06"]])
def test_a_closed_pipe_ends_quietly(tmp_path, argv):
    if argv[0] == "missed":
        argv += ["--staging", str(tmp_path)]
    reader_gone = subprocess.Popen([BIN, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader_gone.stdout.close()  # like `| head` exiting before the command writes
    assert reader_gone.wait(timeout=30) == cli.BROKEN_PIPE
    assert reader_gone.stderr.read() == b""


def test_every_option_is_explained(capsys):
    commands = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert set(commands) == {
        "run", "disc", "verify", "notices", "seed", "spec", "missed", "deadline", "audit", "purge"
    }
    for name, command in commands.items():
        assert command.description, name
        for action in command._actions:
            assert action.help, f"{name} {action.dest}"
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0 and capsys.readouterr().out.startswith("ssw-linkage 0.1.0")
    assert "exit codes:" in cli.parser().format_help()
