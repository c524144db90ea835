"""What the disc tests share: the month, the sender, the password, a built disc."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ssw_linkage.disc.build import Disc
from ssw_linkage.disc.sender import Sender
from ssw_linkage.months import DataMonth

MONTH = DataMonth(2026, 5)
PASSWORD = "Kq7-unguessable-disc-password"
SENDER = Sender("出入国在留管理庁 在留管理支援部 情報連携係（試験）", "試験係 電話 00-0000-0000")


@dataclass(frozen=True)
class Published:
    """A staging directory with the month's package and its disc."""

    staging: Path
    package: Path
    disc: Disc
