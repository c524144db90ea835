"""Deterministic synthetic source data: realistic SSW status histories, seeded, at any scale.

Each person gets a short story (a landing, a 技能実習→特定技能 change, an extension, a move, a
departure with or without re-entry, dependants …) whose main event falls in the requested
months, with a backstory before it. Stays are lawful: every event falls within a period of stay,
extended (21条) shortly before it ends; a permission and its card are recorded together, before
the stay it replaces ends. Rows go to the database in chunks (COPY on PostgreSQL) within one
transaction, so memory stays bounded at two million events and a killed seed leaves nothing.

Employers file their yearly activity reports (April–May, from 2026) on the SSW workers they employ;
some name workers not enrolled in social insurance (別添 notices). They come from a random stream of
their own, so the residents' data is the same with or without them.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import accumulate

from sqlalchemy import Engine

from ssw_linkage import reference, source
from ssw_linkage import synthetic_names as names
from ssw_linkage.business_calendar import GovernmentCalendar
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.validators import corporate_check_digit

COLUMNS = {
    "employers": ("employer_id", "name", "address", "corporate_number", "phone", "representative"),
    "persons": ("person_id",),
    "person_particulars": (
        "particulars_id", "person_id", "name_roman", "name_kanji", "birth_date", "sex", "nationality",
        "effective_on", "recorded_at",
    ),
    "residence_cards": (
        "card_id", "person_id", "card_number", "issued_on", "reason_code", "previous_card_id", "recorded_at",
    ),
    "status_permissions": (
        "permission_id", "person_id", "kind", "status_code", "ssw_field", "period_months", "expires_on",
        "employer_id", "principal_person_id", "relationship", "permitted_on", "card_id", "recorded_at",
    ),
    "departures": ("departure_id", "person_id", "departed_on", "port", "reentry_kind", "status_code", "recorded_at"),
    "residence_notifications": (
        "notification_id", "person_id", "kind", "address", "municipality_code", "notified_on",
        "notice_arrived_at", "recorded_at",
    ),
    "activity_reports": (
        "report_id", "employer_id", "bureau_code", "received_on", "period_start", "period_end", "bureau_action",
        "recorded_at",
    ),
    "activity_report_workers": ("report_id", "person_id", "enrolment", "hired_on", "reason"),
}
EVENT_TABLES = ("residence_cards", "status_permissions", "departures", "residence_notifications")
# The card issued with each kind of permission (card_issue_reasons).
PERMISSION_CARDS = {
    "landing": "landing", "change": "status_permission", "extension": "status_permission",
    "permanent_residence": "permanent_residence", "acquisition": "acquisition",
}
TITP_STATUSES = ("TITP1_I", "TITP1_RO", "TITP2_I", "TITP2_RO", "TITP3_I", "TITP3_RO")
# Periods of stay (months) a permission may give; 永住者 has none.
PERIODS = {"SSW1": (12, 12, 6, 4), "SSW2": (36, 12, 6), "PERMANENT": (), **dict.fromkeys(TITP_STATUSES, (12,))}
OTHER_PERIODS = (12, 36, 6)
SSW_START = date(2019, 4, 1)
MIDNIGHT = time(0)
CHUNK_EVENTS = 50_000
# Activity reports: the first employers file them (bounded memory at any scale), each April–May from 2026.
REPORTING_EMPLOYERS = 400
FIRST_REPORT_YEAR = 2026
NOT_ENROLLED_REASONS = (
    "資格取得手続中", "事業主の手続漏れ（届出後に手続予定）", "本人が加入を希望しないため",
    "適用事業所の新規適用手続中", "試用期間中は加入不要と誤認していたため", None,
)  # fmt: skip
BUREAU_ACTIONS = (
    "事業主に対し、速やかに被保険者資格取得手続を行うよう指導した。",
    "事業主に対し、手続の完了後に完了した旨を報告するよう求めた。",
    "事業主に対し、管轄の年金事務所に相談するよう助言した。",
)

# Kinds of bad record the generator can inject, named as the validation rule that catches them.
CORRUPTIONS = (
    "card_number:format",
    "name_roman:required",
    "birth_date:range",
    "birth_date+event_date:birth_after_event",
    "nationality:known_code",
    "name_kanji:not_encodable_cp932",
    "corporate_number:check_digit",
)


@dataclass
class SeedReport:
    rows: Counter = field(default_factory=Counter)
    injected: Counter = field(default_factory=Counter)

    @property
    def events(self) -> int:
        return sum(self.rows[t] for t in EVENT_TABLES)


@dataclass
class _Resident:
    person_id: int
    particulars: list[list]  # person_particulars rows, oldest first
    cards: list[list] = field(default_factory=list)
    permissions: list[list] = field(default_factory=list)
    card_id: int | None = None
    status: str | None = None
    ssw_field: str | None = None
    employer_id: int | None = None
    expires: date | None = None  # the end of the stay in force
    last_day: date = date.min  # the latest event so far
    address: tuple[str, str] | None = None

    @property
    def nationality(self) -> str:
        return self.particulars[-1][6]


class _Generator:
    def __init__(self, seed: int, months: list[DataMonth], bad_rate: float):
        self.rng = random.Random(seed)
        self.first = months[0].first_day
        self.last = months[-1].next().first_day - timedelta(days=1)
        self.bad_rate = bad_rate
        self.ids = Counter()
        self.report = SeedReport()
        self.rows: dict[str, list[list]] = {t: [] for t in COLUMNS}
        self.employers_by_field: dict[str, list[int]] = {}
        self.report_rng = random.Random(f"{seed}-activity-reports")
        self.employer_addresses: dict[int, str] = {}  # of the reporting employers
        self.terms: dict[int, tuple[int, date, date]] = {}  # person → (reporting employer, hired, last day)

    # -- identifiers and small values -------------------------------------------------------
    def _id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def _card_number(self, card_id: int) -> str:
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        digits = (card_id * 7919 + 12345) % 100_000_000  # a permutation: unique per card
        pick = self.rng.choice
        return f"{pick(letters)}{pick(letters)}{digits:08d}{pick(letters)}{pick(letters)}"

    def _corporate_number(self) -> str:
        base = f"{self.rng.randrange(10**12):012d}"
        return f"{corporate_check_digit(base)}{base}"

    def _recorded(self, day: date, by: date | None = None) -> datetime:
        """When a legal event was entered: mostly the same day, sometimes days or weeks late, but never after
        ``by``; in office hours, now and then just before midnight (which exercises the JST month boundary)."""
        r = self.rng.random
        roll = r()
        lag = 0 if roll < 0.65 else 1 + int(r() * 7) if roll < 0.95 else 20 + int(r() * 26)
        if by is not None:
            lag = min(lag, max((by - day).days, 0))
        start, span = (23 * 3600, 3600) if r() < 0.02 else (8 * 3600, 12 * 3600)
        return datetime.combine(day, MIDNIGHT, tzinfo=JST) + timedelta(days=lag, seconds=start + int(r() * span))

    def _anchor(self) -> date:
        return self.first + timedelta(days=self.rng.randrange((self.last - self.first).days + 1))

    def _before(self, day: date, low: int, high: int) -> date:
        return max(day - timedelta(days=self.rng.randint(low, high)), SSW_START)

    def _address(self) -> tuple[str, str]:
        code, city = self.rng.choice(names.MUNICIPALITIES)
        r = self.rng
        building = r.choice(names.BUILDINGS)
        room = f" {building}{r.randint(1, 4)}0{r.randint(1, 9)}" if building else ""
        return f"{city}{r.choice(names.TOWNS)}{r.randint(1, 5)}丁目{r.randint(1, 30)}番{r.randint(1, 20)}号{room}", code

    # -- reference rows ---------------------------------------------------------------------
    def employers(self, count: int) -> None:
        for _ in range(count):
            employer_id = self._id("employers")
            ssw_field = self.rng.choices(FIELDS, cum_weights=FIELD_CUM)[0]
            self.employers_by_field.setdefault(ssw_field, []).append(employer_id)
            sole = self.rng.random() < 0.15
            stem = self.rng.choice(names.COMPANY_STEMS)
            business = names.FIELD_BUSINESS[ssw_field]
            name = f"{stem}{business}" if sole else f"株式会社{stem}{business}"
            self.rows["employers"].append([
                employer_id, name, self._address()[0], None if sole else self._corporate_number(),
                f"0{self.rng.randint(3, 99)}-{self.rng.randint(100, 9999)}-{self.rng.randint(1000, 9999)}",
                f"{self.rng.choice(names.JAPANESE_FAMILY)} {self.rng.choice(names.JAPANESE_GIVEN)}",
            ])
            if employer_id <= REPORTING_EMPLOYERS:
                self.employer_addresses[employer_id] = self.rows["employers"][-1][2]
        for ssw_field in FIELDS:  # every field has at least one employer
            self.employers_by_field.setdefault(ssw_field, [1])

    # -- people and events ------------------------------------------------------------------
    def _name(self, nationality: str) -> tuple[str, str | None]:
        r = self.rng
        if nationality in names.KANJI_NATIONALITIES:
            (fk, fr), (gk, gr) = r.choice(names.KANJI_FAMILY), r.choice(names.KANJI_GIVEN)
            return f"{fr} {gr}", f"{fk} {gk}"
        family, given, family_first = names.ROMAN_NAMES.get(nationality, names.DEFAULT_ROMAN)
        f, g = r.choice(family), r.choice(given)
        return (f"{f} {g}" if family_first else f"{g} {f}"), None

    def person(
        self, nationality: str | None = None, age: tuple[int, int] = (19, 45), born: date | None = None
    ) -> _Resident:
        """A person; their particulars take effect, and are recorded, with their first permission."""
        r = self.rng
        nationality = nationality or r.choices(NATIONALITIES, cum_weights=NATIONALITY_CUM)[0]
        roman, kanji = self._name(nationality)
        birth = born or self.first - timedelta(days=r.randint(age[0] * 365, age[1] * 365))
        person_id = self._id("persons")
        self.rows["persons"].append([person_id])
        particulars = [self._id("person_particulars"), person_id, roman, kanji, birth, r.choice("MF"), nationality,
                       None, None]
        self.rows["person_particulars"].append(particulars)
        return _Resident(person_id, [particulars])

    def card(self, who: _Resident, day: date, reason: str, recorded: datetime | None = None) -> int:
        card_id = self._id("residence_cards")
        row = [card_id, who.person_id, self._card_number(card_id), day, reason, who.card_id,
               recorded or self._recorded(day)]
        self.rows["residence_cards"].append(row)
        who.cards.append(row)
        who.card_id, who.last_day = card_id, max(who.last_day, day)
        return card_id

    def change_particulars(self, who: _Resident, day: date, reason: str) -> None:
        """19条の10: a new name or nationality takes effect, is notified within 14 days and gets a new card."""
        row = list(who.particulars[-1])
        if reason == "change_name":
            row[2], row[3] = self._name(row[6])
        else:
            row[6] = self.rng.choice([n for n in NATIONALITIES if n != row[6]])
        effective = max(day - timedelta(days=self.rng.randint(0, 14)), row[7])
        self.card(who, day, reason)
        row[0], row[7], row[8] = self._id("person_particulars"), effective, who.cards[-1][6]
        self.rows["person_particulars"].append(row)
        who.particulars.append(row)

    def permit(
        self, who: _Resident, kind: str, status: str, day: date, ssw_field: str | None = None,
        principal: _Resident | None = None, relationship: str | None = None, period: int | None = None,
    ) -> None:
        """A permission and its card, recorded together and before the stay it replaces ends."""
        r = self.rng
        if status.startswith("SSW"):
            ssw_field = ssw_field or who.ssw_field or r.choices(*_fields_on(day))[0]
            if who.employer_id is None or ssw_field != who.ssw_field or r.random() < 0.1:
                who.employer_id = r.choice(self.employers_by_field[ssw_field])
        else:
            ssw_field = None
        periods = PERIODS.get(status, OTHER_PERIODS)
        period = period or (r.choice(periods) if periods else None)
        expires = day + timedelta(days=period * 30) if period else None
        recorded = self._recorded(day, by=who.expires)
        card_id = self.card(who, day, PERMISSION_CARDS[kind], recorded)
        row = [
            self._id("status_permissions"), who.person_id, kind, status,
            ssw_field and _field_name_on(ssw_field, day, who.person_id), period, expires,
            who.employer_id if status.startswith("SSW") else None,
            principal.person_id if principal else None, relationship, day, card_id, recorded,
        ]
        self.rows["status_permissions"].append(row)
        who.permissions.append(row)
        if who.particulars[0][7] is None:
            who.particulars[0][7:] = [day, recorded]
        who.status, who.ssw_field, who.expires = status, ssw_field, expires
        self._employment(who, day)

    def _employment(self, who: _Resident, day: date) -> None:
        """Keep who works for a reporting employer, from when, until when (for the activity reports)."""
        term = self.terms.get(who.person_id)
        if who.status.startswith("SSW") and who.employer_id in self.employer_addresses:
            hired = term[1] if term and term[0] == who.employer_id else day
            self.terms[who.person_id] = (who.employer_id, hired, who.expires)
        elif term:
            self.terms[who.person_id] = (term[0], term[1], min(term[2], day - timedelta(days=1)))

    def keep_until(self, who: _Resident, day: date) -> None:
        """Extend the stay (21条) shortly before each expiry until it covers ``day``: nobody overstays."""
        while who.expires is not None and who.expires < day:
            extended = max(who.expires - timedelta(days=self.rng.randint(7, 60)), who.last_day)
            self.permit(who, "extension", who.status, extended)

    def notify(self, who: _Resident, kind: str, day: date, arrives: bool = True) -> None:
        who.address = self._address()
        who.last_day = max(who.last_day, day)
        arrived = None
        if arrives:
            arrival = day + timedelta(days=self.rng.randint(2, 25))
            arrived = datetime.combine(arrival, time(self.rng.randint(9, 17), self.rng.randrange(60)), tzinfo=JST)
        self.rows["residence_notifications"].append([
            self._id("residence_notifications"), who.person_id, kind, *who.address, day, arrived, self._recorded(day),
        ])

    def depart(self, who: _Resident, day: date, reentry_kind: str) -> None:
        who.last_day = max(who.last_day, day)
        term = self.terms.get(who.person_id)
        if term and reentry_kind == "none":
            self.terms[who.person_id] = (term[0], term[1], min(term[2], day))
        self.rows["departures"].append([
            self._id("departures"), who.person_id, day, self.rng.choice(names.PORTS), reentry_kind,
            who.status, datetime.combine(day, time(self.rng.randint(7, 22), self.rng.randrange(60)), tzinfo=JST),
        ])

    def trainee(self, who: _Resident, until: date) -> None:
        """技能実習: lands as 1号, changes to 2号 about a year later, extended until ``until``."""
        r = self.rng
        track = "I" if r.random() < 0.03 else "RO"  # 企業単独型 (イ) is a few per cent, 団体監理型 (ロ) the rest
        second = until - timedelta(days=r.randint(200, 700))
        landed = second - timedelta(days=r.randint(300, 350))
        self.permit(who, "landing", f"TITP1_{track}", landed)
        self.notify(who, "after_landing", landed + timedelta(days=r.randint(3, 14)))
        self.permit(who, "change", f"TITP2_{track}", second)
        self.keep_until(who, until)

    def _stay_back(self, status: str, due: date, since: date) -> list[tuple[date, int]]:
        """(date, period) of each permission of an unbroken stay from about ``since`` (never before 特定技能
        existed), each granted shortly before the one before it expires, the last expiring shortly after ``due``."""
        chain: list[tuple[date, int]] = []
        expires = due + timedelta(days=self.rng.randint(7, 60))
        while True:
            period = self.rng.choice(PERIODS[status])
            day = expires - timedelta(days=period * 30)
            if chain and day < SSW_START:
                return chain[::-1]
            chain.append((day, period))
            if day <= since:
                return chain[::-1]
            expires = day + timedelta(days=self.rng.randint(7, 60))

    def ssw_resident(self, since: date, status: str = "SSW1", due: date | None = None) -> _Resident:
        """Backstory: holds ``status`` from about ``since``: landed as SSW1 or changed to it from 技能実習, and
        registered an address; a 2号 changed from 1号. With ``due``, the stay is extended up to a last period
        that ends shortly after ``due``, so that its extension is due then."""
        r = self.rng
        if status == "SSW2":
            who = self.ssw_resident(self._before(since, 400, 1100), "SSW1")
            self.keep_until(who, since)
            self.permit(who, "change", "SSW2", since)
            return who
        who = self.person()
        (first, period), *extensions = self._stay_back(status, due, since) if due else [(since, None)]
        if r.random() < 0.5:
            self.trainee(who, first)
            self.permit(who, "change", status, first, period=period)
        else:
            self.permit(who, "landing", status, first, period=period)
            self.notify(who, "after_landing", first + timedelta(days=r.randint(3, 14)))
        for day, period in extensions:
            self.permit(who, "extension", status, day, period=period)
        return who

    # -- stories ------------------------------------------------------------------------------
    def story(self) -> _Resident:
        r = self.rng
        day = self._anchor()
        since = self._before(day, 120, 1300)
        kind = r.choices(STORIES, cum_weights=STORY_CUM)[0]
        return kind(self, day, since)

    def corrupt(self, who: _Resident) -> None:
        """Break one thing about a person, as real source data is sometimes broken."""
        kind = self.rng.choice(CORRUPTIONS)
        self.report.injected[kind] += 1
        column, value = {
            "name_roman:required": (2, None),
            "name_kanji:not_encodable_cp932": (3, "𠮷田 花子"),
            "birth_date:range": (4, date(1899, 12, 31)),
            "birth_date+event_date:birth_after_event": (4, self.last + timedelta(days=400)),
            "nationality:known_code": (6, "アトランティス"),
        }.get(kind, (None, None))
        if column is not None:
            for row in who.particulars:
                row[column] = value
        elif kind == "card_number:format":
            for card in who.cards:
                card[2] = card[2][:-1]
        else:
            employer_id = self._id("employers")
            base = f"{self.rng.randrange(10**12):012d}"
            self.rows["employers"].append([
                employer_id, "株式会社不正番号", self._address()[0],
                f"{(corporate_check_digit(base) + 1) % 10}{base}", "03-0000-0000", "山田 太郎",
            ])
            for permission in who.permissions:
                if permission[7] is not None:
                    permission[7] = employer_id

    def activity_reports(self) -> None:
        """Each reporting employer's yearly report on a business day of April–May within the seeded months:
        most say every worker is enrolled; some name workers who are not, with a reason and the bureau's
        action; some name a worker hired in the days just before the report date."""
        r = self.report_rng
        calendar = GovernmentCalendar()
        staff: dict[int, list[tuple[int, date, date]]] = {}
        for person_id, (employer_id, hired, until) in sorted(self.terms.items()):
            staff.setdefault(employer_id, []).append((person_id, hired, until))
        for year in range(max(self.first.year, FIRST_REPORT_YEAR), self.last.year + 1):
            season = [
                day for n in range((date(year, 5, 31) - date(year, 4, 1)).days + 1)
                if self.first <= (day := date(year, 4, 1) + timedelta(days=n)) <= self.last
                and calendar.is_business_day(day)
            ]  # fmt: skip
            for employer_id, address in sorted(self.employer_addresses.items()):
                received = r.choice(season) if season else None
                workers = [(p, hired) for p, hired, until in staff.get(employer_id, ()) if received
                           and hired <= received <= until]  # fmt: skip
                if workers:
                    self._report(employer_id, _bureau_of(address), received, workers, calendar)

    def _report(
        self,
        employer_id: int,
        bureau: str,
        received: date,
        workers: list[tuple[int, date]],
        calendar: GovernmentCalendar,
    ) -> None:
        r = self.report_rng
        roll = r.random()
        not_enrolled = set()
        if roll < 0.3:  # some workers not enrolled; now and then many (a form over several pages)
            count = r.choice((1, 1, 1, 2, 2, 3, 5))
            not_enrolled = {p for p, _ in r.sample(workers, min(count, len(workers)))}
        recent = None
        if roll > 0.9:  # a worker hired just before the report date: inside the enrolment period or just past it
            recent = r.choice(workers)[0]
            not_enrolled.add(recent)
        report_id = self._id("activity_reports")
        entered = received
        for _ in range(r.choice((0, 0, 0, 1, 2))):  # entered the day it arrives, or a business day or two later
            entered = calendar.next_business_day(entered)
        recorded = datetime.combine(entered, time(9), tzinfo=JST) + timedelta(minutes=r.randrange(9 * 60))
        self.rows["activity_reports"].append([
            report_id, employer_id, bureau, received, date(received.year - 1, 4, 1), date(received.year, 3, 31),
            r.choice(BUREAU_ACTIONS) if not_enrolled else None, recorded,
        ])
        for person_id, hired in workers:
            if person_id == recent:
                hired = received - timedelta(days=r.randint(0, 7))
            missing = person_id in not_enrolled
            reason = None
            if missing:
                reason = "雇用直後のため資格取得手続中" if person_id == recent else r.choice(NOT_ENROLLED_REASONS)
            self.rows["activity_report_workers"].append([
                report_id, person_id, "not_enrolled" if missing else "enrolled", hired, reason,
            ])

    def take(self) -> dict[str, list[list]]:
        rows, self.rows = self.rows, {t: [] for t in COLUMNS}
        return rows


def _new_arrival(g: _Generator, day: date, since: date) -> _Resident:
    who = g.person()
    g.permit(who, "landing", "SSW1", day)
    g.notify(who, "after_landing", day + timedelta(days=g.rng.randint(3, 14)), arrives=g.rng.random() < 0.92)
    return who


def _from_trainee(g: _Generator, day: date, since: date) -> _Resident:
    who = g.person()
    g.trainee(who, day)
    g.permit(who, "change", "SSW1", day)
    return who


def _life_event(g: _Generator, who: _Resident, day: date, last: bool) -> None:
    """One event in an SSW resident's data months; a departure or a change of status ends the story.
    An extension happens only in the last three months of a stay; earlier, the event is a move."""
    g.keep_until(who, day)
    roll = g.rng.random()
    if last and roll < 0.2:
        g.depart(who, day, g.rng.choices(REENTRY_KINDS, cum_weights=REENTRY_CUM)[0])
    elif last and roll < 0.28:
        g.permit(who, "change", g.rng.choice(("ENGINEER", "SPOUSE_JP", "LONG_TERM")), day)
        g.notify(who, "after_status_change", day + timedelta(days=g.rng.randint(1, 10)))
    elif last and roll < 0.3 and who.status == "SSW2":
        g.permit(who, "permanent_residence", "PERMANENT", day)
    elif roll < 0.6 and (who.expires - day).days <= 90:
        g.permit(who, "extension", who.status, day)
    elif roll < 0.82:
        g.notify(who, "move", day, arrives=g.rng.random() < 0.95)
    elif roll < 0.92 or who.status == "SSW2":
        reason = g.rng.choices(CARD_REASONS, cum_weights=CARD_REASON_CUM)[0]
        if reason.startswith("change_"):
            g.change_particulars(who, day, reason)
        else:
            g.card(who, day, reason)
    else:
        g.permit(who, "change", "SSW2", day)


def _resident(g: _Generator, day: date, since: date) -> _Resident:
    """An SSW resident with one to four events in the data months (extensions, moves, new cards …)."""
    days = sorted({day, *(g._anchor() for _ in range(g.rng.choice((0, 1, 1, 2, 3))))})
    who = g.ssw_resident(g._before(days[0], 120, 1300), due=days[0] if g.rng.random() < 0.8 else None)
    for n, event_day in enumerate(days, start=1):
        _life_event(g, who, event_day, last=n == len(days))
    return who


def _principal(g: _Generator, day: date, since: date, status: str, other: str) -> _Resident:
    """A principal (本体者) in Japan on ``day``: mostly one holding ``status``, else one landed as ``other``."""
    if g.rng.random() < 0.85:
        principal = g.ssw_resident(since, status)
    else:
        principal = g.person()
        g.permit(principal, "landing", other, since)
        g.notify(principal, "after_landing", since + timedelta(days=g.rng.randint(3, 14)))
    g.keep_until(principal, day)
    return principal


def _family_lands(g: _Generator, day: date, since: date) -> _Resident:
    """A dependant lands as 家族滞在; now and then a child born in Japan acquires it instead (22条の2)."""
    principal = _principal(g, day, since, "SSW2", "ENGINEER")
    if g.rng.random() < 0.15:
        child = g.person(principal.nationality, born=day - timedelta(days=g.rng.randint(5, 29)))
        g.permit(child, "acquisition", "DEPENDENT", day, principal=principal, relationship="子")
        g.notify(child, "after_status_change", day + timedelta(days=g.rng.randint(1, 10)))
        return child
    dependant = g.person(principal.nationality, age=(1, 40))
    g.permit(dependant, "landing", "DEPENDENT", day, principal=principal,
             relationship=g.rng.choice(("配偶者", "子")))
    g.notify(dependant, "after_landing", day + timedelta(days=g.rng.randint(3, 14)))
    return dependant


def _family_designated(g: _Generator, day: date, since: date) -> _Resident:
    principal = _principal(g, day, since, "SSW1", "STUDENT")
    dependant = g.person(principal.nationality, age=(18, 40))
    studied = g._before(day, 200, 700)
    g.permit(dependant, "landing", "STUDENT", studied)
    g.notify(dependant, "after_landing", studied + timedelta(days=g.rng.randint(3, 14)))
    g.keep_until(dependant, day)
    g.permit(dependant, "change", "DESIGNATED", day, principal=principal, relationship="配偶者")
    return dependant


def _not_ssw(g: _Generator, day: date, since: date) -> _Resident:
    """Not SSW, not a dependant: an extension due on ``day``, or a student's change to 特定活動 (no
    principal: job hunting after graduation), then a lost card."""
    who = g.person()
    status, period = g.rng.choice(("ENGINEER", "STUDENT")), g.rng.choice((12, 36))
    landed = day - timedelta(days=period * 30 - g.rng.randint(7, 60))
    g.permit(who, "landing", status, landed, period=period)
    g.notify(who, "after_landing", landed + timedelta(days=g.rng.randint(3, 14)))
    if status == "STUDENT" and g.rng.random() < 0.3:
        g.permit(who, "change", "DESIGNATED", day)
    else:
        g.permit(who, "extension", status, day)
    g.card(who, day + timedelta(days=g.rng.randint(1, 20)), "reissue_lost")
    return who


def _bureau_of(address: str) -> str:
    """The bureau serving the prefecture an address starts with (reference/bureaus.csv)."""
    return next(b.code for b in reference.bureaus().values() if address.startswith(b.prefectures))


STORIES: tuple[Callable[[_Generator, date, date], _Resident], ...] = (
    _new_arrival, _from_trainee, _resident, _family_lands, _family_designated, _not_ssw,
)
STORY_CUM = tuple(accumulate((20, 12, 55, 4, 3, 6)))
REENTRY_KINDS = ("none", "special_reentry", "reentry_permit")
REENTRY_CUM = (50, 85, 100)
CARD_REASONS = ("reissue_lost", "reissue_damaged", "reissue_request", "change_name", "change_nationality")
CARD_REASON_CUM = (40, 65, 80, 95, 100)
NATIONALITIES = tuple(names.NATIONALITY_WEIGHTS)
NATIONALITY_CUM = tuple(accumulate(names.NATIONALITY_WEIGHTS.values()))
FIELDS = tuple(names.FIELD_WEIGHTS)
FIELD_CUM = tuple(accumulate(names.FIELD_WEIGHTS.values()))


def _names_on(ssw_field: str, day: date) -> list[str]:
    """The names a field (by today's name) had on ``day``: several on a day when it was several fields."""
    known = reference.ssw_fields()
    return [n for n in (ssw_field, *names.FIELD_FORMER_NAMES.get(ssw_field, ())) if known[n].in_force(day)]


@cache
def _fields_on(day: date) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The fields (by today's name) a permission could name on ``day``, and their cumulative weights."""
    fields = tuple(f for f in FIELDS if _names_on(f, max(day, SSW_START)))
    return fields, tuple(accumulate(names.FIELD_WEIGHTS[f] for f in fields))


def _field_name_on(ssw_field: str, day: date, person_id: int) -> str:
    """The name a permission of ``day`` gives a field: the one in force then (a person's pick of several)."""
    in_force = _names_on(ssw_field, max(day, SSW_START))
    return in_force[person_id % len(in_force)]


def seed(
    engine: Engine,
    months: list[DataMonth],
    events: int,
    random_seed: int = 20190619,
    bad_rate: float = 0.0,
    progress: Callable[[int], None] | None = None,
) -> SeedReport:
    """Create the schema and load about ``events`` event rows whose main events fall in ``months``, in one
    transaction: a failure or a kill leaves no tables behind."""
    if not months:
        raise ValueError("seed needs at least one data month")
    g = _Generator(random_seed, sorted(months), bad_rate)
    g.employers(max(events // 60, 20))
    loaded = pending = 0
    with source.bulk_loading(engine, create=True, foreign_keys_at_end=True, recorded_order=EVENT_TABLES) as load:
        while loaded + pending < events:
            who = g.story()
            if g.bad_rate and g.rng.random() < g.bad_rate:
                g.corrupt(who)
            pending = sum(len(g.rows[t]) for t in EVENT_TABLES)
            if pending >= CHUNK_EVENTS:
                loaded += _load(load, g)
                pending = 0
                if progress:
                    progress(loaded)
        g.activity_reports()
        _load(load, g)
    return g.report


def _load(load: source.Load, g: _Generator) -> int:
    rows = g.take()
    for table in COLUMNS:
        if rows[table]:
            g.report.rows[table] += load(table, COLUMNS[table], rows[table])
    return sum(len(rows[t]) for t in EVENT_TABLES)
