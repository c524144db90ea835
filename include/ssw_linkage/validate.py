"""Validation a batch of rows at a time: convert each source value to its output text and list the rules
each row breaks.

A batch holds one item's rows column by column, as the source gave them (``Batch``): Arrow string
arrays from PostgreSQL's ``COPY`` (with the column's PostgreSQL type), or Python values from a cursor
(SQLite). ``BatchChecker`` applies the spec's rules to whole columns (``validators``) and gives, per
row, the output texts and the ``column:rule`` names it breaks, in the order the per-row checker named
them: each column's own rules in column order, then the row rules, then the encoding, per column.
``RowChecker`` checks one row as a batch of one. Violations name the column and the rule (see
``spec.VALUE_RULES`` and the spec's own rules), never the value. A value that breaks a rule of its own is
never rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ssw_linkage import validators
from ssw_linkage._lazy import np, pa, pc
from ssw_linkage.csv_format import ENCODINGS
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.spec import VALUE_RULES, Column, Item, Rule

_ENCODING_NAMES = {codec: name for name, codec in ENCODINGS.items()}
# From this instant on, Asia/Tokyo is UTC+09:00 without exception (no LMT, no summer time): timestamps
# from then on are rendered by column; older ones (and unusual text forms) one by one, by datetime.
_FIXED_OFFSET_SINCE = "1952-01-01T00:00:00"
_LAST_FIXED = "9999-12-30T00:00:00"
_QUOTE, _BETWEEN, _END, _NOTHING, _JST_OFFSET = '"', '","', '"\r\n', "", "+09:00"


def _scalar(value: str):
    return pa.scalar(value, pa.string())
_UTC_TEXT = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,6})?(?:\+00(?::00)?|Z)$"


class SpecMismatch(RuntimeError):
    """An item's SQL returns other columns than its spec declares."""


# -- a batch of source rows ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceColumn:
    """One column of a batch. ``kind`` says what the values are:

    - ``python``: a list of Python values, as a DB-API cursor gives them (SQLite, or any other source);
    - ``text``, ``integer``, ``date``, ``timestamptz``: an Arrow string array of PostgreSQL's text output
      (``COPY … CSV``, DateStyle ISO, TimeZone UTC) of a column of that type; null is SQL NULL.
    """

    kind: str
    values: Any


@dataclass(frozen=True)
class Batch:
    keys: tuple[str, ...]
    columns: list[SourceColumn]
    rows: int

    @classmethod
    def from_rows(cls, keys: Sequence[str], rows: Sequence[Sequence[Any]]) -> Batch:
        """A batch of Python rows (a cursor's)."""
        columns = list(zip(*rows)) if rows else [()] * len(keys)
        return cls(tuple(keys), [SourceColumn("python", list(c)) for c in columns], len(rows))


# -- values by kind ----------------------------------------------------------------------------------------

@dataclass
class _Group:
    """Some rows of a column whose values are of one kind, and their values (see ``_groups``)."""

    kind: str  # str | int | decimal | date | datetime | other | pg_date | pg_timestamptz
    rows: np.ndarray  # row numbers in the batch
    values: Any
    unencodable: np.ndarray | None = None  # str values no encoding can hold (lone surrogates), by position
    texts: pa.Array | None = None  # the values' own text, where the source gave it (PostgreSQL)


def _kind(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return "str"
    if kind is int:  # bool is not an int here
        return "int"
    if kind is date:  # a datetime is not a date here
        return "date"
    if isinstance(value, datetime):
        return "datetime"
    if kind is Decimal:
        return "decimal"
    return "other"


def _python_strings(values: list[str]) -> tuple[pa.Array, np.ndarray | None]:
    try:
        return pa.array(values, pa.string()), None
    except (UnicodeEncodeError, pa.ArrowException):
        # Only a Python caller can hold a lone surrogate: it breaks no text rule but no encoding holds it.
        bad = np.array([not _utf8(v) for v in values])
        return pa.array([v.encode("utf-8", "replace").decode("utf-8") for v in values], pa.string()), bad


def _utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _groups(column: SourceColumn, rows: int) -> tuple[np.ndarray, list[_Group]]:
    """(SQL NULL mask, the non-null values grouped by kind)."""
    if column.kind != "python":
        strings = column.values
        null = validators.bits(strings.is_null())
        present = np.flatnonzero(~null)
        values = strings.drop_null() if null.any() else strings
        if column.kind == "integer":
            numbers = validators.numbers(pc.cast(values, pa.int64()))
            return null, [_Group("int", present, numbers, texts=values)]
        kind = {"text": "str", "date": "pg_date", "timestamptz": "pg_timestamptz"}[column.kind]
        return null, [_Group(kind, present, values)]
    values = column.values
    kinds = set(map(type, values))
    null = np.fromiter((v is None for v in values), bool, rows) if type(None) in kinds else np.zeros(rows, bool)
    kinds.discard(type(None))
    if not kinds:
        return null, []
    if len(kinds) == 1 and (only := _kind(next(v for v in values if v is not None))) in ("str", "int", "date"):
        present = np.flatnonzero(~null)
        kept = [v for v in values if v is not None] if null.any() else values
        return null, [_typed_group(only, present, kept)]
    by_kind: dict[str, list[int]] = {}
    for n, v in enumerate(values):
        if v is not None:
            by_kind.setdefault(_kind(v), []).append(n)
    return null, [_typed_group(k, np.array(idx), [values[i] for i in idx]) for k, idx in by_kind.items()]


def _typed_group(kind: str, rows: np.ndarray, values: list) -> _Group:
    if kind == "str":
        strings, unencodable = _python_strings(values)
        return _Group("str", rows, strings, unencodable)
    if kind == "int":
        try:
            return _Group("int", rows, np.array(values, dtype=np.int64))
        except OverflowError:
            return _Group("int", rows, np.array(values, dtype=object))
    if kind == "date":
        return _Group("date", rows, np.array(values, dtype="datetime64[D]"))
    return _Group(kind, rows, values)


# -- conversions ---------------------------------------------------------------------------------------------

def _digits(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(whole-number mask, the numbers): text of ASCII digits only."""
    ok = validators._bools(pc.match_substring_regex(strings, "^[0-9]+$"))
    numbers = np.zeros(len(strings), dtype=np.int64)
    if ok.any():
        texts = pc.filter(strings, pa.array(ok))
        if pc.max(pc.utf8_length(texts)).as_py() <= 18:
            numbers[ok] = validators.numbers(pc.cast(texts, pa.int64()))
        else:
            numbers = numbers.astype(object)
            numbers[ok] = [int(t) for t in texts.to_pylist()]
    return ok, numbers


def _iso_dates(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(date mask, the days): text ``YYYY-MM-DD`` of a real calendar day (as date.fromisoformat reads it)."""
    ok = validators._bools(pc.match_substring_regex(strings, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
    days = np.full(len(strings), np.datetime64("NaT"), dtype="datetime64[D]")
    if ok.any():
        raw = np.frombuffer("".join(pc.filter(strings, pa.array(ok)).to_pylist()).encode("ascii"), np.uint8)
        digits = raw.reshape(-1, 10).astype(np.int64) - ord("0")
        year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
        month = digits[:, 5] * 10 + digits[:, 6]
        day = digits[:, 8] * 10 + digits[:, 9]
        plausible = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
        first = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
        value = first.astype("datetime64[D]") + (np.clip(day, 1, 31) - 1) * np.timedelta64(1, "D")
        real = plausible & (value.astype("datetime64[M]") == first)
        days[ok] = np.where(real, value, np.datetime64("NaT"))
        ok[ok] = real
    return ok, days


def _to_timestamp(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("naive timestamp")
    return moment


def _render_timestamp(value: datetime) -> str:
    return value.astimezone(JST).isoformat(timespec="seconds")


def _timestamps_one_by_one(values: Sequence[Any]) -> tuple[np.ndarray, list[str]]:
    ok, texts = np.zeros(len(values), dtype=bool), [""] * len(values)
    for n, value in enumerate(values):
        try:
            texts[n] = _render_timestamp(_to_timestamp(value))
            ok[n] = True
        except (TypeError, ValueError):
            pass
    return ok, texts


def _timestamps(strings: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(timestamp mask, the texts in JST): text as datetime.fromisoformat reads it, with a time zone."""
    fast = validators._bools(pc.match_substring_regex(strings, _UTC_TEXT))
    parts = []
    if fast.any():
        moment = _utc_moments(strings, fast)
        near = (moment >= np.datetime64(_FIXED_OFFSET_SINCE, "s")) & (moment <= np.datetime64(_LAST_FIXED, "s"))
        index = np.flatnonzero(fast)
        fast[index[~near]] = False
        if near.any():
            local = (moment[near] + np.timedelta64(9, "h")).astype("datetime64[s]").astype(np.int64)
            seconds = pc.cast(pa.array(local, pa.int64()), pa.timestamp("s"))
            rendered = pc.binary_join_element_wise(
                pc.strftime(seconds, format="%Y-%m-%dT%H:%M:%S"), _scalar(_JST_OFFSET), _scalar(_NOTHING)
            )
            parts.append((index[near], rendered))
    ok = fast.copy()
    rest = np.flatnonzero(~fast)
    if len(rest):
        slow_ok, slow_texts = _timestamps_one_by_one(pc.take(strings, pa.array(rest)).to_pylist())
        ok[rest] = slow_ok
        parts.append((rest, pa.array(slow_texts, pa.string())))
    return ok, _placed(parts, len(strings))


def _utc_moments(strings: pa.Array, fast: np.ndarray) -> np.ndarray:
    """The instants of the ``_UTC_TEXT`` values (seconds; NaT where a field is out of range)."""
    raw = pc.utf8_slice_codeunits(pc.filter(strings, pa.array(fast)), 0, 19)
    digits = np.frombuffer("".join(raw.to_pylist()).encode("ascii"), np.uint8).reshape(-1, 19).astype(np.int64)
    digits -= ord("0")
    ok, days = _iso_dates(pc.utf8_slice_codeunits(raw, 0, 10))
    hour = digits[:, 11] * 10 + digits[:, 12]
    minute = digits[:, 14] * 10 + digits[:, 15]
    second = digits[:, 17] * 10 + digits[:, 18]
    ok &= (hour < 24) & (minute < 60) & (second < 60)
    seconds = hour * 3600 + minute * 60 + second
    moment = days.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return np.where(ok, moment, np.datetime64("NaT"))


# -- checking -----------------------------------------------------------------------------------------------

@dataclass
class _Checked:
    """One column of a batch, checked: its output texts, typed values and violations."""

    texts: pa.Array
    values: Any = None  # typed values (for row rules), valid where ``ok``
    ok: np.ndarray | None = None  # present and passing its own rules
    violations: list[tuple[str, np.ndarray]] = field(default_factory=list)  # (column:rule, rows), in order
    unencodable: np.ndarray | None = None


@dataclass(frozen=True)
class CheckedBatch:
    """A batch checked: per column the output texts, per row its CSV line, whether it broke a rule and which.

    ``encoded`` is every line in the files' encoding, when every row passed (the common case)."""

    texts: list[pa.Array]
    lines: pa.Array
    bad: np.ndarray
    violations: dict[int, list[str]]  # row → its violations, for the rows that have any
    encoded: bytes | None

    @property
    def rows(self) -> int:
        return len(self.bad)


def _window_rule(month: DataMonth) -> Rule:
    """``after_window`` for this month: a date must come before the next month's first day."""
    end = np.datetime64(month.next().first_day, "D")
    return Rule("after_window", lambda days: days < end, VALUE_RULES["after_window"])


def _scatter(rows: int, where: np.ndarray, values: np.ndarray) -> np.ndarray:
    full = np.zeros(rows, dtype=bool)
    full[where] = values
    return full


class BatchChecker:
    """Checks the rows of one item for one data month, a batch at a time, as they come from that item's SQL.

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
        self._window = _window_rule(month)

    def check(self, batch: Batch) -> CheckedBatch:
        n = batch.rows
        checked = [self._column(c, source, n) for c, source in zip(self.item.columns, batch.columns, strict=True)]
        entries = [(name, rows) for col in checked for name, rows in col.violations]
        by_key = {c.key: col for c, col in zip(self.item.columns, checked, strict=True)}
        for rule in self.item.row_rules:
            ok = np.logical_and.reduce([by_key[k].ok for k in rule.inputs])
            if ok.any():
                index = pa.array(np.flatnonzero(ok))
                inputs = {k: _take(by_key[k].values, index) for k in rule.inputs}
                broken = ~validators._bools(rule.check(inputs))
                entries.append((f"{'+'.join(rule.inputs)}:{rule.name}", _scatter(n, np.flatnonzero(ok), broken)))
        texts = [col.texts for col in checked]
        lines = csv_lines(texts)
        encoded, unencodable = self._encode(lines, checked)
        entries += unencodable
        entries = [(name, rows) for name, rows in entries if rows.any()]
        bad = np.logical_or.reduce([rows for _, rows in entries]) if entries else np.zeros(n, dtype=bool)
        violations: dict[int, list[str]] = {}
        if entries:
            names = [name for name, _ in entries]
            matrix = np.stack([rows for _, rows in entries])
            for row in np.flatnonzero(bad):
                violations[int(row)] = [names[k] for k in np.flatnonzero(matrix[:, row])]
        return CheckedBatch(texts, lines, bad, violations, encoded if not bad.any() else None)

    def _encode(self, lines: pa.Array, checked: list[_Checked]) -> tuple[bytes | None, list[tuple[str, np.ndarray]]]:
        """(every line encoded, or None; ``not_encodable_<encoding>`` per column: text the encoding cannot
        hold). One encoding of the whole batch when it all encodes; else column by column, value by value."""
        flagged = [col.unencodable for col in checked]
        encoded = None
        if not any(f is not None and f.any() for f in flagged):
            try:
                encoded = encode(lines, self.encoding)
            except UnicodeEncodeError:
                pass
        if encoded is None:
            for k, col in enumerate(checked):
                values = utf8_text(col.texts)
                try:
                    values.encode(self.encoding)
                except UnicodeEncodeError:
                    rows = np.array([not _encodes(t, self.encoding) for t in col.texts.to_pylist()], dtype=bool)
                    flagged[k] = rows if flagged[k] is None else flagged[k] | rows
        entries = [
            (f"{c.key}:not_encodable_{self.encoding_name}", rows)
            for c, rows in zip(self.item.columns, flagged, strict=True)
            if rows is not None
        ]
        return encoded, entries

    def _column(self, column: Column, source: SourceColumn, n: int) -> _Checked:
        null, groups = _groups(source, n)
        if column.type == "text":
            return _text(column, null, groups, n)
        return _typed(column, self._window if column.in_window else column.rule, null, groups, n)


def _take(values, index: pa.Array):
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return pc.take(values, index)
    return values[validators.numbers(index)]


def _encodes(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
        return True
    except UnicodeEncodeError:
        return False


def csv_lines(texts: list[pa.Array]) -> pa.Array:
    """Each row as a CSV line of ours: every field quoted (quotes doubled), comma-separated, CRLF."""
    quoted = [pc.replace_substring(t, '"', '""') if b'"' in validators._utf8(t)[1] else t for t in texts]
    between = _scalar(_BETWEEN)
    fields = [part for text in quoted for part in (between, text)][1:]
    return pc.binary_join_element_wise(_scalar(_QUOTE), *fields, _scalar(_END), _scalar(_NOTHING))  # one pass


def utf8_bytes(strings: pa.Array) -> bytes:
    """The concatenated UTF-8 bytes of an Arrow string array (no copy of the values one by one)."""
    if len(strings) == 0:
        return b""
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32, count=len(strings) + 1, offset=4 * strings.offset)
    data = strings.buffers()[2]
    return data[int(offsets[0]):int(offsets[-1])].to_pybytes() if data is not None else b""


def utf8_text(strings: pa.Array) -> str:
    return utf8_bytes(strings).decode("utf-8")


ENCODE_ROWS = 2_048  # lines decoded and encoded at a time: the text of a whole batch would double its memory


def encode(lines: pa.Array, codec: str) -> bytes:
    """Lines in the files' encoding (UTF-8 with BOM: the BOM is the file's, written with its header)."""
    if codec.replace("_", "-").lower() in ("utf-8", "utf-8-sig", "utf8"):
        return utf8_bytes(lines)
    return b"".join(
        utf8_text(lines.slice(start, ENCODE_ROWS)).encode(codec) for start in range(0, len(lines), ENCODE_ROWS)
    )


def _text(column: Column, null: np.ndarray, groups: list[_Group], n: int) -> _Checked:
    """A text column: the text rules, then required, then the column's own rule."""
    key = column.key
    missing = null.copy()
    too_long, control, bidi, formula, invalid, broke_rule = (np.zeros(n, dtype=bool) for _ in range(6))
    unencodable = None
    valid = np.zeros(n, dtype=bool)
    strings = None
    for g in groups:
        if g.kind != "str":
            invalid[g.rows] = True  # a BLOB, or a number where text belongs
            continue
        s = g.values
        offsets, _ = validators._utf8(s)
        empty = offsets[1:] == offsets[:-1]
        blank = ~empty & validators.blank(s)
        rest = ~empty & ~blank
        checks = (
            validators.too_long(s, column.max_length) & rest,
            validators.control_character(s) & rest,
            validators.bidi_control(s) & rest,
            validators.formula(s, column.may_start_with) & rest,
        )
        for full, part in zip((too_long, control, bidi, formula), checks, strict=True):
            full[g.rows] = part
        ok = rest & ~np.logical_or.reduce(checks)
        missing[g.rows] |= empty | blank
        valid[g.rows] = ok
        strings = s if len(groups) == 1 and len(g.rows) == n else None
        if g.unencodable is not None:
            unencodable = _scatter(n, g.rows, g.unencodable)
    texts = _text_values(groups, n, strings)
    if column.rule is not None and valid.any():
        index = np.flatnonzero(valid)
        passed = column.rule.check(pc.take(texts, pa.array(index)))
        broke_rule[index] = ~passed
        valid[index] = passed
    required = missing & column.required
    if not valid.all():
        texts = pc.if_else(pa.array(valid), texts, _scalar(_NOTHING))
    if unencodable is not None:
        unencodable &= valid
    violations = [
        (f"{key}:too_long", too_long),
        (f"{key}:control_character", control),
        (f"{key}:bidi_control", bidi),
        (f"{key}:formula", formula),
        (f"{key}:required", required),
        (f"{key}:invalid_text", invalid),
        (f"{key}:{column.rule.name}" if column.rule else f"{key}:rule", broke_rule),
    ]
    return _Checked(texts, texts, valid, violations, unencodable)


def _text_values(groups: list[_Group], n: int, whole: pa.Array | None) -> pa.Array:
    """The str values at their rows ("" elsewhere), as one Arrow array."""
    if whole is not None:
        return whole
    strs = [g for g in groups if g.kind == "str"]
    if not strs:
        return pa.array([""] * n, pa.string())
    rows = np.concatenate([g.rows for g in strs])
    values = pa.concat_arrays([g.values for g in strs])
    order = np.full(n, len(rows), dtype=np.int64)
    order[rows] = np.arange(len(rows))
    return pc.take(pa.concat_arrays([values, pa.array([""], pa.string())]), pa.array(order))


def _typed(column: Column, rule: Rule | None, null: np.ndarray, groups: list[_Group], n: int) -> _Checked:
    """An integer, date or timestamp column: required, the type, then the column's rule (or the window)."""
    kind, key = column.type, column.key
    missing = null.copy()
    invalid = np.zeros(n, dtype=bool)
    valid = np.zeros(n, dtype=bool)
    values = np.full(n, np.datetime64("NaT"), "datetime64[D]") if kind == "date" else np.zeros(n, np.int64)
    parts = []  # (rows, texts) of the converted values
    for g in groups:
        ok, converted, texts, blank = _convert(kind, g)
        if ok.any():
            if kind != "timestamp":
                if converted.dtype == np.dtype(object) and values.dtype != np.dtype(object):
                    values = values.astype(object)
                values[g.rows[ok]] = converted[ok]
            parts.append((g.rows, texts))
        valid[g.rows] = ok
        missing[g.rows] |= blank
        invalid[g.rows] = ~ok & ~blank
    broke_rule = np.zeros(n, dtype=bool)
    if rule is not None and valid.any():
        index = np.flatnonzero(valid)
        passed = rule.check(values[index])
        broke_rule[index] = ~passed
        valid[index] = passed
    texts = _placed(parts, n)
    if not valid.all():
        texts = pc.if_else(pa.array(valid), texts, _scalar(_NOTHING))
    violations = [
        (f"{key}:required", missing & column.required),
        (f"{key}:invalid_{kind}", invalid),
        (f"{key}:{rule.name}" if rule else f"{key}:rule", broke_rule),
    ]
    return _Checked(texts, values, valid, violations)


def _placed(parts: list[tuple[np.ndarray, pa.Array]], n: int) -> pa.Array:
    """Texts given for some rows each, as one array of all ``n`` rows ("" where none is given)."""
    if len(parts) == 1 and len(parts[0][0]) == n:
        return parts[0][1]
    if not parts:
        return pa.array([""] * n, pa.string())
    rows = np.concatenate([r for r, _ in parts])
    values = pa.concat_arrays([t for _, t in parts] + [pa.array([""], pa.string())])
    order = np.full(n, len(rows), dtype=np.int64)
    order[rows] = np.arange(len(rows))
    return pc.take(values, pa.array(order))


def _int_texts(numbers: np.ndarray) -> pa.Array:
    if numbers.dtype == np.dtype(object):
        return pa.array([str(v) for v in numbers], pa.string())
    return pc.cast(pa.array(numbers), pa.string())


def _date_texts(days: np.ndarray) -> pa.Array:
    return pc.cast(pc.cast(pa.array(days), pa.date32()), pa.string())


def _convert(kind: str, g: _Group) -> tuple[np.ndarray, Any, pa.Array, np.ndarray]:
    """(converted mask, converted values, their texts, blank mask) for the values of one group; texts are
    read only where converted."""
    size = len(g.rows)
    none = np.zeros(size, dtype=bool)
    if g.kind == "str":
        offsets, _ = validators._utf8(g.values)
        blank = validators.blank(g.values) | (offsets[1:] == offsets[:-1])  # "" is missing too
        if kind == "integer":
            ok, numbers = _digits(g.values)
            return ok, numbers, _int_texts(numbers), blank & ~ok
        if kind == "date":
            ok, days = _iso_dates(g.values)
            return ok, days, g.values, blank & ~ok  # YYYY-MM-DD: the text is the date's ISO form
        ok, texts = _timestamps(g.values)
        return ok, None, texts, blank & ~ok
    if kind == "integer":
        if g.kind == "int":
            ok = np.ones(size, dtype=bool)
            return ok, g.values, g.texts if g.texts is not None else _int_texts(g.values), none
        if g.kind == "decimal":
            ok = np.array([v.is_finite() and v == v.to_integral_value() for v in g.values], dtype=bool)
            numbers = np.array([int(v) if good else 0 for v, good in zip(g.values, ok, strict=True)], dtype=object)
            return ok, numbers, _int_texts(numbers), none
    elif kind == "date":
        if g.kind == "date":
            return np.ones(size, dtype=bool), g.values, _date_texts(g.values), none
        if g.kind == "pg_date":
            ok, days = _iso_dates(g.values)
            return ok, days, g.values, none
    elif g.kind in ("pg_timestamptz", "datetime"):
        ok, texts = _timestamps(g.values) if g.kind == "pg_timestamptz" else _timestamps_one_by_one(g.values)
        return ok, None, texts if isinstance(texts, pa.Array) else pa.array(texts, pa.string()), none
    return none, None, pa.array([""] * size, pa.string()), none


class RowChecker:
    """Checks one row at a time (a batch of one): for callers with a single row."""

    def __init__(self, item: Item, source_keys: Sequence[str], encoding: str, month: DataMonth):
        self.item = item
        self.keys = tuple(source_keys)
        self._batch = BatchChecker(item, source_keys, encoding, month)

    def check(self, row: Sequence[Any]) -> tuple[list[str], list[str]]:
        """Return (output texts, violations); violations are ``column:rule`` names."""
        row = tuple(row)[: len(self.keys)]
        checked = self._batch.check(Batch.from_rows(self.keys, [row]))
        texts = [t[0].as_py() for t in checked.texts]
        for k, value in enumerate(row):  # text no encoding holds went through Arrow with its surrogates replaced
            if texts[k] and type(value) is str and not _utf8(value):
                texts[k] = value
        return texts, checked.violations.get(0, [])
