"""The source database (ISA's residence-management stand-in): connect, create, bulk-load, stream.

SQLite is the embedded default; PostgreSQL (psycopg 3) is production. Timestamps on SQLite are
UTC text in one fixed format so that text comparison orders them (see include/sql/schema).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import URL, Engine, TextClause, bindparam, create_engine, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from ssw_linkage.errors import SourceUnavailable, UsageError
from ssw_linkage.months import DataMonth
from ssw_linkage.spec import SQL_DIR

SCHEMA_FILE = SQL_DIR / "schema" / "source.sql"
TABLES = (
    "statuses",
    "card_issue_reasons",
    "employers",
    "persons",
    "residence_cards",
    "status_permissions",
    "departures",
    "residence_notifications",
)


def connect(url: str | URL) -> Engine:
    """An engine for a source URL; ``postgres://`` and ``postgresql://`` use psycopg 3."""
    parsed = _parse_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed)


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


def _unavailable(engine: Engine, error: DBAPIError) -> SourceUnavailable:
    """A one-line SourceUnavailable: where, and the driver's first line (connection facts, no row values)."""
    lines = str(error.orig).strip().splitlines() or [type(error.orig).__name__]
    return SourceUnavailable(f"{describe(engine)} unavailable: {lines[0]} (check the source URL and the database)")


def bind_timestamp(engine: Engine, moment: datetime) -> datetime | str:
    """A timezone-aware datetime as the source stores it."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: source timestamps are timezone-aware")
    if engine.dialect.name == "sqlite":
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")
    return moment


def _sqlite_value(engine: Engine, value: Any) -> Any:
    if isinstance(value, datetime):
        return bind_timestamp(engine, value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def window_params(engine: Engine, month: DataMonth, held_ids: Sequence[int] = ()) -> dict[str, Any]:
    """An item query's parameters: the month's window, and the ids of held rows to re-check with it."""
    return {
        "window_start": bind_timestamp(engine, month.start),
        "window_end": bind_timestamp(engine, month.end),
        "held_ids": list(held_ids),
    }


def carry_params(engine: Engine, month: DataMonth, held_ids: Sequence[int]) -> dict[str, Any]:
    """Parameters that select only held rows (an empty window), looked up as of the month's window end."""
    end = bind_timestamp(engine, month.end)
    return {"window_start": end, "window_end": end, "held_ids": list(held_ids)}


def item_query(sql: str) -> TextClause:
    """An item's SQL as a statement; ``:held_ids`` expands to a list (empty matches nothing)."""
    return text(sql).bindparams(bindparam("held_ids", expanding=True))


def create_schema(engine: Engine) -> None:
    """Create the source tables and reference rows (fails if they exist)."""
    statements = [s for s in SCHEMA_FILE.read_text(encoding="utf-8").split(";\n") if s.strip()]
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def drop_schema(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(TABLES):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")  # names from TABLES only


def bulk_load(engine: Engine, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Load rows fast: COPY on PostgreSQL, one executemany in one transaction on SQLite."""
    if table not in TABLES:
        raise ValueError(f"unknown source table {table!r}")
    if engine.dialect.name == "postgresql":
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        count = 0
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            raw.commit()
        finally:
            raw.close()
        return count
    # Identifiers come from TABLES and the generator's column lists, never from input.
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"  # noqa: S608
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.executemany(insert, ([_sqlite_value(engine, v) for v in row] for row in rows))
        count = cursor.rowcount
        raw.commit()
    finally:
        raw.close()
    return count


@contextmanager
def foreign_keys_checked_at_end(engine: Engine) -> Iterator[None]:
    """On PostgreSQL, drop the source tables' foreign keys for a bulk load and add them back after it,
    which checks every row in one pass (half the load time at a million rows). No-op on SQLite,
    which does not enforce foreign keys by default."""
    if engine.dialect.name != "postgresql":
        yield
        return
    query = text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY conname"
    )
    with engine.begin() as conn:
        keys = [tuple(row) for row in conn.execute(query)]
        for table, name, _ in keys:
            conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')  # names from the catalog
    yield
    with engine.begin() as conn:
        for table, name, definition in keys:
            conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


@contextmanager
def stream(
    engine: Engine, sql: str, params: Mapping[str, Any], batch_size: int = 5_000
) -> Iterator[tuple[tuple[str, ...], Iterator[Sequence[Any]]]]:
    """Run a query and give (column keys, rows); rows arrive in batches, never all at once."""
    try:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(
                item_query(sql), dict(params)
            )
            yield tuple(result.keys()), iter(result)
    except OperationalError as error:  # connection lost, database locked or gone: not a bug of ours
        raise _unavailable(engine, error) from error
