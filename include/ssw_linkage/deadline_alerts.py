"""Deadline alerts: when to warn, what the mail says (Japanese, no personal data), and a ledger so
each month and level is mailed once, whoever notices first (the in-run sensors or the watchdog).

Levels, for a package not yet READY:
- ``risk``:  N business days before the deadline (default 3), at a set JST time (default 09:00);
- ``final``: on the deadline day, in the morning (default 08:30 JST);
- ``late``:  once the deadline day is over.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from pathlib import Path

from ssw_linkage.business_calendar import GovernmentCalendar, weekday_ja
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.staging import Staging


class Level(Enum):
    RISK = "risk"
    FINAL = "final"
    LATE = "late"

    @property
    def rank(self) -> int:
        return list(Level).index(self)


@dataclass(frozen=True)
class AlertPolicy:
    risk_business_days: int = 3
    risk_time: time = time(9, 0)
    final_time: time = time(8, 30)


@dataclass(frozen=True)
class DeadlineFacts:
    """Everything an alert says about a month, computed once."""

    month: DataMonth
    deadline: date
    alert_times: dict[Level, datetime]
    business_days_left: int


def facts(month: DataMonth, now: datetime, calendar: GovernmentCalendar, policy: AlertPolicy) -> DeadlineFacts:
    deadline = calendar.deadline(month)
    risk_day = deadline
    for _ in range(policy.risk_business_days):
        risk_day = calendar.previous_business_day(risk_day)
    times = {
        Level.RISK: datetime.combine(risk_day, policy.risk_time, tzinfo=JST),
        Level.FINAL: datetime.combine(deadline, policy.final_time, tzinfo=JST),
        Level.LATE: datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=JST),
    }
    today = now.astimezone(JST).date()
    return DeadlineFacts(month, deadline, times, calendar.business_days_between(today, deadline))


def due_level(f: DeadlineFacts, now: datetime) -> Level | None:
    """The highest level whose time has come (None before the risk time)."""
    due = [level for level, at in f.alert_times.items() if now >= at]
    return due[-1] if due else None


def package_state(staging: Path, month: DataMonth) -> str:
    """The package's state in Japanese, for the mail."""
    if Staging(staging).is_ready(month):
        return "作成済み（READY）"
    if Staging(staging).has_build(month):
        return "作成中または失敗（未完成の作業ディレクトリあり）"
    return "未作成（この対象月の処理が実行されていない可能性があります）"


_SUBJECTS = {
    Level.RISK: "【特定技能情報連携】提出期限が近づいています：{month}分（期限 {deadline}、残り{left}業務日）",
    Level.FINAL: "【特定技能情報連携・至急】本日が提出期限です：{month}分（期限 {deadline}）",
    Level.LATE: "【特定技能情報連携・期限超過】{month}分の提出期限（{deadline}）を過ぎています",
}
_ACTIONS = {
    Level.RISK: "当該対象月の実行状況を確認し、失敗していれば原因を解消して再実行してください。",
    Level.FINAL: "本日中にパッケージを作成し、厚生労働省へ準備完了の連絡ができるよう対応してください。",
    Level.LATE: "至急パッケージを作成し、厚生労働省年金局へ遅延の旨と準備完了の見込みを連絡してください。",
}


def render(level: Level, f: DeadlineFacts, state: str, link: str) -> tuple[str, str]:
    """Subject and HTML body of an alert. Only the month, dates, counts and a link: no personal data."""
    deadline = f"{f.deadline.isoformat()}（{weekday_ja(f.deadline)}）"
    subject = _SUBJECTS[level].format(month=f.month, deadline=deadline, left=max(f.business_days_left, 0))
    left = f"{f.business_days_left}業務日" if f.business_days_left >= 0 else f"期限を{-f.business_days_left}業務日超過"
    body = f"""<p>特定技能外国人に係る月次情報提供の提出期限についてのお知らせです。</p>
<table>
<tr><th>対象月</th><td>{f.month}</td></tr>
<tr><th>提出期限</th><td>{deadline}（翌月の最終業務日の一業務日前）</td></tr>
<tr><th>残り業務日数</th><td>{left}</td></tr>
<tr><th>パッケージの状態</th><td>{state}</td></tr>
</table>
<p>対応：{_ACTIONS[level]}
未実行の対象月は <code>ssw-linkage missed</code> で確認し、バックフィルしてください。</p>
<p><a href="{link}">実行状況（Airflow）</a></p>
<p>このメールには個人情報を含めていません。同じ対象月・同じ段階の通知は一度だけ送信されます。</p>"""
    return subject, body


class AlertLedger:
    """Marker files ``<staging>/.alerts/<YYYYMM>-<level>``: an alert is claimed before it is sent and
    released if sending fails, so retries resend and nothing is mailed twice."""

    def __init__(self, staging: Path):
        self.staging = Staging(staging)

    def _marker(self, month: DataMonth, level: Level) -> Path:
        return self.staging.prepare().alerts_dir() / f"{month.compact}-{level.value}"

    def claim(self, month: DataMonth, level: Level) -> bool:
        try:
            os.close(os.open(self._marker(month, level), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
            return True
        except FileExistsError:
            return False

    def release(self, month: DataMonth, level: Level) -> None:
        self._marker(month, level).unlink(missing_ok=True)


def sensor_action(level: Level, f: DeadlineFacts, now: datetime, ready: bool) -> tuple[str, datetime | None]:
    """What the in-run sensor for ``level`` does now: ``("quiet", None)``, ``("alert", None)`` or
    ``("wait", until)``. A level overtaken by a later one stays quiet: only the latest due level mails."""
    if ready:
        return "quiet", None
    due = due_level(f, now)
    if due is None or due.rank < level.rank:
        return "wait", f.alert_times[level]
    return ("alert", None) if due is level else ("quiet", None)


def months_to_alert(
    staging: Path, first: DataMonth, last: DataMonth, now: datetime, calendar: GovernmentCalendar, policy: AlertPolicy
) -> list[tuple[Level, DeadlineFacts]]:
    """The watchdog's view: every month from ``first`` to ``last`` not READY whose alert time has come."""
    found = []
    for month in first.until(last):
        if Staging(staging).is_ready(month):
            continue
        f = facts(month, now, calendar, policy)
        level = due_level(f, now)
        if level is not None:
            found.append((level, f))
    return found
