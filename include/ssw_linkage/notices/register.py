"""The mailing register (発送簿): a line per form, and the officer's sign-off once given.

A batch's ``REGISTER.CSV`` and the bureau's ``REGISTER_<FY>.CSV`` are both rendered from the published
manifests and their ``SIGNOFF.JSON``, so they always agree, and writing them again changes nothing:
a rerun adds no line. UTF-8 with BOM (names may hold characters Shift_JIS lacks), CRLF, every field quoted.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ssw_linkage import csv_format
from ssw_linkage.months import JST
from ssw_linkage.notices.layout import SIGNOFF
from ssw_linkage.staging import write_atomically
from ssw_linkage.wareki import format_date

APPROVED, REJECTED = "approved", "rejected"
STATES = {None: "確認待ち", APPROVED: "発送", REJECTED: "差戻し"}
HEADER = (
    "番号", "日付", "日付（和暦）", "事業場", "外国人数", "ファイル", "SHA-256",
    "状態", "確認者", "確認者ID", "確認日時",
)  # fmt: skip


@dataclass(frozen=True)
class SignOff:
    """The officer's decision on a batch, as the human-in-the-loop response gave it (never typed-in text)."""

    decision: str  # APPROVED or REJECTED
    user_id: str
    user_name: str
    at: datetime

    def __post_init__(self) -> None:
        if self.decision not in (APPROVED, REJECTED):
            raise ValueError(f"a sign-off is {APPROVED!r} or {REJECTED!r}, not {self.decision!r}")
        if self.at.tzinfo is None:
            raise ValueError("naive datetime: a sign-off's time needs a timezone")

    def to_json(self) -> bytes:
        data = {"decision": self.decision, "user_id": self.user_id, "user_name": self.user_name,
                "at": self.at.astimezone(JST).isoformat(timespec="seconds")}  # fmt: skip
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    @classmethod
    def read(cls, batch: Path) -> SignOff | None:
        path = batch / SIGNOFF
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["decision"], data["user_id"], data["user_name"], datetime.fromisoformat(data["at"]))


def lines(manifest: dict, sign_off: SignOff | None) -> list[list[str]]:
    """The register's lines for one published batch."""
    day = date.fromisoformat(manifest["day"])
    signed = (
        [STATES[sign_off.decision], sign_off.user_name, sign_off.user_id,
         sign_off.at.astimezone(JST).isoformat(timespec="seconds")]  # fmt: skip
        if sign_off
        else [STATES[None], "", "", ""]
    )
    return [
        [
            form["number_text"], day.isoformat(), format_date(day), form["employer"], str(form["workers"]),
            f"{day.isoformat()}/{form['file']}", form["sha256"], *signed,
        ]  # fmt: skip
        for form in manifest["forms"]
    ]


def write(path: Path, rows: Iterable[list[str]]) -> None:
    """Write a register atomically (0600)."""
    buffer = io.StringIO(newline="")
    writer = csv_format.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    write_atomically(path, buffer.getvalue().encode(csv_format.codec("utf-8-bom")))
