"""Field rules, each applied to a whole column of values at once (the checker's batches).

A rule takes an array of values already converted to the column's type (an Arrow string array for
text, a numpy ``datetime64[D]`` array for dates, a numpy integer array for whole numbers) and returns
a numpy bool array: True where the value is acceptable. Given a single value it checks an array of
one and returns a bool, so each rule has one implementation. None looks at personal data beyond the
value it is given, and none puts a value into an error message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import cache, wraps

from ssw_linkage import reference
from ssw_linkage._lazy import np, pa, pc

EARLIEST_BIRTH = date(1900, 1, 1)

# Characters no text value may hold, and the ones a spreadsheet takes as the start of a formula.
CONTROL_CHARACTERS = "\x00-\x1f\x7f-\x9f"  # C0 (NUL, TAB, LF, CR, ESC, BEL…), DEL, C1
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
FORMULA_CHARACTERS = "=+-@＝＋－＠"
LEADING_SPACES = " \u3000"  # skipped before a formula character, as a spreadsheet may trim them
# Python's whitespace (str.isspace): a text value made of these only is blank, i.e. missing.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _re2_class(characters: str) -> str:
    """A character class (RE2 syntax, for Arrow) of ``characters``, where ``a-b`` is a range."""
    return "[" + "".join("-" if ch == "-" and 0 < n < len(characters) - 1 else f"\\x{{{ord(ch):x}}}"
                         for n, ch in enumerate(characters)) + "]"


_CONTROL = _re2_class(CONTROL_CHARACTERS)
_BIDI = _re2_class(BIDI_CONTROLS)
_BLANK = f"^{_re2_class(WHITESPACE)}+$"


def _bools(result) -> np.ndarray:
    """A numpy bool array from an Arrow or numpy result (null counts as False)."""
    if isinstance(result, pa.ChunkedArray):
        result = result.combine_chunks()
    if isinstance(result, pa.Array):
        return bits(result.fill_null(pa.scalar(False, pa.bool_())) if result.null_count else result)
    return np.asarray(result, dtype=bool)


def bits(values: pa.Array) -> np.ndarray:
    """An Arrow bool array (no nulls) as numpy bools, read from its bitmap (Array.to_numpy would load pandas)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    raw = np.frombuffer(values.buffers()[1], dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little", count=values.offset + len(values))[values.offset:].astype(bool)


def numbers(values: pa.Array) -> np.ndarray:
    """An Arrow array of a fixed-width type (no nulls) as numpy, without a copy."""
    width = values.type.bit_width // 8
    dtype = np.dtype(f"{'i' if pa.types.is_signed_integer(values.type) else 'u'}{width}")
    return np.frombuffer(values.buffers()[1], dtype=dtype, count=len(values), offset=width * values.offset)


def _as_array(value):
    if isinstance(value, str):
        return pa.array([value], pa.string())
    if isinstance(value, date):
        return np.array([value], dtype="datetime64[D]")
    return np.array([value])


def column_rule(check: Callable) -> Callable:
    """A rule over an array of values; given one value, it checks an array of one and returns a bool."""

    @wraps(check)
    def rule(values):
        if isinstance(values, (pa.Array, pa.ChunkedArray, np.ndarray)):
            return _bools(check(values))
        return bool(_bools(check(_as_array(values)))[0])

    return rule


def _fullmatch(pattern: str) -> Callable:
    return lambda values: pc.match_substring_regex(values, f"^(?:{pattern})$")


# -- text rules: every text value is held to them (spec.VALUE_RULES) --------------------------------------
# Each is its regular expression, applied to the values whose UTF-8 bytes allow a match: a control or bidi
# character always brings one of a few bytes, blank text and a formula start with one of a few lead bytes,
# text longer than N characters is longer than N bytes. Most values are never looked at one by one.

def _utf8(values: pa.Array) -> tuple[np.ndarray, bytes]:
    """(offsets of each value's bytes, from 0; the values' UTF-8 bytes, concatenated)."""
    offsets = np.frombuffer(values.buffers()[1], np.int32, count=len(values) + 1, offset=4 * values.offset)
    data = values.buffers()[2]
    start, end = int(offsets[0]), int(offsets[-1])
    return offsets.astype(np.int64) - start, (data[start:end].to_pybytes() if data is not None else b"")


def _byte_table(characters: str) -> bytes:
    """A bytes.translate table marking the first UTF-8 byte of each of ``characters`` (``a-b`` a range):
    a value holding one of them holds its first byte."""
    spelled = re.sub(r"(.)-(.)", lambda m: "".join(map(chr, range(ord(m[1]), ord(m[2]) + 1))), characters, flags=re.S)
    marked = {ch.encode("utf-8")[0] for ch in spelled}
    return bytes(1 if b in marked else 0 for b in range(256))


@cache
def _lead_table(characters: str) -> np.ndarray:
    """Whether a value may start with one of ``characters``, by its first byte."""
    table = np.zeros(256, dtype=bool)
    table[[ch.encode("utf-8")[0] for ch in characters]] = True
    return table


def _where(values: pa.Array, candidates: np.ndarray, pattern: str) -> np.ndarray:
    """The rows matching ``pattern``, looked for among ``candidates`` only."""
    found = np.zeros(len(values), dtype=bool)
    if candidates.any():
        index = np.flatnonzero(candidates)
        found[index] = _bools(pc.match_substring_regex(pc.take(values, pa.array(index)), pattern))
    return found


def _holding(values: pa.Array, table: bytes) -> np.ndarray:
    """The rows holding a byte marked in ``table``."""
    offsets, data = _utf8(values)
    marks = data.translate(table)
    rows = np.zeros(len(values), dtype=bool)
    if marks.find(1) >= 0:
        positions = np.flatnonzero(np.frombuffer(marks, np.uint8))
        rows[np.searchsorted(offsets, positions, side="right") - 1] = True
    return rows


def _starting(values: pa.Array, table: np.ndarray) -> np.ndarray:
    """The rows whose first byte is marked in ``table`` (empty values are not)."""
    offsets, data = _utf8(values)
    nonempty = offsets[1:] > offsets[:-1]
    rows = np.zeros(len(values), dtype=bool)
    if data:
        rows[nonempty] = table[np.frombuffer(data, np.uint8)[offsets[:-1][nonempty]]]
    return rows


_CONTROL_BYTES = _byte_table(CONTROL_CHARACTERS)
_BIDI_BYTES = _byte_table(BIDI_CONTROLS)


def blank(values: pa.Array) -> np.ndarray:
    """Text made of whitespace only (U+3000 included): counted as missing."""
    return _where(values, _starting(values, _lead_table(WHITESPACE)), _BLANK)


def too_long(values: pa.Array, max_length: int) -> np.ndarray:
    offsets, _ = _utf8(values)
    longer = np.diff(offsets) > max_length  # bytes: a necessary condition
    found = np.zeros(len(values), dtype=bool)
    if longer.any():
        index = np.flatnonzero(longer)
        lengths = pc.utf8_length(pc.take(values, pa.array(index)))
        found[index] = _bools(pc.greater(lengths, pa.scalar(max_length, pa.int32())))
    return found


def control_character(values: pa.Array) -> np.ndarray:
    return _where(values, _holding(values, _CONTROL_BYTES), _CONTROL)


def bidi_control(values: pa.Array) -> np.ndarray:
    return _where(values, _holding(values, _BIDI_BYTES), _BIDI)


@cache
def formula_start(allowed: str = "") -> re.Pattern[str]:
    """Matches text that starts, after any leading spaces, with a formula character not in ``allowed``."""
    refused = "".join(ch for ch in FORMULA_CHARACTERS if ch not in allowed)
    return re.compile(f"[{LEADING_SPACES}]*[{re.escape(refused)}]")


def formula(values: pa.Array, allowed: str = "") -> np.ndarray:
    """Text a spreadsheet would take for a formula (``formula_start``, anchored at the start)."""
    leads = _lead_table(LEADING_SPACES + FORMULA_CHARACTERS)
    return _where(values, _starting(values, leads), "^" + formula_start(allowed).pattern)



def no_control_character(value: str) -> bool:
    return not control_character(pa.array([value], pa.string()))[0]


def no_bidi_control(value: str) -> bool:
    return not bidi_control(pa.array([value], pa.string()))[0]


# -- column rules (spec.Rule) ------------------------------------------------------------------------------

def corporate_check_digit(base12: str) -> int:
    """Check digit of a 法人番号 over its 12-digit base (digits counted from the right)."""
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base12), start=1))
    return 9 - total % 9


_CORPORATE_WEIGHTS = [1 if (12 - j) % 2 else 2 for j in range(12)]


@column_rule
def card_number(values):
    """Residence card number: two capital letters, eight digits, two capital letters."""
    return _fullmatch("[A-Z]{2}[0-9]{8}[A-Z]{2}")(values)


@column_rule
def corporate_number(values):
    """13 digits whose first digit is the check digit of the other twelve."""
    shaped = _bools(_fullmatch("[0-9]{13}")(values))
    ok = np.zeros(len(values), dtype=bool)
    if shaped.any():
        digits = np.frombuffer(
            "".join(pc.filter(values, pa.array(shaped)).to_pylist()).encode("ascii"), dtype=np.uint8
        ).reshape(-1, 13) - ord("0")
        check = 9 - (digits[:, 1:].astype(np.int64) @ np.array(_CORPORATE_WEIGHTS)) % 9
        ok[shaped] = digits[:, 0] == check
    return ok


@column_rule
def municipality_code(values):
    """全国地方公共団体コード: six digits."""
    return _fullmatch("[0-9]{6}")(values)


@column_rule
def phone(values):
    """Digits, hyphens, spaces and brackets, after an optional + (international form)."""
    return _fullmatch(r"\+?[0-9(][0-9() \-]*[0-9]")(values)


@column_rule
def sex(values):
    return pc.is_in(values, value_set=pa.array(["M", "F"], pa.string()))


@column_rule
def nationality(values):
    return pc.is_in(values, value_set=pa.array(sorted(reference.nationalities()), pa.string()))


@column_rule
def ssw_field(values):
    return pc.is_in(values, value_set=pa.array(sorted(reference.ssw_fields()), pa.string()))


@column_rule
def birth_date(values):
    return values >= np.datetime64(EARLIEST_BIRTH, "D")


@column_rule
def positive(values):
    return values > 0


def field_in_force(fields, days):
    """Whether each field (分野) was in force on its day (row rule ``field_not_in_force``); fields the
    reference does not know are left to the column rule ``known_code``."""
    if not isinstance(fields, (pa.Array, pa.ChunkedArray)):
        return bool(field_in_force(pa.array([fields], pa.string()), np.array([days], dtype="datetime64[D]"))[0])
    known = reference.ssw_fields()
    names = pa.array(sorted(known), pa.string())
    index = numbers(pc.index_in(fields, value_set=names).fill_null(pa.scalar(-1, pa.int32())))
    valid_from = np.array([known[n].valid_from for n in names.to_pylist()] + [date.min], dtype="datetime64[D]")
    valid_to = np.array([known[n].valid_to or date.max for n in names.to_pylist()] + [date.max], dtype="datetime64[D]")
    days = np.asarray(days, dtype="datetime64[D]")
    return (index < 0) | ((valid_from[index] <= days) & (days <= valid_to[index]))
