"""ISO 9660 images with Joliet, written and read with pycdlib.

pycdlib stamps volume and file dates from the clock, in the machine's time zone; it has no
``SOURCE_DATE_EPOCH``. So a build shows pycdlib a frozen clock (one moment, in JST): two builds of
the same files are then byte-identical wherever and whenever they run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from unittest import mock

import pycdlib
import pycdlib.pycdlib
from pycdlib import dates, headervd, utils

from ssw_linkage.disc.layout import iso_name

APPLICATION = "SSW-LINKAGE"
PUBLISHER = "IMMIGRATION SERVICES AGENCY OF JAPAN"
ISO_MAGIC_OFFSET, ISO_MAGIC = 0x8001, b"CD001"
_CLOCK_USERS = (dates, headervd, utils, pycdlib.pycdlib)  # every pycdlib module that reads the clock
_frozen = threading.Lock()


class _FrozenClock:
    """The ``time`` module as pycdlib sees it during a build: always ``moment``, in its own offset."""

    def __init__(self, moment: datetime):
        self._epoch = moment.timestamp()
        self._offset = moment.utcoffset().total_seconds()

    def time(self) -> float:
        return self._epoch

    def localtime(self, seconds: float | None = None) -> time.struct_time:
        return time.gmtime((self._epoch if seconds is None else seconds) + self._offset)

    def __getattr__(self, name: str):
        return getattr(time, name)


@contextmanager
def _clock_frozen_at(moment: datetime) -> Iterator[None]:
    clock = _FrozenClock(moment)
    with _frozen, ExitStack() as stack:
        for module in _CLOCK_USERS:
            stack.enter_context(mock.patch.object(module, "time", clock))
        yield


def write_image(out: BinaryIO, label: str, files: Sequence[tuple[str, BinaryIO, int]], moment: datetime) -> None:
    """Write an image of ``files`` (name, readable, size) in the root, every date set to ``moment``.
    ISO 9660 level 1 names come from ``layout.iso_name``; Joliet keeps the names as given."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the image's dates need a timezone")
    with _clock_frozen_at(moment):
        iso = pycdlib.PyCdlib()
        iso.new(interchange_level=1, joliet=3, vol_ident=label, app_ident_str=APPLICATION, pub_ident_str=PUBLISHER)
        for name, readable, size in sorted(files, key=lambda f: f[0]):
            iso.add_fp(readable, size, iso_path=f"/{iso_name(name)};1", joliet_path=f"/{name}")
        iso.write_fp(out)
        iso.close()


def is_image(path: Path) -> bool:
    """Whether ``path`` is a file holding an ISO 9660 volume descriptor."""
    if not path.is_file():
        return False
    with open(path, "rb") as f:
        f.seek(ISO_MAGIC_OFFSET)
        return f.read(len(ISO_MAGIC)) == ISO_MAGIC


class Image:
    """An ISO 9660 image opened for reading: its label, its two name trees, its files."""

    def __init__(self, path: Path):
        self._iso = pycdlib.PyCdlib()
        self._iso.open(str(path))

    def __enter__(self) -> Image:
        return self

    def __exit__(self, *exc) -> None:
        self._iso.close()

    @property
    def label(self) -> str:
        return self._iso.pvd.volume_identifier.decode("ascii", errors="replace").strip()

    @property
    def has_joliet(self) -> bool:
        return self._iso.has_joliet()

    def _root(self, **where) -> list:
        return [child for child in self._iso.list_children(**where) if not (child.is_dot() or child.is_dotdot())]

    def _name(self, record) -> str:
        return self._iso.full_path_from_dirrecord(record).lstrip("/")

    def joliet_entries(self) -> list[tuple[str, bool]]:
        """The root's entries as Joliet names them (what a mounted disc shows): (name, is a directory)."""
        return [(self._name(record), record.is_dir()) for record in self._root(joliet_path="/")]

    def iso_names(self) -> list[str]:
        """The ISO 9660 names of the root's entries, without the ``;1`` version."""
        return [self._name(record).split(";")[0] for record in self._root(iso_path="/")]

    def extract(self, name: str, target: Path) -> None:
        """Copy a root file, by its Joliet name, to ``target``."""
        with open(target, "wb") as out:
            self._iso.get_file_from_iso_fp(out, joliet_path=f"/{name}")
