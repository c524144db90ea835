"""Who sends each bureau's notices: the officer named under the bureau and the contact in 備考.

Configuration, never code: one JSON object by bureau code (Variable ``ssw_notice_senders``, or the CLI's
``--senders`` file), e.g. ``{"TOKYO": {"officer": "就労審査第三部門首席審査官", "contact": "担当 …",
"approvers": ["tanaka"]}}``. ``approvers`` are the Airflow users who may sign off the bureau's batches
(none: anyone allowed to run the DAG). A bureau not configured prints the form's 〇〇 placeholders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ssw_linkage.errors import UsageError
from ssw_linkage.reference import Bureau, bureaus


@dataclass(frozen=True)
class NoticeSender:
    officer: str
    contact: str
    approvers: tuple[str, ...] = ()


def placeholder(bureau: Bureau) -> NoticeSender:
    """The form's own wording, with 〇〇 where the bureau's details go."""
    return NoticeSender(
        officer="〇〇審査部門首席審査官",
        contact=f"担当 {bureau.name_ja}〇〇部門　電話 〇〇-〇〇〇〇-〇〇〇〇　入国審査官 〇〇〇〇",
    )


def parse(raw: str) -> dict[str, NoticeSender]:
    """Every bureau's sender from the JSON text (empty: placeholders only); UsageError names what is wrong."""
    try:
        given = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError as error:
        raise UsageError(f"notice senders are not valid JSON: {error}") from None
    if not isinstance(given, dict):
        raise UsageError("notice senders must be a JSON object keyed by bureau code")
    unknown = set(given) - set(bureaus())
    if unknown:
        raise UsageError(f"notice senders name unknown bureau(s) {sorted(unknown)}; codes are {list(bureaus())}")
    senders = {}
    for code, bureau in bureaus().items():
        entry = given.get(code, {})
        default = placeholder(bureau)
        if not isinstance(entry, dict) or set(entry) - {"officer", "contact", "approvers"}:
            raise UsageError(f"notice sender of {code}: give an object with officer, contact and approvers only")
        approvers = entry.get("approvers", [])
        if not isinstance(approvers, list) or not all(isinstance(a, str) and a for a in approvers):
            raise UsageError(f"notice sender of {code}: approvers must be a list of Airflow user names")
        senders[code] = NoticeSender(
            str(entry.get("officer") or default.officer), str(entry.get("contact") or default.contact), tuple(approvers)
        )
    return senders
