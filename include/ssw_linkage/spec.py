"""The eight items (別紙 items) as one declarative spec.

Headers, validation, output file names and docs/data-dictionary.md all come from here.
The 別紙2 field layout is not public; this follows the layout in the domain notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ssw_linkage import queries, validators

SPEC_VERSION = "1.1.0"


@dataclass(frozen=True)
class Rule:
    """A check on values already converted to the column's type: given an array of them, an array of bools
    (True where acceptable); given one value, a bool (see ``validators.column_rule``)."""

    name: str
    check: Callable[[Any], bool]
    description: str


@dataclass(frozen=True)
class RowRule:
    """A check across the converted values of rows: ``check`` gets each input column's values (those of the
    rows whose inputs all passed their own rules) by key and returns a bool per row."""

    name: str
    check: Callable[[dict[str, Any]], bool]
    inputs: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Column:
    """One output column. ``max_length`` and ``may_start_with`` apply to text, ``in_window`` to dates."""

    key: str
    header: str
    type: str = "text"  # text | integer | date | timestamp
    required: bool = False
    rule: Rule | None = None
    description: str = ""
    max_length: int | None = None  # characters; every text column declares one
    may_start_with: str = ""  # formula characters a real value may start with (refused otherwise)
    in_window: bool = False  # not after the last day of the data month


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
        return queries.render(f"items/{self.sql_file}")


# Rules every value is held to, by column type and the column's settings: name → description.
# Each is reported as ``column:name``; the checker in validate.py applies them, a batch of rows at a time.
VALUE_RULES = {
    "required": "a required value is missing; text that is empty or only whitespace (incl. U+3000) counts as missing",
    "invalid_text": "not a character string (e.g. a BLOB)",
    "invalid_integer": "not a whole number (an int, an integral decimal or a string of digits; 12.7 is refused, never truncated)",
    "invalid_date": "not a date written YYYY-MM-DD (a timestamp is refused too)",
    "invalid_timestamp": "not a timestamp with a time zone",
    "too_long": "text longer than the column's maximum length (in characters)",
    "control_character": "text holding a control character: C0 (incl. NUL, TAB, CR, LF, ESC, BEL), DEL or C1",
    "bidi_control": "text holding a bidirectional control (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069)",
    "formula": "text starting, after any spaces (U+0020, U+3000), with = + - @ or their full-width forms, "
    "unless the column allows that character",
    "after_window": "a date after the last day of the data month",
    "not_encodable_<encoding>": "text the package's encoding (cp932 or utf-8-bom) cannot hold",
}

CARD_FORMAT = Rule("format", validators.card_number, "two capital letters, eight digits, two capital letters")
CORPORATE_CHECK = Rule("check_digit", validators.corporate_number, "13 digits with a valid check digit")
BIRTH_RANGE = Rule("range", validators.birth_date, "on or after 1900-01-01")
KNOWN_SEX = Rule("known_code", validators.sex, "M or F")
KNOWN_NATIONALITY = Rule("known_code", validators.nationality, "in reference/nationalities.csv")
KNOWN_FIELD = Rule("known_code", validators.ssw_field, "in reference/ssw_fields.csv")
MUNICIPALITY_FORMAT = Rule("format", validators.municipality_code, "six digits")
POSITIVE = Rule("range", validators.positive, "greater than zero")
PHONE_FORMAT = Rule("format", validators.phone, "digits, hyphens, spaces and brackets, after an optional +")

# Maximum lengths, from the source schema's VARCHAR sizes.
CARD_LENGTH = 12
NAME_LENGTH = 200  # persons.name_*, employers.name and representative
ADDRESS_LENGTH = 300  # residence_notifications.address, employers.address
LABEL_LENGTH = 64  # names of statuses, fields, nationalities, ports, issue reasons; the SQL's own labels

BIRTH_BEFORE_EVENT = RowRule(
    "birth_after_event",
    lambda r: r["birth_date"] <= r["event_date"],
    ("birth_date", "event_date"),
    "birth date must not be later than the event date",
)
FIELD_IN_FORCE = RowRule(
    "field_not_in_force",
    lambda r: validators.field_in_force(r["ssw_field"], r["event_date"]),
    ("ssw_field", "event_date"),
    "the field must be in force on the permission date",
)
EXPIRY_NOT_BEFORE_EVENT = RowRule(
    "expiry_before_event",
    lambda r: r["expires_on"] >= r["event_date"],
    ("expires_on", "event_date"),
    "the period of stay the permission grants must not end before the permission date",
)  # items 2, 5 and 6 carry an earlier permission's expiry, which a pending application may outlast


def _record(event_header: str) -> tuple[Column, ...]:
    return (
        Column(
            "record_id", "連携番号", required=True, max_length=22,
            description="Opaque source record id (no personal data).",
        ),
        Column("event_date", event_header, "date", required=True, in_window=True, description="Legal date of the event."),
    )


PERSON = (
    Column("card_number", "在留カード番号", required=True, rule=CARD_FORMAT, max_length=CARD_LENGTH),
    Column("name_roman", "氏名（ローマ字）", required=True, max_length=NAME_LENGTH, description="Exactly as on the card."),
    Column("name_kanji", "氏名（漢字）", max_length=NAME_LENGTH),
    Column("birth_date", "生年月日", "date", required=True, rule=BIRTH_RANGE),
    Column("sex", "性別", required=True, rule=KNOWN_SEX, max_length=1),
    Column(
        "nationality", "国籍・地域", required=True, rule=KNOWN_NATIONALITY, max_length=LABEL_LENGTH,
        description="As the source holds it.",
    ),
)
STATUS = Column("status", "在留資格", required=True, max_length=LABEL_LENGTH)
SSW_FIELD = Column("ssw_field", "特定技能の分野", required=True, rule=KNOWN_FIELD, max_length=LABEL_LENGTH)
PERIOD = (
    Column("period_months", "在留期間（月数）", "integer", required=True, rule=POSITIVE),
    Column("expires_on", "在留期間の満了日", "date", required=True),
)
STAY_SSW = (STATUS, SSW_FIELD, *PERIOD)
STAY_DEPENDANT = (STATUS, *PERIOD)
ADDRESS = (
    Column("address", "住居地", max_length=ADDRESS_LENGTH),
    Column("municipality_code", "市区町村コード", rule=MUNICIPALITY_FORMAT, max_length=6),
)
EMPLOYER = (
    Column("employer_name", "所属機関の名称", required=True, max_length=NAME_LENGTH),
    Column("employer_address", "所属機関の所在地", max_length=ADDRESS_LENGTH),
    Column(
        "corporate_number", "法人番号", rule=CORPORATE_CHECK, max_length=13,
        description="Empty for sole proprietors.",
    ),
    Column(
        "employer_phone", "所属機関の電話番号", rule=PHONE_FORMAT, max_length=20, may_start_with="+",
        description="May start with + (international form); its format allows no other formula character.",
    ),
    Column("employer_representative", "所属機関の代表者氏名", max_length=NAME_LENGTH),
)
PRINCIPAL = (
    Column("relationship", "本体者との続柄", required=True, max_length=32),
    Column("principal_card_number", "本体者の在留カード番号", required=True, rule=CARD_FORMAT, max_length=CARD_LENGTH),
    Column("principal_name_roman", "本体者の氏名（ローマ字）", required=True, max_length=NAME_LENGTH),
    Column("principal_status", "本体者の在留資格", required=True, max_length=LABEL_LENGTH),
    Column("principal_ssw_field", "本体者の特定技能の分野", required=True, rule=KNOWN_FIELD, max_length=LABEL_LENGTH),
)
PREVIOUS_STATUS = Column("previous_status", "変更前の在留資格", max_length=LABEL_LENGTH)

ITEMS: tuple[Item, ...] = (
    Item(
        1, "在留資格「特定技能」の上陸許可を受けた外国人に係る情報【上陸時】", "Landing with SSW status",
        "ITEM01.CSV", "item1_landing.sql",
        (*_record("上陸許可年月日"), *PERSON, *STAY_SSW, *EMPLOYER),
        (BIRTH_BEFORE_EVENT, FIELD_IN_FORCE, EXPIRY_NOT_BEFORE_EVENT),
    ),
    Item(
        2, "在留資格「特定技能」で出国した外国人に係る情報【出国時（再入国許可者を除く）】",
        "Departure with SSW status (no re-entry permit or special re-entry)",
        "ITEM02.CSV", "item2_departure.sql",
        (
            *_record("出国年月日"),
            Column("departure_port", "出国港", max_length=LABEL_LENGTH),
            *PERSON, *STAY_SSW, *ADDRESS, *EMPLOYER,
        ),
        (BIRTH_BEFORE_EVENT,),
    ),
    Item(
        3, "入管法第20条又は第21条の規定に基づく在留資格「特定技能」の許可を受けた外国人に係る情報【在留資格変更時・在留期間更新時】",
        "Permission to SSW by change of status (20条) or extension (21条)",
        "ITEM03.CSV", "item3_ssw_permission.sql",
        (
            *_record("許可年月日"),
            Column("permission_kind", "許可の種類", required=True, max_length=LABEL_LENGTH),
            PREVIOUS_STATUS,
            *PERSON, *STAY_SSW, *ADDRESS, *EMPLOYER,
        ),
        (BIRTH_BEFORE_EVENT, FIELD_IN_FORCE, EXPIRY_NOT_BEFORE_EVENT),
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
        (BIRTH_BEFORE_EVENT, EXPIRY_NOT_BEFORE_EVENT),
    ),
    Item(
        5, "在留資格「特定技能」で在留する者のうち、入管法第19条の10ないし第19条の13等の規定に基づき、新しい在留カードが交付された外国人に係る情報【在留カードの氏名・生年月日・性別・国籍変更時、在留カード再交付時】",
        "New residence card (19条の10〜13)",
        "ITEM05.CSV", "item5_new_card.sql",
        (
            *_record("在留カード交付年月日"),
            Column("issue_reason", "交付事由", required=True, max_length=LABEL_LENGTH),
            Column("previous_card_number", "旧在留カード番号", rule=CARD_FORMAT, max_length=CARD_LENGTH),
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
            Column("notification_kind", "届出の種類", required=True, max_length=LABEL_LENGTH),
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
        (BIRTH_BEFORE_EVENT, EXPIRY_NOT_BEFORE_EVENT),
    ),
    Item(
        8, "特定技能外国人を本体者として入管法第20条の規定に基づく在留資格「特定活動」の許可を受けた外国人に係る情報【帯同家族「特定活動」変更時】",
        "Dependant granted 特定活動 (20条) with an SSW principal",
        "ITEM08.CSV", "item8_dependant_designated.sql",
        (*_record("許可年月日"), *PERSON, *STAY_DEPENDANT, *ADDRESS, *PRINCIPAL, *EMPLOYER),
        (BIRTH_BEFORE_EVENT, EXPIRY_NOT_BEFORE_EVENT),
    ),
)


def item(number: int) -> Item:
    """The item with this number (1..8)."""
    for candidate in ITEMS:
        if candidate.number == number:
            return candidate
    raise KeyError(f"no item {number}; items are 1..{len(ITEMS)}")
