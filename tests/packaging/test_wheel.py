"""The wheel is the unit of deployment: installed anywhere, it carries its SQL, runs a month with its disc,
and verifies that disc with the receiver's command (no Airflow, no database)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]


def test_the_wheel_installed_in_a_fresh_venv_seeds_and_runs_a_month(tmp_path):
    # Build from what the Dockerfile's build stage copies, nothing else.
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project)
    shutil.copytree(ROOT / "include", project / "include", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    subprocess.run([*PIP, "wheel", "--no-deps", "--wheel-dir", tmp_path / "dist", project], check=True)
    wheel = next((tmp_path / "dist").glob("ssw_linkage-*.whl"))

    shipped = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "include" / "ssw_linkage"
    expected = {f"ssw_linkage/{p.relative_to(package)}" for p in package.rglob("*") if p.suffix in (".py", ".csv")}
    expected |= {
        f"ssw_linkage/sql/{p.relative_to(ROOT / 'include/sql')}" for p in (ROOT / "include/sql").rglob("*.sql")
    }
    assert expected - shipped == set(), "files the package needs at run time are missing from the wheel"

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    subprocess.run([*PIP, "--python", python, "install", "--constraint", ROOT / "constraints.txt", wheel], check=True)

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = subprocess.run(
        [python, "-c", "from ssw_linkage.queries import SQL_DIR; print(SQL_DIR)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(venv)), f"SQL read from {where}, not from the installed wheel"

    cli, url = str(venv / "bin" / "ssw-linkage"), f"sqlite:///{tmp_path / 'source.db'}"
    for argv in (
        ["seed", "--source", url, "--months", "2026-04:2026-05", "--events", "300"],
        ["run", "--month", "2026-05", "--source", url, "--staging", "staging"],
        ["verify", "staging/disc/202605/SSW_202605.ISO"],
    ):
        done = subprocess.run([cli, *argv], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    published = sorted(p.name for p in (tmp_path / "staging" / "202605").iterdir())
    items = [f"ITEM0{n}.CSV" for n in range(1, 9)]
    assert published == ["CARRIED.CSV", *items, "MANIFEST.JSON", "QUARANTINE.CSV", "READY"]
    assert "result: PASS" in done.stdout
