"""Hand-built source rows for rule tests: every value explicit, loaded through the real loader."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

from sqlalchemy import Engine

from ssw_linkage import source
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.spec import item
from ssw_linkage.synthetic import COLUMNS
from ssw_linkage.validators import corporate_check_digit


def jst(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=JST)


class SourceBuilder:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.ids: Counter = Counter()
        self.rows: dict[str, list[list]] = {t: [] for t in COLUMNS}
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
        nationality: str = "ベトナム",
        kanji: object = None,
    ) -> int:
        return self._add("persons", name, kanji, birth, "M", nationality)

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
        card = self.card(person, on, "landing" if kind == "landing" else "status_permission", recorded)
        ssw = status.startswith("SSW")
        return self._add(
            "status_permissions",
            person,
            kind,
            status,
            field if ssw else None,
            period,
            expires or date(on.year + 1, on.month, 1),
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
    ) -> int:
        return self._add("residence_notifications", person, kind, address, "131016", on, arrived, jst(on))

    def load(self) -> None:
        for table, columns in COLUMNS.items():
            if self.rows[table]:
                source.bulk_load(self.engine, table, columns, self.rows[table])
            self.rows[table] = []


def record_ids(engine: Engine, item_number: int, month: DataMonth) -> list[str]:
    """The record ids an item's SQL selects for a month, in output order."""
    with source.stream(engine, item(item_number).sql, source.window_params(engine, month)) as (_, rows):
        return [row[0] for row in rows]
