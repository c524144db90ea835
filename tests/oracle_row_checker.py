"""Test oracle: the per-row checker as it was before the columnar path (validate.py at b8dad09), verbatim but
for the rules, which are the old scalar ones (oracle_validators, and the spec's row rules as they were).

Only tests/unit/test_columnar_checker.py uses it, to compare the vectorised checker with it row by row."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import oracle_validators as validators

from ssw_linkage import reference
from ssw_linkage.csv_format import ENCODINGS
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.spec import VALUE_RULES, Column, Item, Rule

_DIGITS_RE = re.compile(r"[0-9]+")
_ENCODING_NAMES = {codec: name for name, codec in ENCODINGS.items()}


class SpecMismatch(RuntimeError):
    """An item's SQL returns other columns than its spec declares."""


def _to_integer(value: Any) -> int:
    kind = type(value)  # bool and float are refused: no silent truncation
    if kind is int:
        return value
    if kind is Decimal and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if kind is str and _DIGITS_RE.fullmatch(value):
        return int(value)
    raise ValueError("not a whole number")


def _to_date(value: Any) -> date:
    if type(value) is date:  # a datetime is refused
        return value
    if type(value) is str and len(value) == 10 and value[7] == "-":
        return date.fromisoformat(value)  # YYYY-MM-DD only: 3.11 would also read 20260510 and week dates
    raise ValueError("not a YYYY-MM-DD date")


def _to_timestamp(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("naive timestamp")
    return moment


def _render_timestamp(value: datetime) -> str:
    return value.astimezone(JST).isoformat(timespec="seconds")


# non-text type → (parse the source value, render the output text)
_TYPES: dict[str, tuple[Callable[[Any], Any], Callable[[Any], str]]] = {
    "integer": (_to_integer, str),
    "date": (_to_date, date.isoformat),
    "timestamp": (_to_timestamp, _render_timestamp),
}


def _suspect_start(column: Column) -> frozenset[str]:
    """The first characters of text that may break the formula rule or be blank."""
    return frozenset(validators.FORMULA_CHARACTERS + validators.LEADING_SPACES) - set(column.may_start_with)


def _text_rules_broken(value: str, column: Column) -> list[str]:
    """The text rules ``value`` breaks (for the few values the quick screen in ``check`` stops)."""
    checks = (
        ("too_long", len(value) <= column.max_length),
        ("control_character", validators.no_control_character(value)),
        ("bidi_control", validators.no_bidi_control(value)),
        ("formula", validators.formula_start(column.may_start_with).match(value) is None),
    )
    return [name for name, ok in checks if not ok]


# The spec's rules as they were: column rules by their check's name, row rules by name.
_OLD_CHECKS = {
    name: getattr(validators, name)
    for name in ("card_number", "corporate_number", "municipality_code", "phone", "sex", "nationality", "ssw_field",
                 "birth_date", "positive")
}
_OLD_ROW_CHECKS = {
    "birth_after_event": lambda r: r["birth_date"] <= r["event_date"],
    "field_not_in_force": lambda r: reference.ssw_fields()[r["ssw_field"]].in_force(r["event_date"]),
    "expiry_before_event": lambda r: r["expires_on"] >= r["event_date"],
}


def _old(rule):
    if rule is None:
        return None
    return Rule(rule.name, _OLD_CHECKS[rule.check.__name__], rule.description)


def _window_rule(month: DataMonth) -> Rule:
    """``after_window`` for this month: a date must come before the next month's first day."""
    end = month.next().first_day
    return Rule("after_window", end.__gt__, VALUE_RULES["after_window"])


class RowChecker:
    """Checks the rows of one item for one data month, as they come from that item's SQL.

    ``encoding`` is the Python codec the files are written in (``package.codec``)."""

    def __init__(self, item: Item, source_keys: Sequence[str], encoding: str, month: DataMonth):
        keys = list(source_keys)
        spec_keys = [c.key for c in item.columns]
        if keys != spec_keys:
            missing = [k for k in spec_keys if k not in keys]
            unexpected = [k for k in keys if k not in spec_keys]
            raise SpecMismatch(
                f"item {item.number}: {item.sql_file} returns columns that differ from the spec "
                f"(missing {missing}, unexpected {unexpected}, or in another order)"
            )
        self.item = item
        self.encoding = encoding
        self.encoding_name = _ENCODING_NAMES.get(encoding, encoding)
        self._columns = item.columns
        row_rule_inputs = {key for rule in item.row_rules for key in rule.inputs}
        window = _window_rule(month)
        self._plan = [
            (
                c,
                c.key,
                c.type,
                c.required,
                *_TYPES.get(c.type, (None, None)),
                window if c.in_window else _old(c.rule),
                c.key in row_rule_inputs,
                c.max_length if c.type == "text" else None,
                _suspect_start(c),
            )
            for c in item.columns
        ]

    def check(self, row: Sequence[Any]) -> tuple[list[str], list[str]]:
        """Return (output texts, violations); violations are ``column:rule`` names.

        The hot loop of an extraction, so kept in one piece: clean text takes the fast path, with no
        call but its column's own rule."""
        texts: list[str] = []
        typed: dict[str, Any] = {}
        violations: list[str] = []
        for (column, key, kind, required, parse, render, rule, keep, limit, suspect), value in zip(self._plan, row):
            if (
                limit is not None
                and type(value) is str
                and value
                and len(value) <= limit
                and value[0] not in suspect
                and value.isprintable()
            ):  # the fast path: most text is short, printable and starts with no formula character or space
                if rule is not None and not rule.check(value):
                    violations.append(f"{key}:{rule.name}")
                    texts.append("")
                    continue
                if keep:
                    typed[key] = value  # row rules see only values that passed their own rule
                texts.append(value)
                continue
            if limit is not None and type(value) is str and value:  # text the fast path stopped
                if value.isspace():
                    value = ""  # blank is missing
                elif broken := _text_rules_broken(value, column):
                    violations += [f"{key}:{name}" for name in broken]
                    texts.append("")
                    continue
            if value is None or value == "":
                if required:
                    violations.append(f"{key}:required")
                texts.append("")
                continue
            if limit is None:
                try:
                    value = parse(value)
                except (TypeError, ValueError):
                    blank = type(value) is str and value.isspace()  # blank is missing
                    if required or not blank:
                        violations.append(f"{key}:required" if blank else f"{key}:invalid_{kind}")
                    texts.append("")
                    continue
            elif type(value) is not str:  # a BLOB, or a number where text belongs
                violations.append(f"{key}:invalid_text")
                texts.append("")
                continue
            if rule is not None and not rule.check(value):
                violations.append(f"{key}:{rule.name}")
                texts.append("")
                continue
            if keep:
                typed[key] = value
            texts.append(value if limit is not None else render(value))
        for rule in self.item.row_rules:
            if all(k in typed for k in rule.inputs) and not _OLD_ROW_CHECKS[rule.name](typed):
                violations.append(f"{'+'.join(rule.inputs)}:{rule.name}")
        if not self._encodable("".join(texts)):
            violations += [
                f"{c.key}:not_encodable_{self.encoding_name}"
                for c, t in zip(self._columns, texts)
                if not self._encodable(t)
            ]
        return texts, violations

    def _encodable(self, text: str) -> bool:
        try:
            text.encode(self.encoding)
            return True
        except UnicodeEncodeError:
            return False
