"""Hand-built source rows for rule tests: every value explicit, loaded through the real loader."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

from sqlalchemy import Engine

from ssw_linkage import source
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.spec import item
from ssw_linkage.synthetic import COLUMNS, PERMISSION_CARDS
from ssw_linkage.validators import corporate_check_digit

KNOWN_SINCE = date(2000, 1, 1)  # by default a person's particulars take effect long before any test's events
PARTICULARS = ("name", "kanji", "birth", "sex", "nationality")  # person_particulars' columns, as keywords


def jst(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=JST)


class SourceBuilder:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.ids: Counter = Counter()
        self.rows: dict[str, list[list]] = {t: [] for t in COLUMNS}
        self.current: dict[int, dict] = {}  # each person's latest particulars
        source.create_schema(engine)
        self.employer_id = self.employer()

    def _add(self, table: str, *values) -> int:
        self.ids[table] += 1
        self.rows[table].append([self.ids[table], *values])
        return self.ids[table]

    def employer(
        self,
        name: object = "株式会社テスト",
        address: object = "東京都千代田区1-1",
        phone: object = "03-1234-5678",
        representative: object = "試験 太郎",
    ) -> int:
        base = "700001205000"
        return self._add("employers", name, address, f"{corporate_check_digit(base)}{base}", phone, representative)

    def person(
        self,
        name: object = "NGUYEN VAN TEST",
        birth: object = date(1995, 4, 1),
        nationality: str | None = "ベトナム",
        *,
        kanji: str | None = None,
        sex: str | None = "M",
        since: date = KNOWN_SINCE,
        recorded: datetime | None = None,
    ) -> int:
        """A person and their particulars, in force from ``since``."""
        person = self._add("persons")
        self.current[person] = {"name": name, "kanji": kanji, "birth": birth, "sex": sex, "nationality": nationality}
        self._particulars(person, since, recorded)
        return person

    def particulars(self, person: int, on: date, recorded: datetime | None = None, **changes) -> int:
        """A change of particulars (19条の10) taking effect on ``on``; keywords as ``person``'s, e.g. name=…"""
        unknown = set(changes) - set(PARTICULARS)
        if unknown:
            raise TypeError(f"not a particular: {sorted(unknown)}")
        self.current[person] = {**self.current[person], **changes}
        return self._particulars(person, on, recorded)

    def _particulars(self, person: int, on: date, recorded: datetime | None) -> int:
        values = [self.current[person][k] for k in PARTICULARS]
        return self._add("person_particulars", person, *values, on, recorded or jst(on))

    def card(
        self,
        person: int,
        on: date,
        reason: str = "landing",
        recorded: datetime | None = None,
        number: str | None = None,
        previous: int | None = None,
    ) -> int:
        number = number or f"AB{self.ids['residence_cards'] + 1:08d}CD"
        return self._add("residence_cards", person, number, on, reason, previous, recorded or jst(on))

    def permit(
        self,
        person: int,
        kind: str,
        status: str,
        on: date,
        recorded: datetime | None = None,
        field: str | None = "介護",
        principal: int | None = None,
        relationship: str | None = None,
        period: object = 12,
        expires: object = None,
        employer: int | None = None,
    ) -> int:
        card = self.card(person, on, PERMISSION_CARDS[kind], recorded)
        ssw = status.startswith("SSW")
        return self._add(
            "status_permissions",
            person,
            kind,
            status,
            field if ssw else None,
            period,
            expires or (date(on.year + 1, on.month, 1) if period else None),
            (employer or self.employer_id) if ssw else None,
            principal,
            relationship,
            on,
            card,
            recorded or jst(on),
        )

    def depart(
        self, person: int, on: date, reentry: str = "none", status: str = "SSW1", recorded: datetime | None = None
    ) -> int:
        return self._add("departures", person, on, "成田空港", reentry, status, recorded or jst(on))

    def notify(
        self,
        person: int,
        on: date,
        arrived: datetime | None,
        kind: str = "move",
        address: object = "東京都千代田区千代田1-1",
        recorded: datetime | None = None,
    ) -> int:
        row = (kind, address, "131016", on, arrived, recorded or jst(on))
        return self._add("residence_notifications", person, *row)

    def load(self) -> None:
        with source.bulk_loading(self.engine) as load:
            for table, columns in COLUMNS.items():
                if self.rows[table]:
                    load(table, columns, self.rows[table])
                self.rows[table] = []


def record_ids(engine: Engine, item_number: int, month: DataMonth) -> list[str]:
    """The record ids an item's SQL selects for a month, in output order."""
    return [row["record_id"] for row in item_rows(engine, item_number, month)]


def item_rows(engine: Engine, item_number: int, month: DataMonth) -> list[dict]:
    """The rows an item's SQL selects for a month, as dicts by column key, in output order."""
    with source.stream(engine, item(item_number).sql, source.window_params(engine, month)) as (keys, rows):
        return [dict(zip(keys, row)) for row in rows]
