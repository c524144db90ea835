"""Test oracle: the field rules as they were before the columnar path (validators.py at b8dad09), verbatim."""

from __future__ import annotations

import re
from datetime import date
from functools import cache, lru_cache

from ssw_linkage import reference

_CARD_RE = re.compile(r"[A-Z]{2}[0-9]{8}[A-Z]{2}")
_CORPORATE_RE = re.compile(r"[0-9]{13}")
_MUNICIPALITY_RE = re.compile(r"[0-9]{6}")
_PHONE_RE = re.compile(r"\+?[0-9(][0-9() -]*[0-9]")
EARLIEST_BIRTH = date(1900, 1, 1)

# Characters no text value may hold, and the ones a spreadsheet takes as the start of a formula.
CONTROL_CHARACTERS = "\x00-\x1f\x7f-\x9f"  # C0 (NUL, TAB, LF, CR, ESC, BEL…), DEL, C1
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
FORMULA_CHARACTERS = "=+-@＝＋－＠"
LEADING_SPACES = " \u3000"  # skipped before a formula character, as a spreadsheet may trim them
_CONTROL_RE = re.compile(f"[{CONTROL_CHARACTERS}]")
_BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")


def corporate_check_digit(base12: str) -> int:
    """Check digit of a 法人番号 over its 12-digit base (digits counted from the right)."""
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base12), start=1))
    return 9 - total % 9


def no_control_character(value: str) -> bool:
    return _CONTROL_RE.search(value) is None


def no_bidi_control(value: str) -> bool:
    return _BIDI_RE.search(value) is None


@cache
def formula_start(allowed: str = "") -> re.Pattern[str]:
    """Matches text that starts, after any leading spaces, with a formula character not in ``allowed``."""
    refused = "".join(ch for ch in FORMULA_CHARACTERS if ch not in allowed)
    return re.compile(f"[{LEADING_SPACES}]*[{re.escape(refused)}]")


def card_number(value: str) -> bool:
    """Residence card number: two capital letters, eight digits, two capital letters."""
    return _CARD_RE.fullmatch(value) is not None


@lru_cache(maxsize=1 << 16)  # employers repeat across rows
def corporate_number(value: str) -> bool:
    """13 digits whose first digit is the check digit of the other twelve."""
    return _CORPORATE_RE.fullmatch(value) is not None and int(value[0]) == corporate_check_digit(value[1:])


def municipality_code(value: str) -> bool:
    """全国地方公共団体コード: six digits."""
    return _MUNICIPALITY_RE.fullmatch(value) is not None


def phone(value: str) -> bool:
    """Digits, hyphens, spaces and brackets, after an optional + (international form)."""
    return _PHONE_RE.fullmatch(value) is not None


def sex(value: str) -> bool:
    return value in ("M", "F")


def nationality(value: str) -> bool:
    return value in reference.nationalities()


def ssw_field(value: str) -> bool:
    return value in reference.ssw_fields()


def birth_date(value: date) -> bool:
    return value >= EARLIEST_BIRTH


def positive(value: int) -> bool:
    return value > 0
