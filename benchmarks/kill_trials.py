"""Fault trials: ``kill -9`` an ``ssw-linkage run`` at random moments, then rerun, and count outcomes.

    .venv/bin/python benchmarks/kill_trials.py --trials 31 --events 20000

Each trial starts a run into its own staging directory and kills it: a third of the trials after a
random delay anywhere in the run, a third in its last fifth, a third the moment the package directory
appears (between the rename and READY, the narrowest window). It looks at what the kill left,
reruns, and compares the rerun's package byte for byte with an undisturbed run's. A bad state
is a READY that vouches for something it should not: a READY present but not holding the manifest's
SHA-256, or a package called ready whose files do not match its manifest. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import filecmp
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from ssw_linkage import package, source, synthetic
from ssw_linkage.months import DataMonth
from ssw_linkage.staging import READY

MONTH = DataMonth(2026, 5)


def _run(url: str, staging: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "ssw_linkage", "run", "--month", str(MONTH), "--source", url]
    return subprocess.Popen([*command, "--staging", str(staging)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _identical(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    match, mismatch, missing = filecmp.cmpfiles(a, b, names, shallow=False)
    return sorted(match) == names == sorted(p.name for p in b.iterdir()) and not mismatch and not missing


def _state(staging: Path) -> str:
    """What a kill left behind, as one word."""
    published = staging / MONTH.compact
    if not published.exists():
        return "nothing_published"
    ready = published / READY
    if package.is_ready(staging, MONTH):
        return "ready" if package.verify(published) == [] else "BAD_ready_but_damaged"
    if ready.exists() or ready.is_symlink():
        return "BAD_ready_file_not_valid"
    return "published_unmarked"  # whole, READY not yet written: not ready, the rerun finishes it


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trials", type=int, default=31)
    p.add_argument("--events", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--source", help="a source URL to seed (default: a temporary SQLite file)")
    args = p.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="ssw-kill-") as tmp:
        work = Path(tmp)
        url = args.source or f"sqlite:///{work / 'source.db'}"
        engine = source.connect(url)
        source.drop_schema(engine)
        synthetic.seed(engine, MONTH.previous().until(MONTH.next()), args.events, bad_rate=0.01)
        started = time.monotonic()
        reference = _run(url, work / "reference")
        if reference.wait() != 0:
            raise SystemExit(f"the undisturbed run failed: {reference.stderr.read().decode()[-500:]}")
        duration = time.monotonic() - started
        print(f"undisturbed run: {duration:.2f} s; {args.trials} trials")
        states, identical, rerun_failed = Counter(), 0, 0
        for trial in range(args.trials):
            staging = work / f"trial{trial:03d}"
            run, began = _run(url, staging), time.monotonic()
            if trial % 3 == 2:
                while run.poll() is None and not (staging / MONTH.compact).exists():
                    time.sleep(0.0005)
            else:
                time.sleep(rng.uniform(0, duration) if trial % 3 == 0 else rng.uniform(0.8, 1.05) * duration)
            run.send_signal(signal.SIGKILL)
            delay = time.monotonic() - began
            run.wait()
            state = _state(staging) if staging.exists() else "nothing_created"
            states[state] += 1
            rerun = _run(url, staging)
            if rerun.wait() != 0:
                rerun_failed += 1
                print(f"  trial {trial}: rerun failed: {rerun.stderr.read().decode().strip()[-300:]}")
            elif _identical(work / "reference" / MONTH.compact, staging / MONTH.compact):
                identical += 1
            print(f"  trial {trial:3d}: killed after {delay:5.2f} s → {state}")
        bad = sum(n for state, n in states.items() if state.startswith("BAD"))
        print("\nstates after the kill: " + ", ".join(f"{s} {n}" for s, n in sorted(states.items())))
        print(f"reruns byte-identical to the undisturbed run: {identical}/{args.trials} ({rerun_failed} failed)")
        print(f"bad states (a READY vouching for what it should not): {bad}")
        return 0 if bad == 0 and identical == args.trials else 1


if __name__ == "__main__":
    sys.exit(main())
