"""The SQL files shipped with the package (``include/sql``), and rendering them.

Item and accounting queries import the shared look-ups of ``macros.sql`` (Jinja macros); rendering
happens once per file and database, and every value stays a bound parameter.

A query renders in a portable form, which every database runs (SQLite's), and in PostgreSQL's own form
(LATERAL look-ups): ``render(name)`` gives the portable one as a ``Query`` that knows its file, and
``for_dialect`` the one to run on a given database. SQL text that is not a ``Query`` (changed by hand,
say) runs as it is.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import jinja2

SQL_DIR = files("ssw_linkage.sql")  # include/sql, shipped inside the wheel (see pyproject.toml)
DIALECTS = ("portable", "postgresql")  # the forms macros.sql renders; any other database runs the portable one

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FunctionLoader(lambda name: (SQL_DIR / name).read_text(encoding="utf-8")),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    autoescape=False,  # noqa: S701 - SQL text, not HTML; values are bound parameters, never rendered
)


class Query(str):
    """The portable SQL of a file of ``include/sql``, which can render itself for another database."""

    name: str

    def __new__(cls, name: str, sql: str) -> Query:
        query = super().__new__(cls, sql)
        query.name = name
        return query

    def for_dialect(self, dialect: str) -> str:
        return render(self.name, dialect)


@cache
def render(name: str, dialect: str = "portable") -> Query:
    """The SQL of ``include/sql/<name>``, macros expanded for ``dialect`` (a SQLAlchemy dialect name)."""
    form = dialect if dialect in DIALECTS else "portable"
    if form != dialect:
        return render(name, form)
    return Query(name, _ENVIRONMENT.get_template(name).render(dialect=form))


def for_dialect(sql: str, dialect: str) -> str:
    """The statement to run on ``dialect``: a Query's own form for it, any other SQL text as it is."""
    return sql.for_dialect(dialect) if isinstance(sql, Query) else sql
