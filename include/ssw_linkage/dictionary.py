"""docs/data-dictionary.md, rendered from the spec (never edited by hand)."""

from __future__ import annotations

from ssw_linkage.accounting import EXCLUSIONS
from ssw_linkage.package import CARRIED, ENCODINGS, MANIFEST, QUARANTINE
from ssw_linkage.spec import ITEMS, SPEC_VERSION, VALUE_RULES, Column

# Readings of the agreement and the law that the extraction depends on, with their reasons.
DECISIONS = (
    "**Statuses of residence.** The source holds all 29 statuses of 入管法 別表第一・第二 as reference data "
    "(`reference/statuses.csv`). 高度専門職, 特定技能 and 技能実習 are held by 号, and 技能実習 also by イ/ロ "
    "(企業単独型/団体監理型), because the residence card and ISA's statistics record them so and a coarser code "
    "cannot be split again; a status column therefore reads e.g. `技能実習2号ロ`. Only 特定技能1号・2号 are 特定技能.",
    "**Permission kinds.** 上陸許可, 在留資格変更許可 (20条), 在留期間更新許可 (21条), 永住許可 (22条) and "
    "在留資格取得許可 (22条の2; 22条の3 applies the same procedure to those landed for temporary refuge, so it is "
    "the same kind).",
    "**Item 4 is 20条 only.** Its words are 「他の在留資格への在留資格変更許可」: 在留資格変更許可 is the permission "
    "of 入管法20条, whose 2項 ただし書 sends a change to 永住者 to 22条, a separate application decided as 永住許可. "
    "The agreement uses the law's terms (items 3 and 8 cite 20条). A 特定技能 holder's 永住許可 is therefore in no "
    "item. If MHLW should hear of it, that is a 疑義 for 協議 under section 2 of the agreement; the change is one "
    "line of `item4_change_from_ssw.sql`.",
    "**Acquisition (22条の2) is in no item.** Items 1 and 7 name 上陸許可, item 3 names 20条・21条, item 8 20条: "
    "a child born in Japan who acquires 家族滞在 under a 特定技能 parent is not item 7.",
    "**Dependants (items 7, 8).** A permission naming no principal (本体者) is not a dependant's event and is not "
    "selected: most 20条 特定活動 changes have none. A principal who exists but whose status or particulars are not "
    "known by the window end keeps the row, which is quarantined (the principal columns are required).",
    "**Particulars as of the event.** Name, birth date, sex and nationality (changed under 19条の10) are those in "
    "force on the event date as recorded before the window end: an old card shows the name it was issued under, "
    "and a month rerun later gives the same rows.",
)


def _rule(column: Column) -> str:
    if column.in_window:
        return "`after_window`"
    return f"`{column.rule.name}`: {column.rule.description}" if column.rule else ""


def _may_start_with(column: Column) -> str:
    return " ".join(f"`{ch}`" for ch in column.may_start_with)


def render() -> str:
    lines = [
        "# Data dictionary (データ項目定義)",
        "",
        f"Generated from `ssw_linkage.spec` (spec version {SPEC_VERSION}) by `ssw-linkage spec`; do not edit.",
        "",
        f"Each package holds one CSV file per item, `{QUARANTINE}`, `{CARRIED}` and `{MANIFEST}`. CSV: "
        f"encoding {' or '.join(ENCODINGS)} (default cp932), CRLF, one header row, every field quoted, "
        "dates ISO 8601 (Western calendar), timestamps ISO 8601 in JST. Rows are ordered by record id; rows "
        "carried over from earlier months follow the month's own rows.",
        "",
        "A row breaking any rule below is not written: it is held, listed in the quarantine file with its item, "
        "record id, the month it was first held and the `column:rule` names it broke (never the values). "
        "Every later month re-checks the rows still held (as of its own window end) and delivers each once, "
        f"in the first package that finds it valid, listing it in `{CARRIED}`.",
        "",
        "Every value is held to these rules, by its column's type and settings (text rules apply to text "
        "columns; *max length* and *may start with* are per column, a blank *may start with* allowing none "
        "of `=` `+` `-` `@`):",
        "",
        *(f"- `{name}`: {description}." for name, description in VALUE_RULES.items()),
        "",
        "## Accounting (計数照合)",
        "",
        "The manifest accounts for every source event of the month, table by table: the rows of the window "
        "(counted independently) are taken by an item (delivered or held) or excluded by one of these rules, "
        "or the run fails before publishing (`include/sql/accounting/`):",
        "",
        *(f"- `{name}`: {description}." for name, description in EXCLUSIONS.items()),
        "",
        "## Decisions",
        "",
        *(f"- {decision}" for decision in DECISIONS),
        "",
    ]
    for item in ITEMS:
        lines += [
            f"## Item {item.number}: `{item.file_name}`",
            "",
            f"{item.title_ja}",
            "",
            f"{item.title_en}. Extraction: `include/sql/items/{item.sql_file}`.",
            "",
            "| # | key | header (見出し) | type | required | max length | may start with | rule | notes |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for n, c in enumerate(item.columns, start=1):
            required = "yes" if c.required else ""
            length = c.max_length or ""
            lines.append(
                f"| {n} | `{c.key}` | {c.header} | {c.type} | {required} | {length} | {_may_start_with(c)} "
                f"| {_rule(c)} | {c.description} |"
            )
        if item.row_rules:
            lines += ["", "Row rules: " + "; ".join(f"`{r.name}`: {r.description}" for r in item.row_rules) + "."]
        lines.append("")
    return "\n".join(lines)
