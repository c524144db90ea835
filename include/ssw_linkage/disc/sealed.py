"""``DATA.ZIP``: the disc's data files in one ZIP, each encrypted with AES-256 (WinZip AE-2, pyzipper).

7-Zip and most archivers open it with the password; Windows Explorer's built-in ZIP support cannot.
Each file gets a fresh random salt, as AES in WinZip's scheme needs (a repeated salt under the same
password would repeat the key stream), so two sealings of the same files differ in their bytes.
"""

from __future__ import annotations

import shutil
import zlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import pyzipper

AES_BITS = 256


class WrongPassword(Exception):
    """The password does not open the ZIP."""


def _info(archive: pyzipper.AESZipFile, name: str, moment: datetime) -> pyzipper.ZipInfo:
    info = archive.zipinfo_cls(name, date_time=moment.timetuple()[:6])
    info.compress_type = pyzipper.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def seal(out: BinaryIO, files: Sequence[tuple[str, BinaryIO]], password: str, moment: datetime) -> None:
    """Write ``files`` (name, readable) into an AES-256 ZIP on ``out``, dated ``moment`` (local time)."""
    if not password:
        raise ValueError("an empty password encrypts nothing")
    with pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(password.encode("utf-8"))
        archive.setencryption(pyzipper.WZ_AES, nbits=AES_BITS)
        for name, readable in files:
            with archive.open(_info(archive, name, moment), "w") as member:
                shutil.copyfileobj(readable, member, 1 << 20)


def unseal(path: Path, password: str, target: Path) -> list[str]:
    """Extract every member into ``target`` (a directory); returns the member names.
    Raises ``WrongPassword``, or ``pyzipper.BadZipFile`` for a damaged ZIP."""
    with pyzipper.AESZipFile(path) as archive:
        archive.setpassword(password.encode("utf-8"))
        names = archive.namelist()
        for name in names:
            if "/" in name or name in ("", ".", ".."):
                raise pyzipper.BadZipFile(f"member name {name!r} is not a plain file name")
            try:
                with archive.open(name) as member, open(target / name, "wb") as copy:
                    shutil.copyfileobj(member, copy, 1 << 20)
            except RuntimeError as error:  # pyzipper's "Bad password for file …"
                raise WrongPassword(str(error)) from None
            except zlib.error as error:
                raise pyzipper.BadZipFile(str(error)) from None
    return names


def is_encrypted(path: Path) -> bool:
    """Whether every member of the ZIP is encrypted."""
    with pyzipper.AESZipFile(path) as archive:
        return all(info.flag_bits & 0x1 for info in archive.infolist())
