"""READY you can trust: damaged, interrupted, concurrent and repeated publishes; staging safety."""

from __future__ import annotations

import filecmp
import os
import stat
import subprocess
import sys
from datetime import datetime

import pytest
from package_checks import assert_valid_package, read_manifest
from sqlalchemy import text

from ssw_linkage import errors, package, synthetic
from ssw_linkage.months import JST, DataMonth
from ssw_linkage.staging import Staging

MAY = DataMonth(2026, 5)
MONTHS = DataMonth(2026, 4).until(DataMonth(2026, 6))


@pytest.fixture
def seeded(sqlite_engine):
    synthetic.seed(sqlite_engine, MONTHS, 1_500, bad_rate=0.05)
    return sqlite_engine


def _same_files(a, b) -> bool:
    names = sorted(p.name for p in a.iterdir())
    match, mismatch, missing = filecmp.cmpfiles(a, b, names, shallow=False)
    return sorted(match) == names == sorted(p.name for p in b.iterdir()) and not mismatch and not missing


def test_an_empty_or_wrong_ready_is_not_ready_and_a_rerun_repairs_it(seeded, tmp_path):
    package.run_month(seeded, MAY, tmp_path / "ref")
    package.run_month(seeded, MAY, tmp_path / "s")
    ready = tmp_path / "s" / "202605" / package.READY
    for broken in ("", "0" * 64 + "\n"):
        ready.write_text(broken)
        assert not package.is_ready(tmp_path / "s", MAY)
        assert package.missing_months(tmp_path / "s", MAY, MAY) == [MAY]
        package.run_month(seeded, MAY, tmp_path / "s")
        assert package.is_ready(tmp_path / "s", MAY)
        assert _same_files(tmp_path / "ref" / "202605", tmp_path / "s" / "202605")
    assert not (tmp_path / "s" / ".damaged").exists()


@pytest.mark.parametrize("damage", ["delete_item_and_ready", "flip_a_byte", "extra_file", "truncate"])
def test_a_damaged_package_is_set_aside_and_rebuilt_never_reblessed(seeded, tmp_path, damage):
    package.run_month(seeded, MAY, tmp_path / "ref")
    package.run_month(seeded, MAY, tmp_path / "s")
    published = tmp_path / "s" / "202605"
    if damage == "delete_item_and_ready":
        (published / "ITEM03.CSV").unlink()
        (published / package.READY).unlink()
    elif damage == "flip_a_byte":
        data = bytearray((published / "ITEM06.CSV").read_bytes())
        data[-5] ^= 0x01
        (published / "ITEM06.CSV").write_bytes(bytes(data))
    elif damage == "extra_file":
        (published / "ITEM09.CSV").write_bytes(b"x")
    else:
        with open(published / "ITEM01.CSV", "r+b") as f:
            f.truncate(100)
    assert package.verify(published) != []
    package.run_month(seeded, MAY, tmp_path / "s")
    assert _same_files(tmp_path / "ref" / "202605", published)
    assert package.verify(published) == [] and package.is_ready(tmp_path / "s", MAY)
    (kept,) = (tmp_path / "s" / ".damaged").iterdir()
    assert kept.name == "202605-1" and package.verify(kept) != []


def _set_representatives(engine, suffixed: bool) -> None:
    """Switch every employer's representative between two spellings (package B and package A)."""
    update = (
        "UPDATE employers SET representative = representative || ' 様'"
        if suffixed
        else "UPDATE employers SET representative = substr(representative, 1, length(representative) - 2)"
    )
    with engine.begin() as conn:
        conn.execute(text(update))


def test_superseded_copies_never_collide(seeded, tmp_path):
    manifests = [package.run_month(seeded, MAY, tmp_path)]
    for _ in range(3):  # A, B, A, B: B differs from A by the employers' representatives; each switch is a --replace
        _set_representatives(seeded, suffixed=len(manifests) % 2 == 1)
        manifests.append(package.run_month(seeded, MAY, tmp_path, replace=True))
    assert manifests[0] == manifests[2] != manifests[1] == manifests[3]
    kept = sorted((tmp_path / ".superseded").iterdir())
    assert [p.name.rsplit("-", 1)[0] for p in kept] == ["202605-1", "202605-2", "202605-3"]
    assert [read_manifest(p) for p in kept] == manifests[:3]


def test_a_month_not_over_is_refused_by_the_core(seeded, tmp_path):
    for month in (DataMonth(2030, 1), DataMonth.of(datetime.now(JST))):
        with pytest.raises(errors.NotReady, match="not over yet"):
            package.run_month(seeded, month, tmp_path / "s")
    assert not (tmp_path / "s").exists()


def test_leftover_builds_of_dead_runs_are_removed(seeded, tmp_path):
    staging = Staging(tmp_path).prepare()
    dead = staging.build(MAY, "run-999999")
    (dead / "ITEM01.CSV.partial").write_text("personal data")
    old_dag = staging.build(MAY, "manual__2026-06-02")  # an older DAG's build, whose tasks held it in turn
    (old_dag / "ITEM01.CSV").write_text("x")
    live = staging.build(MAY, "disc-999997")
    other_month = staging.build(DataMonth(2026, 4), "run-999998")
    with staging.working_in(live):
        package.run_month(seeded, MAY, tmp_path)
    assert sorted(p.name for p in (tmp_path / ".build").iterdir()) == [other_month.name, live.name]
    assert staging.remove_dead_builds() == [other_month.name, live.name]


def test_a_build_in_use_is_never_removed(tmp_path):
    staging = Staging(tmp_path).prepare()
    build = staging.build(MAY, "cli-1")
    with staging.working_in(build):
        assert staging.remove_dead_builds(MAY) == []
    assert staging.remove_dead_builds(MAY) == [build.name]


def test_two_runs_of_one_month_at_once_give_one_package(seeded, tmp_path):
    url = seeded.url.render_as_string(hide_password=False)
    command = [sys.executable, "-m", "ssw_linkage", "run", "--month", "2026-05", "--source", url]
    runs = [subprocess.Popen([*command, "--staging", str(tmp_path / "s")]) for _ in range(2)]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    package.run_month(seeded, MAY, tmp_path / "ref")
    assert _same_files(tmp_path / "ref" / "202605", tmp_path / "s" / "202605")
    assert list((tmp_path / "s" / ".build").iterdir()) == [] and not (tmp_path / "s" / ".superseded").exists()


def test_staging_is_the_operators_directory(seeded, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    link = tmp_path / "link"
    link.symlink_to(shared)
    package.run_month(seeded, MAY, link)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777  # never chmod-ed
    assert_valid_package(shared / "202605")
    for name in (".build", ".locks"):
        assert stat.S_IMODE((shared / name).stat().st_mode) == 0o700


def test_symlinks_inside_staging_are_refused(seeded, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    staging = tmp_path / "s"
    staging.mkdir()
    (staging / ".build").symlink_to(elsewhere)
    with pytest.raises(errors.StagingError, match="symbolic link"):
        package.run_month(seeded, MAY, staging)
    assert list(elsewhere.iterdir()) == []
    (staging / ".build").unlink()
    package.run_month(seeded, MAY, staging)
    target = tmp_path / "target"
    ready = staging / "202605" / package.READY
    ready.unlink()
    ready.symlink_to(target)  # a dangling READY symlink
    with pytest.raises(errors.StagingError, match="symbolic link"):
        package.run_month(seeded, MAY, staging)
    assert not target.exists() and not package.is_ready(staging, MAY)


def test_directories_we_create_are_private_whatever_the_umask(seeded, tmp_path):
    old = os.umask(0)
    try:
        package.run_month(seeded, MAY, tmp_path / "a" / "b" / "staging")
    finally:
        os.umask(old)
    for path in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "staging"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    assert_valid_package(tmp_path / "a" / "b" / "staging" / "202605")
