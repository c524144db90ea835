"""The SQL files shipped with the package (``include/sql``), and rendering them.

Item and accounting queries import the shared look-ups of ``macros.sql`` (Jinja macros); rendering
happens once per file, and every value stays a bound parameter.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import jinja2

SQL_DIR = files("ssw_linkage.sql")  # include/sql, shipped inside the wheel (see pyproject.toml)

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FunctionLoader(lambda name: (SQL_DIR / name).read_text(encoding="utf-8")),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    autoescape=False,  # noqa: S701 - SQL text, not HTML; values are bound parameters, never rendered
)


@cache
def render(name: str) -> str:
    """The SQL of ``include/sql/<name>``, macros expanded."""
    return _ENVIRONMENT.get_template(name).render()
