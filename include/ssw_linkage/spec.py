"""The eight items (別紙 items) as one declarative spec.

Headers, validation, output file names and docs/data-dictionary.md all come from here.
The 別紙2 field layout is not public; this follows the layout in the domain notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib.resources import files
from typing import Any

from ssw_linkage import reference, validators

SPEC_VERSION = "1.0.0"
SQL_DIR = files("ssw_linkage.sql")  # include/sql, shipped inside the wheel (see pyproject.toml)


@dataclass(frozen=True)
class Rule:
    """A check on one value (already converted to its type)."""

    name: str
    check: Callable[[Any], bool]
    description: str


@dataclass(frozen=True)
class RowRule:
    """A check across the converted values of one row."""

    name: str
    check: Callable[[dict[str, Any]], bool]
    inputs: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    type: str = "text"  # text | integer | date | timestamp
    required: bool = False
    rule: Rule | None = None
    description: str = ""


@dataclass(frozen=True)
class Item:
    number: int
    title_ja: str
    title_en: str
    file_name: str
    sql_file: str
    columns: tuple[Column, ...]
    row_rules: tuple[RowRule, ...] = ()

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def sql(self) -> str:
        return (SQL_DIR / "items" / self.sql_file).read_text(encoding="utf-8")


CARD_FORMAT = Rule("format", validators.card_number, "two capital letters, eight digits, two capital letters")
CORPORATE_CHECK = Rule("check_digit", validators.corporate_number, "13 digits with a valid check digit")
BIRTH_RANGE = Rule("range", validators.birth_date, "on or after 1900-01-01")
KNOWN_SEX = Rule("known_code", validators.sex, "M or F")
KNOWN_NATIONALITY = Rule("known_code", validators.nationality, "in reference/nationalities.csv")
KNOWN_FIELD = Rule("known_code", validators.ssw_field, "in reference/ssw_fields.csv")
MUNICIPALITY_FORMAT = Rule("format", validators.municipality_code, "six digits")
POSITIVE = Rule("range", validators.positive, "greater than zero")

BIRTH_BEFORE_EVENT = RowRule(
    "birth_after_event",
    lambda r: r["birth_date"] <= r["event_date"],
    ("birth_date", "event_date"),
    "birth date must not be later than the event date",
)
FIELD_IN_FORCE = RowRule(
    "field_not_in_force",
    lambda r: reference.ssw_fields()[r["ssw_field"]].in_force(r["event_date"]),
    ("ssw_field", "event_date"),
    "the field must be in force on the permission date",
)


def _record(event_header: str) -> tuple[Column, ...]:
    return (
        Column("record_id", "連携番号", required=True, description="Opaque source record id (no personal data)."),
        Column("event_date", event_header, "date", required=True, description="Legal date of the event."),
    )


PERSON = (
    Column("card_number", "在留カード番号", required=True, rule=CARD_FORMAT),
    Column("name_roman", "氏名（ローマ字）", required=True, description="Exactly as on the card."),
    Column("name_kanji", "氏名（漢字）"),
    Column("birth_date", "生年月日", "date", required=True, rule=BIRTH_RANGE),
    Column("sex", "性別", required=True, rule=KNOWN_SEX),
    Column("nationality", "国籍・地域", required=True, rule=KNOWN_NATIONALITY, description="As the source holds it."),
)
STATUS = Column("status", "在留資格", required=True)
SSW_FIELD = Column("ssw_field", "特定技能の分野", required=True, rule=KNOWN_FIELD)
PERIOD = (
    Column("period_months", "在留期間（月数）", "integer", required=True, rule=POSITIVE),
    Column("expires_on", "在留期間の満了日", "date", required=True),
)
STAY_SSW = (STATUS, SSW_FIELD, *PERIOD)
STAY_DEPENDANT = (STATUS, *PERIOD)
ADDRESS = (
    Column("address", "住居地"),
    Column("municipality_code", "市区町村コード", rule=MUNICIPALITY_FORMAT),
)
EMPLOYER = (
    Column("employer_name", "所属機関の名称", required=True),
    Column("employer_address", "所属機関の所在地"),
    Column("corporate_number", "法人番号", rule=CORPORATE_CHECK, description="Empty for sole proprietors."),
    Column("employer_phone", "所属機関の電話番号"),
    Column("employer_representative", "所属機関の代表者氏名"),
)
PRINCIPAL = (
    Column("relationship", "本体者との続柄", required=True),
    Column("principal_card_number", "本体者の在留カード番号", required=True, rule=CARD_FORMAT),
    Column("principal_name_roman", "本体者の氏名（ローマ字）", required=True),
    Column("principal_status", "本体者の在留資格", required=True),
    Column("principal_ssw_field", "本体者の特定技能の分野", required=True, rule=KNOWN_FIELD),
)
PREVIOUS_STATUS = Column("previous_status", "変更前の在留資格")

ITEMS: tuple[Item, ...] = (
    Item(
        1, "在留資格「特定技能」の上陸許可を受けた外国人に係る情報【上陸時】", "Landing with SSW status",
        "ITEM01.CSV", "item1_landing.sql",
        (*_record("上陸許可年月日"), *PERSON, *STAY_SSW, *EMPLOYER),
        (BIRTH_BEFORE_EVENT, FIELD_IN_FORCE),
    ),
    Item(
        2, "在留資格「特定技能」で出国した外国人に係る情報【出国時（再入国許可者を除く）】",
        "Departure with SSW status (no re-entry permit or special re-entry)",
        "ITEM02.CSV", "item2_departure.sql",
        (*_record("出国年月日"), Column("departure_port", "出国港"), *PERSON, *STAY_SSW, *ADDRESS, *EMPLOYER),
        (BIRTH_BEFORE_EVENT,),
    ),
    Item(
        3, "入管法第20条又は第21条の規定に基づく在留資格「特定技能」の許可を受けた外国人に係る情報【在留資格変更時・在留期間更新時】",
        "Permission to SSW by change of status (20条) or extension (21条)",
        "ITEM03.CSV", "item3_ssw_permission.sql",
        (
            *_record("許可年月日"),
            Column("permission_kind", "許可の種類", required=True),
            PREVIOUS_STATUS,
            *PERSON, *STAY_SSW, *ADDRESS, *EMPLOYER,
        ),
        (BIRTH_BEFORE_EVENT, FIELD_IN_FORCE),
    ),
    Item(
        4, "在留資格「特定技能」で在留する者のうち、他の在留資格への在留資格変更許可を受けた外国人に係る情報【特定技能から他在留資格への変更時】",
        "Change from SSW to another status",
        "ITEM04.CSV", "item4_change_from_ssw.sql",
        (
            *_record("許可年月日"),
            replace(PREVIOUS_STATUS, required=True),
            *PERSON,
            replace(STATUS, header="変更後の在留資格"),
            replace(SSW_FIELD, header="変更前の特定技能の分野"),
            *PERIOD, *ADDRESS, *EMPLOYER,
        ),
        (BIRTH_BEFORE_EVENT,),
    ),
    Item(
        5, "在留資格「特定技能」で在留する者のうち、入管法第19条の10ないし第19条の13等の規定に基づき、新しい在留カードが交付された外国人に係る情報【在留カードの氏名・生年月日・性別・国籍変更時、在留カード再交付時】",
        "New residence card (19条の10〜13)",
        "ITEM05.CSV", "item5_new_card.sql",
        (
            *_record("在留カード交付年月日"),
            Column("issue_reason", "交付事由", required=True),
            Column("previous_card_number", "旧在留カード番号", rule=CARD_FORMAT),
            *PERSON, *STAY_SSW, *ADDRESS, *EMPLOYER,
        ),
        (BIRTH_BEFORE_EVENT,),
    ),
    Item(
        6, "入管法第19条の7ないし第19条の9の規定に基づき住居地届出を行い、市区町村通知が到達した特定技能外国人に係る情報【住居地新規登録・変更時】",
        "Residence address registered or changed (19条の7〜9), municipality notice arrived",
        "ITEM06.CSV", "item6_address.sql",
        (
            *_record("住居地届出年月日"),
            Column("notification_kind", "届出の種類", required=True),
            Column("notice_arrived_at", "市区町村通知到達日時", "timestamp", required=True),
            *PERSON, *STAY_SSW,
            *(replace(c, required=True) for c in ADDRESS),
            *EMPLOYER,
        ),
        (BIRTH_BEFORE_EVENT,),
    ),
    Item(
        7, "特定技能外国人を本体者として在留資格「家族滞在」の上陸許可を受けた外国人に係る情報【帯同家族「家族滞在」入国時】",
        "Dependant landing as 家族滞在 with an SSW principal",
        "ITEM07.CSV", "item7_dependant_landing.sql",
        (*_record("上陸許可年月日"), *PERSON, *STAY_DEPENDANT, *PRINCIPAL, *EMPLOYER),
        (BIRTH_BEFORE_EVENT,),
    ),
    Item(
        8, "特定技能外国人を本体者として入管法第20条の規定に基づく在留資格「特定活動」の許可を受けた外国人に係る情報【帯同家族「特定活動」変更時】",
        "Dependant granted 特定活動 (20条) with an SSW principal",
        "ITEM08.CSV", "item8_dependant_designated.sql",
        (*_record("許可年月日"), *PERSON, *STAY_DEPENDANT, *ADDRESS, *PRINCIPAL, *EMPLOYER),
        (BIRTH_BEFORE_EVENT,),
    ),
)


def item(number: int) -> Item:
    """The item with this number (1..8)."""
    for candidate in ITEMS:
        if candidate.number == number:
            return candidate
    raise KeyError(f"no item {number}; items are 1..{len(ITEMS)}")
