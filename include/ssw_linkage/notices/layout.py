"""The notices' directory: where each bureau's day batch lives, and how to tell a published one.

    <notices>/                              the operator's directory: used as it is, its mode never changed
      <BUREAU>/<YYYY-MM-DD>/                a published batch (0700, files 0600):
          <BUREAU>_<FY>_<NNNNN>.PDF         one form per report, named by its number
          MANIFEST.JSON                     numbers, reports, files and their SHA-256
          REGISTER.CSV                      the batch's lines of the mailing register (発送簿)
          READY                             the manifest's SHA-256, written last
          SIGNOFF.JSON                      the officer's decision, who and when (written once)
      <BUREAU>/REGISTER_<FY>.CSV            the fiscal year's mailing register, rebuilt from its batches
      <BUREAU>/.build/<YYYY-MM-DD>/         a batch being built
      .locks/<BUREAU>.lock                  one bureau's publishing and sign-off at a time (flock)

Files and directories are made with ``staging``'s helpers: 0700/0600 whatever the umask, symbolic
links refused, never followed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from ssw_linkage.errors import IntegrityError, StagingError
from ssw_linkage.staging import BUILD, LOCKS, MANIFEST, READY, exclusive_lock, private_dir, sha256_file

REGISTER, SIGNOFF = "REGISTER.CSV", "SIGNOFF.JSON"  # beside the package's MANIFEST and READY
HINT = "check --notices (or the ssw_notice_dir Variable)"


def fiscal_year(day: date) -> int:
    """The fiscal year (年度, April to March) of ``day``, named by the year of its April."""
    return day.year if day.month >= 4 else day.year - 1


def form_name(bureau: str, year: int, number: int) -> str:
    """``TOKYO_2026_00012.PDF``: a form's file name, unique within the bureau."""
    return f"{bureau}_{year}_{number:05d}.PDF"


def fiscal_register_name(year: int) -> str:
    return f"REGISTER_{year}.CSV"


class NoticesDir:
    """One notices directory (Variable ``ssw_notice_dir``, CLI ``--notices``)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def prepare(self) -> NoticesDir:
        """Create the root (and missing parents, 0700) if needed; check it is a writable directory."""
        missing, parent = [], self.root
        while not parent.exists() and not parent.is_symlink():
            missing.append(parent)
            parent = parent.parent
        try:
            for path in reversed(missing):
                private_dir(path)
        except StagingError as error:
            raise StagingError(f"notices directory {self.root} cannot be created ({error}): {HINT}") from None
        if not self.root.is_dir():
            raise StagingError(f"notices directory {self.root} is not a directory: {HINT}")
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StagingError(f"notices directory {self.root} is not writable by this user: {HINT}")
        return self

    def bureau(self, bureau: str) -> Path:
        return private_dir(self.root / bureau)

    def batch(self, bureau: str, day: date) -> Path:
        path = self.bureau(bureau) / day.isoformat()
        if path.is_symlink():
            raise StagingError(f"{path} is a symbolic link; the notices directory must hold only ours")
        return path

    def build(self, bureau: str, day: date) -> Path:
        """A fresh, empty build directory for the bureau's batch of ``day``."""
        path = private_dir(self.bureau(bureau) / BUILD) / day.isoformat()
        remove_tree(path)
        return private_dir(path)

    @contextmanager
    def lock(self, bureau: str) -> Iterator[None]:
        """Publishing and signing off one bureau's batches, one process at a time."""
        with exclusive_lock(private_dir(self.root / LOCKS) / f"{bureau}.lock"):
            yield

    def batches(self, bureau: str) -> dict[date, Path]:
        """Every batch directory of the bureau, ready or not, by day."""
        area = self.root / bureau
        found = {}
        for path in area.iterdir() if area.is_dir() else ():
            try:
                day = date.fromisoformat(path.name)
            except ValueError:
                continue  # .build, the fiscal registers
            if path.is_symlink() or not path.is_dir():
                raise StagingError(f"{path} is not a batch directory; the notices directory must hold only ours")
            found[day] = path
        return dict(sorted(found.items()))


def is_ready(batch: Path) -> bool:
    """A batch is published when READY holds its manifest's SHA-256 (and neither is a symbolic link)."""
    ready, manifest = batch / READY, batch / MANIFEST
    if ready.is_symlink() or manifest.is_symlink() or not ready.is_file() or not manifest.is_file():
        return False
    return ready.read_text(encoding="ascii", errors="replace").strip() == sha256_file(manifest)


def is_unfinished(batch: Path) -> bool:
    """A batch directory without READY: its publish was killed before the end, so nobody signed it off."""
    ready = batch / READY
    return not ready.exists() and not ready.is_symlink()


def manifest(batch: Path) -> dict:
    """The manifest of a published batch; IntegrityError if the batch was published and is no longer whole."""
    if not is_ready(batch):
        raise IntegrityError(
            f"{batch} has a READY that does not match its MANIFEST.JSON: a published batch was changed; "
            "restore it (its forms may have been sent) before running this bureau again"
        )
    return json.loads((batch / MANIFEST).read_text(encoding="utf-8"))


def remove_tree(path: Path) -> None:
    """Remove one of our directories (a build, an unfinished batch) without following symbolic links."""
    if path.is_symlink():
        raise StagingError(f"{path} is a symbolic link; refusing to remove through it")
    if path.exists():
        shutil.rmtree(path)
