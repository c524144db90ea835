"""The status page's view of a month: state, red/amber, counts and alerts from staging, and how far its
package has gone after READY from the delivery records the handover writes (ssw_linkage.delivery)."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.delivery import HANDOVER, REJECTED, Delivery
from ssw_linkage.months import DataMonth
from ssw_linkage.provision_status import cover_sheet, month_status
from ssw_linkage.staging import Staging

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


def test_a_ready_month_shows_its_counts_alerts_and_cover_and_is_red_until_handed_over(tmp_path):
    publish(tmp_path, MAY)
    (tmp_path / ".alerts").mkdir()
    (tmp_path / ".alerts" / "202605-late").touch()
    (tmp_path / "disc" / "202605").mkdir(parents=True)
    (tmp_path / "disc" / "202605" / "COVER.PDF").write_bytes(b"%PDF")
    status = month_status(tmp_path, MAY, date(2026, 7, 10), ("r2", "success"), CALENDAR)
    assert (status.state, status.colour, status.run_id, status.has_cover) == ("ready", "red", "r2", True)
    assert status.items == {n: 10 * n + n % 2 for n in range(1, 9)}
    assert (status.quarantined, status.carried, status.alerts, status.revision) == (4, 2, ("late",), 1)
    assert status.business_days_left < 0
    hand_over(tmp_path, 1)
    assert month_status(tmp_path, MAY, date(2026, 7, 10), ("r2", "success"), CALENDAR).colour == ""


RECEIVER = "厚労 花子"  # the handover record's receiver: kept there, never read for the page


def hand_over(staging, revision, kind=HANDOVER):
    """A handover (or rejection) of ``revision``, recorded as the handover task records it."""
    reason = "媒体が読み取れない" if kind == REJECTED else ""
    record = {"data_month": str(MAY), "revision": revision, "outcome": kind, "received_by": RECEIVER, "reason": reason}
    Delivery(staging, MAY).record(kind, revision, record)


def step(staging, what: str) -> None:
    """``notified <n>``, ``rejected <n>``, ``handover <n>``, or ``revised``: r1 kept aside, r2 published."""
    if what == "revised":
        Staging(staging).prepare().keep_revision(MAY)
        publish(staging, MAY)
        return
    kind, revision = what.split()
    if kind == "notified":
        assert Delivery(staging, MAY).claim_notice(int(revision), "ab" * 32)
    else:
        hand_over(staging, int(revision), kind)


R1_DELIVERED = ("notified 1", "handover 1", "revised")


@pytest.mark.parametrize(
    "steps, state, revision, colour",
    [
        ((), "ready", 1, "amber"),
        (("notified 1",), "notified", 1, "amber"),
        (("notified 1", "rejected 1"), "rejected", 1, "amber"),
        (("notified 1", "handover 1"), "handed over", 1, ""),
        (("notified 1", "rejected 1", "handover 1"), "handed over", 1, ""),
        (R1_DELIVERED, "ready", 2, ""),
        ((*R1_DELIVERED, "notified 2"), "notified", 2, ""),
        ((*R1_DELIVERED, "notified 2", "rejected 2"), "rejected", 2, ""),
        ((*R1_DELIVERED, "notified 2", "handover 2"), "revised", 2, ""),
    ],
)
def test_after_ready_the_state_follows_the_current_revisions_delivery_records(tmp_path, steps, state, revision, colour):
    publish(tmp_path, MAY)
    for what in steps:
        step(tmp_path, what)
    status = month_status(tmp_path, MAY, date(2026, 6, 26), ("r1", "success"), CALENDAR)  # in the risk window
    assert (status.state, status.revision, status.colour) == (state, revision, colour)
    assert status.items == {n: 10 * n + n % 2 for n in range(1, 9)} and RECEIVER not in repr(status)
    assert cover_sheet(tmp_path, MAY).parent.name == ("202605" if revision == 1 else f"202605-r{revision}")


def test_reading_the_delivery_records_creates_nothing(tmp_path):
    publish(tmp_path, MAY)
    month_status(tmp_path, MAY, date(2026, 6, 26), None, CALENDAR)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["202605"]


def test_a_ready_file_that_does_not_hold_the_manifest_digest_is_not_ready(tmp_path):
    publish(tmp_path, MAY, ready=False)
    status = month_status(tmp_path, MAY, date(2026, 7, 1), ("r3", "success"), CALENDAR)
    assert (status.state, status.colour, status.has_cover) == ("missing", "red", False)
