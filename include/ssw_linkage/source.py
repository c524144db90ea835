"""The source database (ISA's residence-management stand-in): connect, create, bulk-load, stream.

SQLite is the embedded default; PostgreSQL (psycopg 3) is production. Both enforce the same schema:
foreign keys (turned on for every SQLite connection), NOT NULL keys, and on SQLite one text form for
dates and for timestamps (UTC), so that text comparison orders them (see include/sql/schema).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import psycopg
from sqlalchemy import URL, Connection, Engine, TextClause, bindparam, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from ssw_linkage import queries, reference, tuning
from ssw_linkage._lazy import pa, pacsv
from ssw_linkage.errors import SourceUnavailable, UsageError
from ssw_linkage.months import DataMonth
from ssw_linkage.queries import SQL_DIR
from ssw_linkage.validate import Batch, SourceColumn

SCHEMA_FILE = SQL_DIR / "schema" / "source.sql"
DIALECT_SCHEMA_FILES = {  # applied after SCHEMA_FILE
    "postgresql": SQL_DIR / "schema" / "source_postgresql.sql",
    "sqlite": SQL_DIR / "schema" / "source_sqlite.sql",
}
TABLES = (  # parents before children
    "statuses",
    "permission_kinds",
    "card_issue_reasons",
    "employers",
    "persons",
    "person_particulars",
    "residence_cards",
    "status_permissions",
    "departures",
    "residence_notifications",
    "bureaus",
    "activity_reports",
    "activity_report_workers",
)


# Session settings of every PostgreSQL source connection (extraction and accounting): no JIT compilation
# (it costs more than the index look-ups it would speed up), and joins in the order the queries write them
# (the event table, its filters, then each look-up and what hangs on it: otherwise the planner may rescan a
# small reference table once per event inside a look-up's loop), and no Memoize in front of a look-up: its cache
# is keyed by (person, date), which hardly ever repeats within a month, so it only adds a hash insert per event
# (a quarter of the server time of items 5 and 6 at 1M events).
SESSION_SETTINGS = {"jit": "off", "join_collapse_limit": "1", "from_collapse_limit": "1", "enable_memoize": "off"}


def connect(url: str | URL) -> Engine:
    """An engine for a source URL; ``postgres://`` and ``postgresql://`` use psycopg 3."""
    parsed = _parse_url(url)
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg"):
        settings = " ".join(f"-c {name}={value}" for name, value in SESSION_SETTINGS.items())
        options = parsed.query.get("options")
        options = options[-1] if isinstance(options, tuple) else options
        parsed = parsed.set(drivername="postgresql+psycopg").update_query_dict(
            {"options": f"{options} {settings}" if options else settings}
        )
    return with_foreign_keys(create_engine(parsed))


def with_foreign_keys(engine: Engine) -> Engine:
    """Make every SQLite connection of ``engine`` enforce foreign keys (SQLite's default is not to)."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _foreign_keys_on)
    return engine


def _foreign_keys_on(dbapi_connection, _connection_record) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _parse_url(url: str | URL) -> URL:
    """A source URL, or UsageError for anything but an SQLite or PostgreSQL URL."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        parsed = None
    if parsed is None or parsed.get_backend_name() not in ("sqlite", "postgres", "postgresql"):
        raise UsageError(
            "the source is not a database URL: write sqlite:///path/to/source.db or postgresql://user@host:port/db"
        )
    return parsed


def connect_existing(url: str | URL) -> Engine:
    """An engine on a source that already holds the source tables, else SourceUnavailable.

    An SQLite file is opened read-only, so a mistyped path is reported and never created.
    """
    parsed = _parse_url(url)
    if parsed.get_backend_name() == "sqlite" and "uri" not in parsed.query:
        path = Path(parsed.database or ":memory:")
        if not path.is_file():
            raise SourceUnavailable(f"no SQLite source file {path}: check the URL, or seed it first")
        parsed = parsed.set(database=f"file:{quote(str(path.resolve()))}").update_query_dict(
            {"mode": "ro", "uri": "true"}
        )
    elif parsed.get_backend_name() != "sqlite" and "connect_timeout" not in parsed.query:
        parsed = parsed.update_query_dict({"connect_timeout": "10"})  # seconds; libpq waits forever by default
    engine = connect(parsed)
    missing = set(TABLES) - existing_tables(engine)
    if missing:
        raise SourceUnavailable(
            f"{describe(engine)} does not hold the source schema (no table {min(missing)}): check the URL, or seed it"
        )
    return engine


def existing_tables(engine: Engine) -> set[str]:
    """Which of the source tables exist; SourceUnavailable if the database cannot be reached."""
    try:
        with engine.connect() as conn:
            return set(TABLES) & set(inspect(conn).get_table_names())
    except DBAPIError as error:
        raise _unavailable(engine, error) from error


def describe(engine: Engine) -> str:
    """Where the source is, without credentials: the SQLite file or PostgreSQL host:port/database."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return f"SQLite source {unquote((url.database or ':memory:').removeprefix('file:'))}"
    return f"PostgreSQL source {url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


# SQLite's messages for a database it cannot use (its OperationalError also covers bad SQL)
_SQLITE_UNAVAILABLE = ("unable to open", "database is locked", "disk i/o error", "no such table", "malformed")


def _unreachable(engine: Engine, error: OperationalError) -> bool:
    """Whether an OperationalError says the source cannot be used (connection lost, locked, gone)."""
    if engine.dialect.name != "sqlite":
        return True  # psycopg raises OperationalError for connection and server failures only
    return str(error.orig).lower().startswith(_SQLITE_UNAVAILABLE)


def _unavailable(engine: Engine, error: Exception) -> SourceUnavailable:
    """A one-line SourceUnavailable: where, and the driver's first line (connection facts, no row values)."""
    cause = getattr(error, "orig", error)
    lines = str(cause).strip().splitlines() or [type(cause).__name__]
    return SourceUnavailable(f"{describe(engine)} unavailable: {lines[0]} (check the source URL and the database)")


def bind_timestamp(engine: Engine, moment: datetime) -> datetime | str:
    """A timezone-aware datetime as the source stores it."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: source timestamps are timezone-aware")
    return _utc_text(moment) if engine.dialect.name == "sqlite" else moment


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return _utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def window_params(engine: Engine, month: DataMonth, held_ids: Sequence[int] = ()) -> dict[str, Any]:
    """An item query's parameters: the month's window, and the ids of held rows to re-check with it."""
    return {
        "window_start": bind_timestamp(engine, month.start),
        "window_end": bind_timestamp(engine, month.end),
        "held_ids": _ids(held_ids),
    }


def _ids(ids: Sequence[int]) -> list[int | None]:
    """Ids for ``… OR id IN :held_ids`` (the only way the item queries use them); none is ``IN (NULL)``, which
    selects no row there, as the empty list does, but which PostgreSQL's planner drops (an empty list becomes
    a subquery it keeps, so it scans the whole event table instead of the window's rows by ``recorded_at``)."""
    return list(ids) or [None]


def carry_params(engine: Engine, month: DataMonth, held_ids: Sequence[int]) -> dict[str, Any]:
    """Parameters that select only held rows (an empty window), looked up as of the month's window end."""
    end = bind_timestamp(engine, month.end)
    return {"window_start": end, "window_end": end, "held_ids": _ids(held_ids)}


def item_query(sql: str) -> TextClause:
    """An item's SQL as a statement; ``:held_ids`` expands to a list (empty matches nothing)."""
    return text(sql).bindparams(bindparam("held_ids", expanding=True))


def create_schema(engine: Engine) -> None:
    """Create the source tables and reference rows (fails if they exist)."""
    with engine.begin() as conn:
        _create_schema(conn)


def _statements(path: Path) -> list[str]:
    return [s for s in path.read_text(encoding="utf-8").split(";\n") if s.strip()]


def _create_schema(conn: Connection) -> None:
    files = [SCHEMA_FILE, DIALECT_SCHEMA_FILES[conn.dialect.name]]
    for statement in (s for path in files for s in _statements(path)):
        conn.exec_driver_sql(statement)
    statuses = reference.statuses()
    _load(conn, "statuses", tuple(statuses[0]), [tuple(row.values()) for row in statuses])
    _load(conn, "bureaus", ("bureau_code", "name_ja"), [(b.code, b.name_ja) for b in reference.bureaus().values()])


def drop_schema(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(TABLES):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")  # names from TABLES only


Load = Callable[[str, Sequence[str], Iterable[Sequence[Any]]], int]


@contextmanager
def bulk_loading(
    engine: Engine, create: bool = False, foreign_keys_at_end: bool = False, recorded_order: Sequence[str] = ()
) -> Iterator[Load]:
    """One transaction on one connection for a bulk load, committed only at the end, so that a failure
    or a kill (even ``kill -9``) leaves nothing behind: with ``create``, not even the tables. Gives
    ``load(table, columns, rows) -> count``: COPY on PostgreSQL, one executemany on SQLite.

    With ``foreign_keys_at_end`` on PostgreSQL the foreign keys are dropped for the load and added back
    in the same transaction, which checks every row in one pass (half the load time at a million rows).
    On PostgreSQL the tables named in ``recorded_order`` are then rewritten in the order of their
    ``<table>_recorded_at`` index (CLUSTER), as a table written while events are recorded is laid out: a
    month's rows share pages (a seed writes each person's history at once, which spread a month's 73k
    permissions over 50k pages of a 14M-event source). The loaded tables are analysed before the commit:
    the first run after a seed gets plans from real statistics, not from autovacuum's schedule (without
    them one item took 25 s instead of 1).
    """
    loaded: set[str] = set()

    def load(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        count = _load(conn, table, columns, rows)
        loaded.add(table)
        return count

    with engine.begin() as conn:
        if create:
            _create_schema(conn)
        keys = _drop_foreign_keys(conn) if foreign_keys_at_end and conn.dialect.name == "postgresql" else []
        yield load
        for table, name, definition in keys:
            conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        if conn.dialect.name == "postgresql":
            for table in recorded_order:
                conn.exec_driver_sql(f"CLUSTER {table} USING {table}_recorded_at")  # our own table names
            for table in sorted(loaded):  # names _load checked against TABLES
                conn.exec_driver_sql(f"ANALYZE {table}")


def bulk_load(engine: Engine, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Load rows into one table in one transaction."""
    with bulk_loading(engine) as load:
        return load(table, columns, rows)


def _drop_foreign_keys(conn: Connection) -> list[tuple[str, str, str]]:
    query = text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY conname"
    )
    keys = [tuple(row) for row in conn.execute(query)]
    for table, name, _ in keys:
        conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')  # names from the catalog
    return keys


def _load(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    if table not in TABLES:
        raise ValueError(f"unknown source table {table!r}")
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        count = 0
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    # Identifiers come from TABLES and the generator's column lists, never from input.
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608
    cursor = raw.cursor()
    cursor.executemany(insert, ([_sqlite_value(v) for v in row] for row in rows))
    return cursor.rowcount


# PostgreSQL types whose COPY text the checker reads by column; any other type goes through a cursor.
_COPY_KINDS = {
    **dict.fromkeys((25, 1043, 1042, 19), "text"),  # text, varchar, bpchar, name
    **dict.fromkeys((21, 23, 20), "integer"),  # int2, int4, int8
    1082: "date",
    1184: "timestamptz",
}
# Settings of an extraction transaction on PostgreSQL (besides SESSION_SETTINGS and tuning's work_mem): the text
# forms COPY writes that the checker reads.
EXTRACTION_SETTINGS = {
    "client_encoding": "UTF8",
    "DateStyle": "ISO, YMD",
    "TimeZone": "UTC",
    "IntervalStyle": "postgres",
}


@contextmanager
def batches(
    engine: Engine, sql: str, params: Mapping[str, Any], batch_rows: int | None = None
) -> Iterator[tuple[tuple[str, ...], Iterator[Batch]]]:
    """Run an item query and give (column keys, batches of rows), never all rows at once (``batch_rows`` at a
    time: ``tuning.batch_rows()`` unless given).

    On PostgreSQL the rows stream as ``COPY … TO STDOUT`` text, parsed by Arrow into string columns that
    keep their PostgreSQL type; elsewhere (SQLite) a cursor's rows are cut into batches of Python values.
    """
    statement = queries.for_dialect(sql, engine.dialect.name)
    batch_rows = batch_rows or tuning.batch_rows()
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                keys, kinds = _describe(conn, statement, params)
                if None not in kinds:
                    yield keys, _copy_batches(conn, statement, params, keys, kinds, batch_rows)
                    return
            result = conn.execution_options(stream_results=True, yield_per=batch_rows).execute(
                item_query(statement), dict(params)
            )
            keys = tuple(result.keys())
            yield keys, (Batch.from_rows(keys, rows) for rows in result.partitions(batch_rows))
    except (OperationalError, psycopg.OperationalError) as error:
        if isinstance(error, OperationalError) and not _unreachable(engine, error):
            raise  # SQLite reports a bad query as OperationalError too: that is a bug, not the source
        raise _unavailable(engine, error) from error


def _bound(conn: Connection, statement: str, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The statement in psycopg's form with ``:held_ids`` expanded, and its parameters."""
    compiled = (
        item_query(statement)
        .bindparams(**params)
        .compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    )
    return compiled.string, dict(compiled.params)


def _describe(conn: Connection, statement: str, params: Mapping[str, Any]) -> tuple[tuple[str, ...], list]:
    """The query's column keys and, per column, how COPY's text of it is read (None: not by COPY). The columns
    do not depend on the held ids: described without them (planning thousands of them takes a while)."""
    sql, bound = _bound(conn, statement, {**params, "held_ids": _ids(())})
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor:
        for name, value in {**EXTRACTION_SETTINGS, "work_mem": tuning.extract_work_mem()}.items():
            cursor.execute(f"SELECT set_config('{name}', %s, true)", (value,))  # names from the dict above
        cursor.execute(f"SELECT * FROM ({sql}) AS item LIMIT 0", bound)  # noqa: S608 - our own SQL
        return tuple(d.name for d in cursor.description), [_COPY_KINDS.get(d.type_code) for d in cursor.description]


def _copy_batches(
    conn: Connection, statement: str, params: Mapping[str, Any], keys: tuple[str, ...], kinds: list, batch_rows: int
) -> Iterator[Batch]:
    sql, bound = _bound(conn, statement, params)
    names = [f"c{n}" for n in range(len(keys))]
    read = {
        "read_options": pacsv.ReadOptions(column_names=names, use_threads=False),
        "parse_options": pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
        "convert_options": pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,  # "" is an empty string, an unquoted empty field is NULL
            null_values=[""],
        ),
    }

    def batch(text: bytearray) -> Batch:
        table = pacsv.read_csv(pa.BufferReader(pa.py_buffer(text)), **read)
        columns = [SourceColumn(kind, table.column(n).combine_chunks()) for n, kind in enumerate(kinds)]
        return Batch(keys, columns, table.num_rows)

    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", bound) as copy:
        text, rows = bytearray(), 0
        for row in copy:  # libpq gives one row at a time: copied into the batch's text, its buffer freed at once
            text += row
            rows += 1
            if rows == batch_rows:
                yield batch(text)
                text, rows = bytearray(), 0
        if rows:
            yield batch(text)


@contextmanager
def stream(
    engine: Engine, sql: str, params: Mapping[str, Any], batch_size: int = 5_000
) -> Iterator[tuple[tuple[str, ...], Iterator[Sequence[Any]]]]:
    """Run a query and give (column keys, rows); rows arrive in batches, never all at once."""
    try:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(
                item_query(queries.for_dialect(sql, engine.dialect.name)), dict(params)
            )
            yield tuple(result.keys()), iter(result)
    except OperationalError as error:
        if not _unreachable(engine, error):
            raise  # SQLite reports a bad query as OperationalError too: that is a bug, not the source
        raise _unavailable(engine, error) from error
