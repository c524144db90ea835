"""Row validation: convert each source value to its output text and list the rules it breaks.

Violations name the column and the rule, never the value, so they are safe to log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from ssw_linkage.months import JST
from ssw_linkage.spec import Column, Item


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


_PARSERS = {"text": str, "integer": int, "date": _to_date, "timestamp": _to_timestamp}


def _render(column: Column, value: Any) -> str:
    if column.type == "date":
        return value.isoformat()
    if column.type == "timestamp":
        return value.astimezone(JST).isoformat(timespec="seconds")
    return str(value)


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

    def check(self, row: Sequence[Any]) -> tuple[list[str], list[str]]:
        """Return (output texts, violations); violations are ``column:rule`` names."""
        texts: list[str] = []
        typed: dict[str, Any] = {}
        violations: list[str] = []
        for column, value in zip(self._columns, row):
            if value is None or value == "":
                if column.required:
                    violations.append(f"{column.key}:required")
                texts.append("")
                continue
            try:
                converted = _PARSERS[column.type](value)
            except (TypeError, ValueError):
                violations.append(f"{column.key}:invalid_{column.type}")
                texts.append("")
                continue
            if column.rule is not None and not column.rule.check(converted):
                violations.append(f"{column.key}:{column.rule.name}")
            else:
                typed[column.key] = converted  # row rules see only values that passed their own rule
            texts.append(_render(column, converted))
        for rule in self.item.row_rules:
            if all(k in typed for k in rule.inputs) and not rule.check(typed):
                violations.append(f"{'+'.join(rule.inputs)}:{rule.name}")
        violations.extend(self._unencodable(texts))
        return texts, violations

    def _unencodable(self, texts: list[str]) -> list[str]:
        try:
            "".join(texts).encode(self.encoding)
            return []
        except UnicodeEncodeError:
            return [
                f"{column.key}:not_encodable_{self.encoding}"
                for column, text in zip(self._columns, texts)
                if not _encodable(text, self.encoding)
            ]


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False
