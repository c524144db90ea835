"""docs/data-dictionary.md, rendered from the spec (never edited by hand)."""

from __future__ import annotations

from ssw_linkage.package import ENCODINGS, MANIFEST, QUARANTINE
from ssw_linkage.spec import ITEMS, SPEC_VERSION, VALUE_RULES, Column


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
        f"Each package holds one CSV file per item, `{MANIFEST}` and `{QUARANTINE}`. CSV: "
        f"encoding {' or '.join(ENCODINGS)} (default cp932), CRLF, one header row, every field quoted, "
        "dates ISO 8601 (Western calendar), timestamps ISO 8601 in JST. Rows are ordered by record id.",
        "",
        "A row breaking any rule below is not written: it is listed in the quarantine file with its item, "
        "record id and the `column:rule` names it broke (never the values).",
        "",
        "Every value is held to these rules, by its column's type and settings (text rules apply to text "
        "columns; *max length* and *may start with* are per column, a blank *may start with* allowing none "
        "of `=` `+` `-` `@`):",
        "",
        *(f"- `{name}`: {description}." for name, description in VALUE_RULES.items()),
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
