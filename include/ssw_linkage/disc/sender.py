"""Who sends the disc, as printed on its cover sheet: configuration, never code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sender:
    """The sender office and whom to call; placeholders (in the agreement's 〇〇 style) until configured."""

    office: str = "出入国在留管理庁 〇〇部〇〇課"
    contact: str = "〇〇係 電話 〇〇-〇〇〇〇-〇〇〇〇"
