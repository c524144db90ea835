"""Deadline alerts: when to warn, what the mail says (Japanese, no personal data), and a ledger so
each month and level is mailed once, whoever notices first (the in-run sensors or the watchdog).

A month is delivered once a revision of it has been handed over to MHLW (``ssw_linkage.delivery``).
Levels, for a month not yet delivered:
- ``risk``:  N business days before the deadline (default 3), at a set JST time (default 09:00);
- ``uncollected``: the package is READY but not collected, 2 business days before the deadline, at the risk time;
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
from ssw_linkage.delivery import Delivery
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.staging import ALERTS, Staging


class Level(Enum):
    RISK = "risk"
    UNCOLLECTED = "uncollected"
    FINAL = "final"
    LATE = "late"

    @property
    def rank(self) -> int:
        return list(Level).index(self)


@dataclass(frozen=True)
class AlertPolicy:
    risk_business_days: int = 3
    uncollected_business_days: int = 2
    risk_time: time = time(9, 0)
    final_time: time = time(8, 30)


@dataclass(frozen=True)
class DeadlineFacts:
    """Everything an alert says about a month, computed once."""

    month: DataMonth
    deadline: date
    alert_times: dict[Level, datetime]
    business_days_left: int
    today: date | None = None  # JST

    @property
    def days_overdue(self) -> int:
        """Calendar days since the deadline day (0 up to and on the deadline day)."""
        return max((self.today - self.deadline).days, 0) if self.today else 0

    def left_ja(self) -> str:
        """What is left before the deadline, in words that stay true on weekends and holidays."""
        if self.days_overdue:
            return f"なし（提出期限から{self.days_overdue}日経過）"
        if self.today == self.deadline:
            return "本日が提出期限です"
        return f"{self.business_days_left}業務日（本日を含まず、期限日を含む）"


def facts(month: DataMonth, now: datetime, calendar: GovernmentCalendar, policy: AlertPolicy) -> DeadlineFacts:
    deadline = calendar.deadline(month)

    def before(days: int) -> date:
        day = deadline
        for _ in range(days):
            day = calendar.previous_business_day(day)
        return day

    times = {
        Level.RISK: datetime.combine(before(policy.risk_business_days), policy.risk_time, tzinfo=JST),
        Level.UNCOLLECTED: datetime.combine(before(policy.uncollected_business_days), policy.risk_time, tzinfo=JST),
        Level.FINAL: datetime.combine(deadline, policy.final_time, tzinfo=JST),
        Level.LATE: datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=JST),
    }
    today = now.astimezone(JST).date()
    return DeadlineFacts(month, deadline, times, calendar.business_days_between(today, deadline), today)


def due_level(f: DeadlineFacts, now: datetime, ready: bool = False) -> Level | None:
    """The highest level whose time has come (None before the risk time); ``uncollected`` only for a READY package."""
    due = [level for level, at in f.alert_times.items() if now >= at and (ready or level is not Level.UNCOLLECTED)]
    return due[-1] if due else None


READY_JA = "作成済み（READY）"
UNCOLLECTED_JA = "作成済み（READY）・未受領（受け渡しが記録されていません）"
DELIVERED_JA = "受け渡し済み"
LEVEL_JA = {"risk": "期限接近", "uncollected": "未受領", "final": "期限当日", "late": "期限超過"}


def delivered(staging: Path, month: DataMonth) -> bool:
    """Whether a revision of the month has been handed over: what the sensors and the watchdog wait for."""
    return Delivery(staging, month).delivered()


def package_state(staging: Path, month: DataMonth) -> str:
    """The package's state in Japanese, as seen from the staging directory alone (the watchdog's view)."""
    if delivered(staging, month):
        return DELIVERED_JA
    if Staging(staging).is_ready(month):
        return UNCOLLECTED_JA
    if Staging(staging).has_build(month):
        return "作成中または失敗（未完成の作業ディレクトリあり）"
    return "未作成（この対象月の実行が作成されていないか、まだ何も書いていません）"


_SUBJECTS = {
    Level.RISK: "【特定技能情報連携】提出期限が近づいています：{month}分（期限 {deadline}、残り{left}業務日）",
    Level.UNCOLLECTED: "【特定技能情報連携】未受領：{month}分は作成済みですが受け渡されていません（期限 {deadline}）",
    Level.FINAL: "【特定技能情報連携・至急】本日が提出期限です：{month}分（期限 {deadline}）",
    Level.LATE: "【特定技能情報連携・期限超過】{month}分の提出期限（{deadline}）を過ぎています",
}
_ACTIONS = {
    Level.RISK: "当該対象月の実行状況を確認し、失敗していれば原因を解消して再実行してください。",
    Level.UNCOLLECTED: "厚生労働省と受け取りの日時を確認し、受け渡したら Airflow の handover で記録してください。",
    Level.FINAL: "本日中にパッケージを作成し、厚生労働省へ準備完了の連絡ができるよう対応してください。",
    Level.LATE: "至急パッケージを作成し、厚生労働省年金局へ遅延の旨と準備完了の見込みを連絡してください。",
}


def render(level: Level, f: DeadlineFacts, state: str, link: str) -> tuple[str, str]:
    """Subject and HTML body of an alert. Only the month, dates, counts and a link: no personal data."""
    deadline = f"{f.deadline.isoformat()}（{weekday_ja(f.deadline)}）"
    subject = _SUBJECTS[level].format(month=f.month, deadline=deadline, left=max(f.business_days_left, 0))
    left = f.left_ja()
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
<p>このメールには個人情報を含めていません。同じ対象月・同じ段階の通知は一度だけ送信されます。
受け渡しが記録されたら、改めてお知らせします。</p>"""
    return subject, body


def render_delivered(f: DeadlineFacts, alerted: list[Level], link: str) -> tuple[str, str]:
    """The all-clear after a deadline alert: the month has been handed over (``f`` computed at this moment)."""
    deadline = f"{f.deadline.isoformat()}（{weekday_ja(f.deadline)}）"
    late = f.days_overdue > 0
    when = f"提出期限から{f.days_overdue}日後" if late else "提出期限内"
    subject = f"【特定技能情報連携】{f.month}分の受け渡しが記録されました（{when}）"
    action = (
        "厚生労働省年金局へ遅延の経緯を報告してください。"
        if late
        else "先にお送りした提出期限の通知への対応は不要になりました。"
    )
    sent = "、".join(LEVEL_JA[level.value] for level in alerted)
    body = f"""<p>特定技能外国人に係る月次情報提供の媒体の受け渡しが記録されました。</p>
<table>
<tr><th>対象月</th><td>{f.month}</td></tr>
<tr><th>提出期限</th><td>{deadline}</td></tr>
<tr><th>状態</th><td>{DELIVERED_JA}（{when}）</td></tr>
<tr><th>先に送った通知</th><td>{sent}</td></tr>
</table>
<p>対応：{action}</p>
<p><a href="{link}">実行状況（Airflow）</a></p>
<p>このメールには個人情報を含めていません。この通知は対象月ごとに一度だけ送信されます。</p>"""
    return subject, body


def render_held(
    month: DataMonth, rows: int, by_age: dict[int, int], threshold: int, quarantine: Path, link: str
) -> tuple[str, str]:
    """Rows still held (not deliverable) in ``month``'s package, ``threshold`` months old or more: counts only."""
    old = sum(n for age, n in by_age.items() if age >= threshold)
    ages = "、".join(f"{age}か月：{n}件" for age, n in sorted(by_age.items()))
    subject = f"【特定技能情報連携】保留が{threshold}か月以上続くレコード {old}件（{month}分パッケージ時点）"
    body = f"""<p>検証で保留（提供対象外）となり、まだ提供できていないレコードがあります。</p>
<table>
<tr><th>パッケージ</th><td>{month}分（保留中のレコードの最新の状況）</td></tr>
<tr><th>保留中の件数</th><td>{rows}件</td></tr>
<tr><th>うち{threshold}か月以上</th><td>{old}件</td></tr>
<tr><th>保留期間別</th><td>{ages}</td></tr>
</table>
<p>対応：運用担当者は、<code>{quarantine}</code> に不透明なレコードIDで列挙された記録を、
違反した規則（列名:規則名）に従って業務システムで修正してください。修正された記録は次の月次パッケージで提供されます。</p>
<p><a href="{link}">実行状況（Airflow）</a></p>
<p>このメールには個人情報を含めていません（件数のみ）。この通知はパッケージごとに一度だけ送信されます。</p>"""
    return subject, body


class AlertLedger:
    """Marker files ``<staging>/.alerts/<YYYYMM>-<kind>`` (kind: a level, ``ready``, ``held``,
    ``failed-<run>``): a mail is claimed before it is sent and released if sending fails, so retries
    resend and nothing is mailed twice."""

    NO_MONTH = "nomonth"

    def __init__(self, staging: Path):
        self.staging = Staging(staging)

    def _name(self, month: DataMonth | None, kind: Level | str) -> str:
        return f"{month.compact if month else self.NO_MONTH}-{kind.value if isinstance(kind, Level) else kind}"

    def path(self, month: DataMonth | None, kind: Level | str) -> Path:
        """Where the marker is written (the directory is created)."""
        return self.staging.prepare().alerts_dir() / self._name(month, kind)

    def claim(self, month: DataMonth | None, kind: Level | str, note: str = "") -> bool:
        """Take the marker (holding ``note``, e.g. a run id); False if it was already taken."""
        try:
            fd = os.open(self.path(month, kind), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            return False
        with open(fd, "w", encoding="utf-8") as f:
            f.write(note)
        return True

    def note(self, month: DataMonth | None, kind: Level | str) -> str:
        return self.path(month, kind).read_text(encoding="utf-8")

    def release(self, month: DataMonth | None, kind: Level | str) -> None:
        self.path(month, kind).unlink(missing_ok=True)

    def claimed(self, month: DataMonth | None, kind: Level | str) -> bool:
        """Reading creates nothing (the status page only reads)."""
        return (self.staging.root / ALERTS / self._name(month, kind)).is_file()

    def levels(self, month: DataMonth) -> list[Level]:
        """The alert levels mailed for ``month``, in order (reading creates nothing)."""
        return [level for level in Level if self.claimed(month, level)]

    def kinds(self, month: DataMonth, prefix: str) -> list[str]:
        """The claimed kinds of ``month`` that start with ``prefix``."""
        first = self.path(month, prefix)
        return sorted(p.name.removeprefix(f"{month.compact}-") for p in first.parent.glob(f"{first.name}*"))


@dataclass(frozen=True)
class SensorLook:
    """What the run's deadline sensor does when it looks: mail ``due`` (if not mailed before: the ledger
    decides) and look again at ``next_look``, the next alert time (None: no time left, or delivered)."""

    due: Level | None
    next_look: datetime | None


def sensor_look(f: DeadlineFacts, now: datetime, delivered: bool, ready: bool = False) -> SensorLook:
    """One look of the in-run sensor at the four alert times in turn: only the latest due level is mailed
    (a level overtaken by a later one stays quiet); ``uncollected`` only for a READY package."""
    if delivered:
        return SensorLook(None, None)
    return SensorLook(due_level(f, now, ready), min((at for at in f.alert_times.values() if at > now), default=None))


def months_to_alert(
    staging: Path, first: DataMonth, last: DataMonth, now: datetime, calendar: GovernmentCalendar, policy: AlertPolicy
) -> list[tuple[Level, DeadlineFacts]]:
    """The watchdog's view: every month from ``first`` to ``last`` not delivered whose alert time has come."""
    found = []
    for month in first.until(last):
        if delivered(staging, month):
            continue
        f = facts(month, now, calendar, policy)
        level = due_level(f, now, Staging(staging).is_ready(month))
        if level is not None:
            found.append((level, f))
    return found
