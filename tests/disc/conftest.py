"""A published month and its discs (plain and encrypted), built once per module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from discs import MONTH, PASSWORD, SENDER, Published

from ssw_linkage import package, source, synthetic
from ssw_linkage.disc.build import build_disc
from ssw_linkage.months import DataMonth


def _publish(root: Path) -> Path:
    engine = source.connect(f"sqlite:///{root / 'source.db'}")
    synthetic.seed(engine, DataMonth(2026, 4).until(DataMonth(2026, 6)), 2_000, bad_rate=0.05)
    package.run_month(engine, MONTH, root / "staging")
    engine.dispose()
    return root / "staging"


@pytest.fixture(scope="module")
def published_staging(tmp_path_factory) -> Path:
    return _publish(tmp_path_factory.mktemp("published"))


def _disc_in_copy(published_staging: Path, root: Path, password: str | None) -> Published:
    staging = root / "staging"
    shutil.copytree(published_staging, staging, symlinks=True)
    disc = build_disc(staging, MONTH, SENDER, password)
    return Published(staging, staging / MONTH.compact, disc)


@pytest.fixture(scope="module")
def plain(published_staging, tmp_path_factory) -> Published:
    return _disc_in_copy(published_staging, tmp_path_factory.mktemp("plain"), None)


@pytest.fixture(scope="module")
def encrypted(published_staging, tmp_path_factory) -> Published:
    return _disc_in_copy(published_staging, tmp_path_factory.mktemp("encrypted"), PASSWORD)
