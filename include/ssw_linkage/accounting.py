"""Every source event of the month accounted for: taken by an item, or excluded by a named rule.

For each source event table, ``include/sql/accounting/<table>.sql`` counts the rows of its window
independently and routes each row to the items that take it or to the rule that excludes it. The
run fails before publishing unless the routes add up to the window and each item's extracted rows
(delivered + quarantined) equal the rows routed to it: a row can no longer vanish in a join.
"""

from __future__ import annotations

from sqlalchemy import Engine, text

from ssw_linkage import queries, source
from ssw_linkage.errors import IntegrityError
from ssw_linkage.months import DataMonth

# source table → (its items, what its window is)
TABLES = {
    "status_permissions": ((1, 3, 4, 7, 8), "recorded in the month"),
    "departures": ((2,), "recorded in the month"),
    "residence_cards": ((5,), "recorded in the month"),
    "residence_notifications": ((6,), "recorded in the month, or whose municipality notice arrived in it"),
}
EXCLUSIONS = {
    "not_ssw": "the person did not hold 特定技能 at the event",
    "status_unknown": "no status of residence known for the person at the event (as of the window end)",
    "reentry_permit": "departure under a re-entry permit (入管法26条)",
    "special_reentry": "departure as special re-entry (26条の2, みなし再入国)",
    "card_not_19_10_to_13": "card issued with a landing or a 20/21/22条 permission, not under 19条の10〜13",
    "notice_not_arrived": "the municipality's notice had not arrived by the window end (item 6 of a later month)",
    "kind_in_no_item": "a 22条 永住許可 or 22条の2 在留資格取得許可: in no item (data dictionary, Decisions)",
    "dependant_without_principal": "a 家族滞在 landing or 20条 特定活動 permission naming no principal",
    "principal_not_ssw": "the principal (本体者) held another status than 特定技能",
    "landing_not_ssw": "a landing with another status than 特定技能, not a dependant's of an SSW principal",
    "extension_not_ssw": "an extension (21条) of another status than 特定技能",
    "previous_status_unknown": "a change (20条) away from an unknown status: not known to leave 特定技能",
    "change_not_from_ssw": "a change (20条) between two statuses other than 特定技能",
}


Routes = tuple[int, dict[str, int]]  # (rows in the window, rows per route)


def query_routes(engine: Engine, month: DataMonth) -> dict[str, Routes]:
    """Each source table's rows of the month's window and where its accounting routes them (the queries
    only: ``account`` checks them against the items' rows)."""
    return {table: _routes(engine, table, month) for table in TABLES}


def _routes(engine: Engine, table: str, month: DataMonth) -> Routes:
    sql = queries.render(f"accounting/{table}.sql", engine.dialect.name)
    params = source.window_params(engine, month)
    del params["held_ids"]
    with engine.connect() as conn:
        rows = {route: count for route, count in conn.execute(text(sql), params)}
    return rows.pop("window"), rows


def account(month: DataMonth, extracted: dict[int, int], queried: dict[str, Routes]) -> dict[str, dict]:
    """The month's accounting per source table; IntegrityError unless every row is accounted for.

    ``extracted`` maps item number → rows its query returned for the window (delivered + quarantined);
    ``queried`` is what ``query_routes`` gave for the month (run while the items were extracted).
    """
    accounts = {}
    for table, (items, window) in TABLES.items():
        in_window, routes = queried[table]
        unknown = sorted(r for r in routes if not r.startswith("item") and r not in EXCLUSIONS)
        if unknown:
            raise IntegrityError(f"accounting of {table}: unknown routes {unknown}")
        if sum(routes.values()) != in_window:
            raise IntegrityError(
                f"accounting of {table} for {month} does not balance: {in_window} rows in the window, "
                f"{sum(routes.values())} routed to an item or a rule"
            )
        for number in items:
            routed = sum(n for route, n in routes.items() if f"item{number}" in route.split("+"))
            if routed != extracted[number]:
                raise IntegrityError(
                    f"item {number} for {month}: its query returned {extracted[number]} rows of the window, "
                    f"the accounting of {table} routes {routed} to it"
                )
        accounts[table] = {
            "window": window,
            "rows": in_window,
            "taken_by_items": sum(n for route, n in routes.items() if route.startswith("item")),
            "items": {str(n): extracted[n] for n in items},
            "excluded": {rule: routes[rule] for rule in sorted(routes) if not rule.startswith("item")},
        }
    return accounts
