"""The audit log: a chain of SHA-256 digests that an edited, removed or inserted line breaks."""

from __future__ import annotations

import json

import pytest

from ssw_linkage.audit import GENESIS, AuditLog, acting_as, line_digest
from ssw_linkage.cli import main
from ssw_linkage.months import DataMonth

MAY = DataMonth(2026, 5)


@pytest.fixture
def log(tmp_path) -> AuditLog:
    log = AuditLog(tmp_path)
    log.append("ready", MAY, 1, manifest_sha256="a" * 64)
    with acting_as("officer-1"):
        log.append("built", MAY, 1, image_sha256="b" * 64)
    log.append("notified", MAY, 1, image_sha256="b" * 64)
    return log


def test_each_line_names_the_one_before_and_the_actor(log):
    lines = log.path.read_bytes().splitlines(keepends=True)
    entries = [json.loads(line) for line in lines]
    assert [e["prev"] for e in entries] == [GENESIS, line_digest(lines[0]), line_digest(lines[1])]
    assert [e["seq"] for e in entries] == [1, 2, 3] and entries[1]["actor"] == "officer-1"
    assert entries[0]["actor"] != "officer-1" and "@" in entries[0]["actor"]
    assert log.check() == [] and (log.path.stat().st_mode & 0o777) == 0o600


def test_unknown_events_are_refused(log):
    with pytest.raises(ValueError, match="unknown audit event"):
        log.append("shredded", MAY, 1)


@pytest.mark.parametrize(
    "tamper, found",
    [
        (lambda lines: [lines[0], lines[1].replace(b'"b', b'"c', 1), lines[2]], "line 3: does not follow line 2"),
        (lambda lines: [lines[0], lines[2]], "line 2: sequence number 3"),
        (lambda lines: lines[:2], "HEAD: 3 "),
        (lambda lines: [lines[1], lines[0], lines[2]], "line 1: sequence number 2"),
        (lambda lines: [*lines[:2], b"not json\n", lines[2]], "line 3: not a JSON object"),
    ],
    ids=["edited", "removed", "last removed", "reordered", "inserted"],
)
def test_tampering_is_found(log, tamper, found, capsys):
    lines = log.path.read_bytes().splitlines(keepends=True)
    log.path.write_bytes(b"".join(tamper(lines)))
    assert any(found in problem for problem in log.check()), log.check()
    assert main(["audit", "--staging", str(log.staging.root), "--check"]) == 7
    assert "audit log" in capsys.readouterr().err


def test_cli_check_and_listing(log, capsys):
    assert main(["audit", "--staging", str(log.staging.root), "--check"]) == 0
    assert "3 entries, chain and HEAD intact" in capsys.readouterr().out
    assert main(["audit", "--staging", str(log.staging.root), "--month", "2026-05"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and "notified" in out[2] and "r1" in out[2]
    (log.path.with_name("HEAD")).unlink()
    assert main(["audit", "--staging", str(log.staging.root), "--check"]) == 7
