"""The staging directory: its layout, and the only code that creates, locks, moves or removes in it.

    <staging>/                  the operator's directory: used as it is, its mode never changed
      YYYYMM/                   a published package (0700; files 0600), READY written last
      .build/YYYYMM-<run>/      a run's private build directory
      .superseded/YYYYMM-<n>-<sha12>/   packages replaced on purpose (--replace), numbered
      .damaged/YYYYMM-<n>/      published packages that failed verification, set aside
      .revisions/YYYYMM/r<n>/   earlier revisions of a month notified to MHLW (the current one is YYYYMM/)
      .revisions/YYYYMM/DIFF-r<n>.json   what revision n changed (ssw_linkage.revisions)
      disc/YYYYMM/              the month's disc image and cover sheet, built from its package (ssw_linkage.disc)
      disc/YYYYMM-r<n>/         the disc of revision n (2 or later)
      .alerts/                  the deadline-alert ledger
      .audit/                   the audit log (AUDIT.JSONL, HEAD; ssw_linkage.audit)
      .delivery/YYYYMM/         the month's notices, handover or rejection records, purge (ssw_linkage.delivery)
      .locks/                   flock files: one per month, one for publishing, one for the audit log
      trial/                    the trial run's (初回試験) own staging area, laid out the same; no real month sees it

Everything we create is 0700/0600 whatever the umask; a symlink anywhere inside staging is
refused, never followed. Locks are ``flock`` locks, so a killed process never leaves one behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ssw_linkage.errors import StagingError
from ssw_linkage.months import DataMonth

log = logging.getLogger(__name__)

READY = "READY"
MANIFEST = "MANIFEST.JSON"
BUILD, SUPERSEDED, DAMAGED, ALERTS, LOCKS = ".build", ".superseded", ".damaged", ".alerts", ".locks"
AUDIT, REVISIONS, DELIVERY, TRIAL = ".audit", ".revisions", ".delivery", "trial"
DISC = "disc"


def sha256_file(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _refuse_symlink(path: Path) -> None:
    if path.is_symlink():
        raise StagingError(f"{path} is a symbolic link; staging must hold only real files and directories")


def _private_dir(path: Path) -> Path:
    """Create ``path`` (one level) as 0700, or check the existing one is a real directory."""
    _refuse_symlink(path)
    try:
        os.mkdir(path, 0o700)
        os.chmod(path, 0o700)  # the umask may have taken bits away; never more than 0700
    except FileExistsError:
        if not path.is_dir():
            raise StagingError(f"{path} exists and is not a directory") from None
    except OSError as error:
        raise StagingError(f"cannot create {path}: {error.strerror}") from None
    return path


def private_dir(path: Path) -> Path:
    """Create ``path`` (one level) as 0700, or check the existing one is a real directory: for private trees
    outside staging (the notices' directory)."""
    return _private_dir(path)


def private_file(path: Path, encoding: str | None = None, append: bool = False):
    """Open a new file (or append to our own) as 0600; refuses to follow a symlink."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_APPEND if append else os.O_TRUNC)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as error:
        if path.is_symlink():
            raise StagingError(f"{path} is a symbolic link; refusing to write through it") from None
        raise StagingError(f"cannot write {path}: {error.strerror}") from None
    os.fchmod(fd, 0o600)
    if encoding is None:
        return open(fd, "wb")
    return open(fd, "w", encoding=encoding, newline="")


def fsync_tree(directory: Path) -> None:
    """Flush every file in ``directory`` and the directory itself to disk."""
    for path in directory.iterdir():
        with open(path, "rb") as f:
            os.fsync(f.fileno())
    fsync_dir(directory)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary name, flush, rename over ``path``, flush the directory."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.unlink(missing_ok=True)
    with private_file(temporary) as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    _refuse_symlink(path)
    os.replace(temporary, path)
    fsync_dir(path.parent)


def mark_ready(directory: Path) -> None:
    """Write ``READY`` (the SHA-256 of the directory's manifest), atomically."""
    write_atomically(directory / READY, (sha256_file(directory / MANIFEST) + "\n").encode("ascii"))


def install_ready(build: Path, target: Path) -> Path:
    """Move a finished build to ``target`` (flushed first, then its parent) and mark it ready."""
    fsync_tree(build)
    os.rename(build, target)
    fsync_dir(target.parent)
    mark_ready(target)
    return target


@contextmanager
def _flock(path: Path, blocking: bool = True, shared: bool = False) -> Iterator[bool]:
    """Hold a flock on ``path``; yields False at once if not ``blocking`` and it is taken."""
    _refuse_symlink(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive flock on ``path`` (created 0600) for the block, waiting while another process holds it."""
    with _flock(path):
        yield


class Staging:
    """One staging directory. The root must exist or be creatable; it is never chmod-ed if it exists."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def prepare(self) -> Staging:
        """Create the root (and missing parents, 0700) if needed; check it is a writable directory."""
        missing = []
        parent = self.root
        while not parent.exists() and not parent.is_symlink():
            missing.append(parent)
            parent = parent.parent
        hint = "check --staging (or the ssw_staging_dir Variable)"
        try:
            for path in reversed(missing):
                _private_dir(path)
        except StagingError as error:
            raise StagingError(f"staging {self.root} cannot be created ({error}): {hint}") from None
        if not self.root.is_dir():
            raise StagingError(f"staging {self.root} is not a directory: {hint}")
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StagingError(f"staging {self.root} is not writable by this user: {hint}")
        return self

    def trial(self) -> Staging:
        """The trial area ``<staging>/trial/``: a staging directory of its own, apart from the real months."""
        return Staging(self.root / TRIAL)

    def _own(self, name: str) -> Path:
        return _private_dir(self.root / name)

    # -- published packages -------------------------------------------------------------------
    def package(self, month: DataMonth) -> Path:
        path = self.root / month.compact
        _refuse_symlink(path)
        return path

    def published_months(self) -> list[DataMonth]:
        """Months whose package directory exists (ready or not), oldest first."""
        months = []
        for entry in self.root.iterdir() if self.root.is_dir() else ():
            if len(entry.name) == 6 and entry.name.isdigit() and not entry.is_symlink():
                months.append(DataMonth.parse(entry.name))
        return sorted(months)

    def is_ready(self, month: DataMonth) -> bool:
        """READY is a real file holding the SHA-256 of the package's manifest."""
        package = self.root / month.compact
        ready, manifest = package / READY, package / MANIFEST
        if package.is_symlink() or ready.is_symlink() or not ready.is_file() or not manifest.is_file():
            return False
        return ready.read_text(encoding="ascii", errors="replace").strip() == sha256_file(manifest)

    def revision(self, month: DataMonth) -> int:
        """The revision of the month's current package: 1, or one more than the revisions kept before it."""
        kept = self.root / REVISIONS / month.compact
        return 1 + (sum(1 for p in kept.iterdir() if p.is_dir()) if kept.is_dir() else 0)

    def kept_revision(self, month: DataMonth, revision: int) -> Path:
        """Where an earlier revision of the month is kept."""
        path = self.root / REVISIONS / month.compact / f"r{revision}"
        _refuse_symlink(path)
        return path

    def keep_revision(self, month: DataMonth) -> Path:
        """Move the month's current package aside as its revision (``.revisions/YYYYMM/r<n>/``): the next
        package published for the month becomes revision n+1."""
        _private_dir(self._own(REVISIONS) / month.compact)
        target = self.kept_revision(month, self.revision(month))
        os.rename(self.package(month), target)
        fsync_dir(target.parent)
        fsync_dir(self.root)
        return target

    def mark_ready(self, month: DataMonth) -> None:
        mark_ready(self.package(month))

    def install(self, build: Path, month: DataMonth) -> Path:
        """Move a finished build into place (flushed first) and mark it ready."""
        return install_ready(build, self.package(month))

    def _numbered(self, area: str, stem: str, suffix: str = "") -> Path:
        directory = self._own(area)
        n = 1 + sum(1 for p in directory.iterdir() if p.name.startswith(f"{stem}-"))
        while (candidate := directory / f"{stem}-{n}{suffix}").exists():
            n += 1
        return candidate

    def set_aside(self, month: DataMonth, damaged: bool) -> Path:
        """Move the month's package to ``.superseded/`` (or ``.damaged/``) under a fresh name."""
        package = self.package(month)
        if damaged:
            target = self._numbered(DAMAGED, month.compact)
        else:
            manifest = package / MANIFEST
            digest = sha256_file(manifest)[:12] if manifest.is_file() else "incomplete"
            target = self._numbered(SUPERSEDED, month.compact, f"-{digest}")
        os.rename(package, target)
        fsync_dir(self.root)
        return target

    # -- disc images --------------------------------------------------------------------------
    def disc_dir(self, month: DataMonth, revision: int = 1) -> Path:
        """``disc/YYYYMM/`` for revision 1, ``disc/YYYYMM-r<n>/`` for a later one."""
        return self.root / DISC / (month.compact if revision == 1 else f"{month.compact}-r{revision}")

    def install_disc(self, build: Path, month: DataMonth, revision: int = 1) -> Path:
        """Replace the disc directory of the month's revision with a finished build (flushed first): the
        image and its cover sheet always come from the same build."""
        fsync_tree(build)
        self._own(DISC)
        final = self.disc_dir(month, revision)
        _refuse_symlink(final)
        old = final.with_name(f".{final.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if final.exists():
            os.rename(final, old)
        os.rename(build, final)
        fsync_dir(final.parent)
        shutil.rmtree(old, ignore_errors=True)
        return final

    # -- builds -------------------------------------------------------------------------------
    def build(self, month: DataMonth, run_key: str) -> Path:
        """The private build directory of one run of one month (created if missing)."""
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in run_key)
        return _private_dir(self._own(BUILD) / f"{month.compact}-{safe}")

    def _build_lock(self, build: Path) -> Path:
        return self._own(LOCKS) / f"build-{build.name}.lock"

    @contextmanager
    def working_in(self, build: Path) -> Iterator[None]:
        """Mark a build as in use (a shared flock on its lock file) while a process writes into it."""
        with _flock(self._build_lock(build), shared=True):
            yield

    def discard_build(self, build: Path) -> None:
        """Remove a build directory (if still there) and its lock file."""
        shutil.rmtree(build, ignore_errors=True)
        self._build_lock(build).unlink(missing_ok=True)

    def remove_dead_builds(self, month: DataMonth | None = None, keep: str = "") -> list[str]:
        """Remove build directories nobody is working in (the process of ``run_month``, the CLI's and the
        DAG's alike, or of a disc build holds its build's lock for its whole life). Returns the names removed."""
        builds = self.root / BUILD
        if not builds.is_dir():
            return []
        removed = []
        for build in sorted(builds.iterdir()):
            if build.name == keep or (month and not build.name.startswith(f"{month.compact}-")):
                continue
            _refuse_symlink(build)
            with _flock(self._build_lock(build), blocking=False) as free:
                if free:
                    self.discard_build(build)
                    removed.append(build.name)
        if removed:
            log.warning("removed %d leftover build director(ies) of dead runs: %s", len(removed), removed)
        return removed

    def has_build(self, month: DataMonth) -> bool:
        builds = self.root / BUILD
        return builds.is_dir() and any(builds.glob(f"{month.compact}-*"))

    # -- locks and alerts ---------------------------------------------------------------------
    @contextmanager
    def month_lock(self, month: DataMonth) -> Iterator[None]:
        """Serialise runs of one month: a second run waits until the first has finished."""
        path = self._own(LOCKS) / f"{month.compact}.lock"
        with _flock(path, blocking=False) as free:
            if free:
                yield
                return
        log.warning("another run of %s is in progress; waiting for it to finish", month)
        with _flock(path):
            yield

    def wait_for_earlier_months(self, month: DataMonth) -> None:
        """Wait while an earlier month is being worked on (its month lock held), so that months run at once (a
        backfill's) publish in month order, as one after another would: a package carries the rows the
        packages before it hold. Earlier months never wait for later ones, so waits never form a cycle."""
        for lock in sorted(self._own(LOCKS).glob("[0-9]" * 6 + ".lock")):
            if lock.stem >= month.compact:
                continue
            with _flock(lock, blocking=False) as free:
                if free:
                    continue
            log.info("waiting for the run of %s in progress to publish first (months publish in order)", lock.stem)
            with _flock(lock):
                pass

    @contextmanager
    def publish_lock(self) -> Iterator[None]:
        """Serialise publishing across months (carried-over rows depend on the other packages)."""
        with _flock(self._own(LOCKS) / "publish.lock"):
            yield

    def alerts_dir(self) -> Path:
        return self._own(ALERTS)

    # -- retention ----------------------------------------------------------------------------
    KEPT_AFTER_PURGE = frozenset({MANIFEST, READY, "QUARANTINE.CSV", "CARRIED.CSV", "COVER.PDF"})

    def month_directories(self, month: DataMonth) -> list[Path]:
        """Every directory holding the month's data: its package, earlier revisions, superseded and damaged
        copies, and its discs."""
        found = [self.root / month.compact, *sorted((self.root / REVISIONS / month.compact).glob("r*"))]
        for area, pattern in ((SUPERSEDED, f"{month.compact}-*"), (DAMAGED, f"{month.compact}-*")):
            found += sorted((self.root / area).glob(pattern))
        found += sorted((self.root / DISC).glob(f"{month.compact}*"))
        return [d for d in found if d.is_dir() and not d.is_symlink()]

    def purge(self, month: DataMonth) -> list[str]:
        """Delete the month's personal data: every file in its directories but the manifest, READY, the lists
        of held and carried-over rows (opaque ids) and the cover sheet, and its build leftovers. Returns the
        paths removed, relative to the root."""
        removed = []
        for directory in self.month_directories(month):
            for path in sorted(directory.iterdir()):
                if path.name not in self.KEPT_AFTER_PURGE:
                    _refuse_symlink(path)
                    if path.is_dir():
                        shutil.rmtree(path)
                    else:
                        path.unlink()
                    removed.append(str(path.relative_to(self.root)))
            fsync_dir(directory)
        removed += [f"{BUILD}/{name}" for name in self.remove_dead_builds(month)]
        return removed

    # -- delivery records ---------------------------------------------------------------------
    def delivery_dir(self, month: DataMonth) -> Path:
        """``.delivery/YYYYMM/``: what happened to the month's package after it was built."""
        return _private_dir(self._own(DELIVERY) / month.compact)

    # -- audit log ----------------------------------------------------------------------------
    def audit_dir(self) -> Path:
        return self._own(AUDIT)

    @contextmanager
    def audit_lock(self) -> Iterator[None]:
        """Serialise appends to the audit log (each line names the one before it)."""
        with _flock(self._own(LOCKS) / "audit.lock"):
            yield
