"""Row validation: convert each source value to its output text and list the rules it breaks.

Violations name the column and the rule, never the value, so they are safe to log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from ssw_linkage.months import JST
from ssw_linkage.spec import Item


class SpecMismatch(RuntimeError):
    """An item's SQL returns other columns than its spec declares."""


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        raise ValueError("timestamp where a date was expected")
    return value if isinstance(value, date) else date.fromisoformat(value)


def _to_timestamp(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("naive timestamp")
    return moment


def _render_timestamp(value: datetime) -> str:
    return value.astimezone(JST).isoformat(timespec="seconds")


# type → (parse the source value, render the output text)
_TYPES: dict[str, tuple[Callable[[Any], Any], Callable[[Any], str]]] = {
    "text": (str, str),
    "integer": (int, str),
    "date": (_to_date, date.isoformat),
    "timestamp": (_to_timestamp, _render_timestamp),
}


class RowChecker:
    """Checks the rows of one item, as they come from that item's SQL."""

    def __init__(self, item: Item, source_keys: Sequence[str], encoding: str):
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
        self._columns = item.columns
        row_rule_inputs = {key for rule in item.row_rules for key in rule.inputs}
        self._plan = [
            (c.key, c.type, c.required, *_TYPES[c.type], c.rule, c.key in row_rule_inputs) for c in item.columns
        ]

    def check(self, row: Sequence[Any]) -> tuple[list[str], list[str]]:
        """Return (output texts, violations); violations are ``column:rule`` names."""
        texts: list[str] = []
        typed: dict[str, Any] = {}
        violations: list[str] = []
        for (key, kind, required, parse, render, rule, keep), value in zip(self._plan, row):
            if value is None or value == "":
                if required:
                    violations.append(f"{key}:required")
                texts.append("")
                continue
            try:
                value = parse(value)
            except (TypeError, ValueError):
                violations.append(f"{key}:invalid_{kind}")
                texts.append("")
                continue
            if rule is not None and not rule.check(value):
                violations.append(f"{key}:{rule.name}")
            elif keep:
                typed[key] = value  # row rules see only values that passed their own rule
            texts.append(render(value))
        for rule in self.item.row_rules:
            if all(k in typed for k in rule.inputs) and not rule.check(typed):
                violations.append(f"{'+'.join(rule.inputs)}:{rule.name}")
        if not self._encodable("".join(texts)):
            violations += [
                f"{c.key}:not_encodable_{self.encoding}" for c, t in zip(self._columns, texts) if not self._encodable(t)
            ]
        return texts, violations

    def _encodable(self, text: str) -> bool:
        try:
            text.encode(self.encoding)
            return True
        except UnicodeEncodeError:
            return False
