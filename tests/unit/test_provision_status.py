"""The status page's view of a month: state, red/amber, counts and alerts from staging."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.months import DataMonth
from ssw_linkage.provision_status import month_status

MAY = DataMonth(2026, 5)  # deadline 2026-06-29 (Mon); three business days before: 2026-06-24 (Wed)
CALENDAR = GovernmentCalendar()


def publish(staging, month, ready=True):
    package = staging / month.compact
    package.mkdir(parents=True)
    items = [{"item": n, "written": 10 * n, "carried_over": n % 2} for n in range(1, 9)]
    manifest = json.dumps({"items": items, "held": {"rows": 4}, "carried": {"rows": 2}}).encode()
    (package / "MANIFEST.JSON").write_bytes(manifest)
    (package / "READY").write_text(hashlib.sha256(manifest).hexdigest() if ready else "0" * 64)


@pytest.mark.parametrize(
    "today, run, state, colour",
    [
        (date(2026, 6, 23), None, "missing", ""),
        (date(2026, 6, 24), None, "missing", "amber"),
        (date(2026, 6, 29), ("r1", "running"), "running", "amber"),
        (date(2026, 6, 30), ("r1", "failed"), "failed", "red"),
        (date(2026, 6, 30), ("r1", "queued"), "running", "red"),
    ],
)
def test_a_month_not_ready_is_amber_in_the_risk_window_and_red_after_the_deadline(tmp_path, today, run, state, colour):
    status = month_status(tmp_path, MAY, today, run, CALENDAR)
    assert (status.state, status.colour, status.deadline_text) == (state, colour, "2026-06-29（月）")
    assert status.items == {} and status.quarantined is None


def test_a_ready_month_shows_its_counts_alerts_and_cover_and_is_never_red(tmp_path):
    publish(tmp_path, MAY)
    (tmp_path / ".alerts").mkdir()
    (tmp_path / ".alerts" / "202605-late").touch()
    (tmp_path / "disc" / "202605").mkdir(parents=True)
    (tmp_path / "disc" / "202605" / "COVER.PDF").write_bytes(b"%PDF")
    status = month_status(tmp_path, MAY, date(2026, 7, 10), ("r2", "success"), CALENDAR)
    assert (status.state, status.colour, status.run_id, status.has_cover) == ("ready", "", "r2", True)
    assert status.items == {n: 10 * n + n % 2 for n in range(1, 9)}
    assert (status.quarantined, status.carried, status.alerts) == (4, 2, ("late",))
    assert status.business_days_left < 0


def test_a_ready_file_that_does_not_hold_the_manifest_digest_is_not_ready(tmp_path):
    publish(tmp_path, MAY, ready=False)
    status = month_status(tmp_path, MAY, date(2026, 7, 1), ("r3", "success"), CALENDAR)
    assert (status.state, status.colour, status.has_cover) == ("missing", "red", False)
