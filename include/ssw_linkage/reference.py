"""Reference lists kept as data (reference/*.csv), not code: fields change by cabinet decision, statuses by law,
bureaus by ordinance."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

_DIR = Path(__file__).parent / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with open(_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class SswField:
    """A 特定技能 field (分野) and the dates between which permissions could name it."""

    name_ja: str
    valid_from: date
    valid_to: date | None

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@cache
def ssw_fields() -> dict[str, SswField]:
    return {
        r["name_ja"]: SswField(
            r["name_ja"],
            date.fromisoformat(r["valid_from"]),
            date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
        )
        for r in _rows("ssw_fields.csv")
    }


@cache
def nationalities() -> frozenset[str]:
    return frozenset(r["name_ja"] for r in _rows("nationalities.csv"))


def statuses() -> list[dict[str, str | int]]:
    """Every status of residence (在留資格, 入管法 別表第一・第二) as rows of the source's ``statuses`` table."""
    return [{**r, "is_ssw": int(r["is_ssw"])} for r in _rows("statuses.csv")]


@dataclass(frozen=True)
class Bureau:
    """A regional immigration bureau or branch (地方出入国在留管理局・支局) and the prefectures it serves."""

    code: str
    name_ja: str
    short_ja: str  # as its notices' numbers start: 東京局第12号
    prefectures: tuple[str, ...]


@cache
def bureaus() -> dict[str, Bureau]:
    """Every bureau by code, in the order of reference/bureaus.csv (north to south)."""
    return {
        r["bureau_code"]: Bureau(r["bureau_code"], r["name_ja"], r["short_ja"], tuple(r["prefectures"].split()))
        for r in _rows("bureaus.csv")
    }
