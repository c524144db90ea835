"""Alert decisions with an injected clock, the mail text, and the once-only ledger."""

from datetime import datetime

import pytest

from ssw_linkage import deadline_alerts as da
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.delivery import HANDOVER, Delivery
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.staging import Staging

MAY = DataMonth(2026, 5)  # deadline Monday 2026-06-29; risk 3 business days before: Wednesday 06-24
CAL, POLICY = GovernmentCalendar(), da.AlertPolicy()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JST)


def look(now: str, delivered: bool = False, ready: bool = False) -> tuple:
    moment = at(now)
    found = da.sensor_look(da.facts(MAY, moment, CAL, POLICY), moment, delivered, ready)
    return found.due, found.next_look


def test_alert_times_follow_the_business_calendar():
    f = da.facts(MAY, at("2026-06-01 07:00"), CAL, POLICY)
    assert str(f.deadline) == "2026-06-29"
    assert f.alert_times == {
        da.Level.RISK: at("2026-06-24 09:00"),
        da.Level.UNCOLLECTED: at("2026-06-25 09:00"),
        da.Level.FINAL: at("2026-06-29 08:30"),
        da.Level.LATE: at("2026-06-30 00:00"),
    }
    assert f.business_days_left == 20


def test_before_the_risk_time_the_sensor_waits_for_it_without_mail():
    assert look("2026-06-03 07:00") == (None, at("2026-06-24 09:00"))
    assert look("2026-06-24 08:59", ready=True) == (None, at("2026-06-24 09:00"))


def test_not_ready_at_the_risk_time_mails_the_risk_alert_then_waits_for_the_next_time():
    assert look("2026-06-24 09:00") == (da.Level.RISK, at("2026-06-25 09:00"))


def test_delivered_means_no_mail_and_no_more_looks():
    for now in ("2026-06-10 10:00", "2026-06-24 09:00", "2026-06-29 09:00", "2026-07-02 10:00"):
        assert look(now, delivered=True) == (None, None)


def test_ready_but_not_collected_has_its_own_level_two_business_days_before():
    assert look("2026-06-25 09:00", ready=True) == (da.Level.UNCOLLECTED, at("2026-06-29 08:30"))
    # not ready: the risk alert is still the one due (the ledger has it already: no second mail)
    assert look("2026-06-25 09:00") == (da.Level.RISK, at("2026-06-29 08:30"))
    assert look("2026-06-29 08:30", ready=True) == (da.Level.FINAL, at("2026-06-30 00:00"))


def test_a_passed_deadline_mails_one_late_alert_and_the_sensor_ends():
    assert look("2026-06-30 00:00") == (da.Level.LATE, None)
    assert look("2026-11-27 10:00", ready=True) == (da.Level.LATE, None)  # a backfill: earlier levels overtaken


def test_the_ledger_lets_each_month_and_level_through_once(tmp_path):
    ledger = da.AlertLedger(tmp_path)
    assert ledger.claim(MAY, da.Level.RISK) and not ledger.claim(MAY, da.Level.RISK)
    assert ledger.claim(MAY, da.Level.LATE) and ledger.claim(MAY.next(), da.Level.RISK)
    ledger.release(MAY, da.Level.RISK)  # a failed send
    assert ledger.claim(MAY, da.Level.RISK)


@pytest.mark.parametrize("level", list(da.Level))
def test_mail_text_is_japanese_and_names_month_deadline_and_days_left(level):
    f = da.facts(MAY, at("2026-06-24 09:00"), CAL, POLICY)
    subject, body = da.render(level, f, "未作成", "http://airflow.example/dags/x")
    assert "2026-05分" in subject and "2026-06-29（月）" in subject
    assert "提出期限" in body and "3業務日" in body and "未作成" in body and "http://airflow.example/dags/x" in body


def test_the_watchdog_view_skips_delivered_months_only(tmp_path):
    for month in ("202604", "202606"):
        (tmp_path / month).mkdir()
        (tmp_path / month / "MANIFEST.JSON").write_text("{}")
        Staging(tmp_path).mark_ready(DataMonth.parse(month))
    Delivery(tmp_path, DataMonth(2026, 4)).record(HANDOVER, 1, {"outcome": HANDOVER})
    found = da.months_to_alert(tmp_path, DataMonth(2026, 3), DataMonth(2026, 6), at("2026-07-29 10:00"), CAL, POLICY)
    assert [(level.value, str(f.month)) for level, f in found] == [
        ("late", "2026-03"),
        ("late", "2026-05"),
        ("uncollected", "2026-06"),  # ready, not collected, two business days before its deadline
    ]


def test_after_the_deadline_nothing_is_left_even_on_a_weekend():
    saturday = at("2026-07-04 10:00")  # the deadline was Monday 06-29
    f = da.facts(MAY, saturday, CAL, POLICY)
    subject, body = da.render(da.Level.LATE, f, "未作成", "http://airflow.example/dags/x")
    assert "過ぎています" in subject and "なし（提出期限から5日経過）" in body and "0業務日" not in body
    on_the_day = da.facts(MAY, at("2026-06-29 08:30"), CAL, POLICY)
    assert on_the_day.left_ja() == "本日が提出期限です"


def test_the_handover_mail_says_whether_it_came_late(tmp_path):
    late = da.render_delivered(da.facts(MAY, at("2026-07-01 10:00"), CAL, POLICY), [da.Level.LATE], "http://x")
    assert late[0] == "【特定技能情報連携】2026-05分の受け渡しが記録されました（提出期限から2日後）"
    assert "遅延の経緯" in late[1] and "期限超過" in late[1]
    early = da.render_delivered(da.facts(MAY, at("2026-06-25 10:00"), CAL, POLICY), [da.Level.RISK], "http://x")
    assert "（提出期限内）" in early[0] and "対応は不要" in early[1]


def test_the_ledger_keeps_a_note_with_each_marker(tmp_path):
    ledger = da.AlertLedger(tmp_path)
    assert ledger.claim(MAY, "failed-run_1-0", "run:1") and ledger.claim(MAY, "failed-run_2-0", "run:2")
    assert ledger.kinds(MAY, "failed-") == ["failed-run_1-0", "failed-run_2-0"]
    assert ledger.note(MAY, "failed-run_2-0") == "run:2" and ledger.claimed(MAY, "failed-run_1-0")
    assert ledger.claim(None, "failed-x") and ledger.path(None, "failed-x").name == "nomonth-failed-x"
