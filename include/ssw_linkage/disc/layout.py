"""What goes on the disc and under which names: one table shared by the build and the receiver's check.

Names are fixed and upper case, as the Japan Pension Service's media rules ask; recipients must not
rename them. Joliet carries them as written; ISO 9660 level 1 (8.3) gets the short forms below.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from ssw_linkage.months import DataMonth
from ssw_linkage.spec import ITEMS
from ssw_linkage.staging import MANIFEST

CHECKSUMS = "SHA256SUMS"
COVER = "COVER.PDF"
CONDITIONS = "TERMS.TXT"
SEALED = "DATA.ZIP"
CSV_FILES = tuple(item.file_name for item in ITEMS)
DATA_FILES = (*CSV_FILES, MANIFEST)  # copied from the published package, byte for byte
SEALED_FILES = (*DATA_FILES, CHECKSUMS)  # inside DATA.ZIP when the disc is encrypted
SHORT_NAMES = {MANIFEST: "MANIFEST.JSO", CHECKSUMS: "SHA256.SUM"}

_CHECKSUM_LINE = re.compile(r"([0-9a-f]{64})  (\S+)")


def disc_files(encrypted: bool) -> tuple[str, ...]:
    """The files on the disc's root, sorted."""
    data = (SEALED,) if encrypted else DATA_FILES
    return tuple(sorted((*data, COVER, CONDITIONS, CHECKSUMS)))


def iso_name(name: str) -> str:
    """The ISO 9660 level 1 name (8.3, upper case) of a file on the disc."""
    return SHORT_NAMES.get(name, name)


def volume_label(month: DataMonth) -> str:
    """``SSW_202605``: the volume label, also the image's file name."""
    return f"SSW_{month.compact}"


def image_name(month: DataMonth) -> str:
    return f"{volume_label(month)}.ISO"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checksums_text(digests: Iterable[tuple[str, str]]) -> bytes:
    """``SHA256SUMS`` as ``sha256sum -c`` reads it: ``<digest>  <name>``, LF, sorted by name."""
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(digests)).encode("ascii")


def parse_checksums(text: bytes) -> tuple[dict[str, str], list[int]]:
    """``SHA256SUMS`` as name → digest, and the numbers of the lines that are not ``<digest>  <name>``."""
    listed, bad = {}, []
    for number, line in enumerate(text.decode("ascii", errors="replace").split("\n"), start=1):
        match = _CHECKSUM_LINE.fullmatch(line)
        if match:
            listed[match[2]] = match[1]
        elif line:
            bad.append(number)
    return listed, bad
