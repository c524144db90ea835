"""CPU used while a block runs, by part: the machine's busy time, PostgreSQL, each long-lived Airflow component,
and the rest (task processes, this benchmark). Read from /proc once a second by a thread.

- PostgreSQL: the postmaster's cumulative time (each backend that ended was reaped into it) plus the own time of
  the backends still running at the end (not yet in the postmaster's);
- Airflow components (scheduler, API server, DAG processor, triggerer, by their process titles): their own time.
  The LocalExecutor's workers, their supervisors and the task processes (titled ``airflow executor``, ``airflow
  supervisor``, ``airflow worker``) are the rest, with this benchmark.

    with CpuParts() as cpu:
        ...
    cpu.parts  # {"machine busy": 877.3, "postgresql": 312.2, "airflow scheduler": 126.4, …, "rest": 342.1}
Linux only (``/proc``).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

HZ = os.sysconf("SC_CLK_TCK")
COMPONENTS = ("scheduler", "api-server", "api_server", "dag-processor", "dag_processor", "triggerer")


def _processes() -> dict[str, tuple[str, float, float]]:
    """pid → (command line, own CPU seconds, own and reaped children's CPU seconds)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            args = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after the command name, which may hold spaces
        utime, stime, cutime, cstime = (int(x) / HZ for x in fields[11:15])
        found[entry.name] = (args, utime + stime, utime + stime + cutime + cstime)
    return found


def _is_postmaster(args: str) -> bool:
    """PostgreSQL's server process (its backends call themselves ``postgres: …``)."""
    program = args.split(" ", 1)[0]
    return (program == "postgres" or program.endswith("/postgres")) and " -D " in args


def _machine_busy() -> float:
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / HZ  # all but idle and iowait


class CpuParts:
    def __init__(self, every: float = 1.0):
        self.every = every
        self.parts: dict[str, float] = {}
        self._stop = threading.Event()
        self._first: dict[str, tuple[str, float, float]] = {}
        self._last: dict[str, tuple[str, float, float]] = {}
        self._final: dict[str, tuple[str, float, float]] = {}

    def _sample(self) -> None:
        self._final = _processes()
        for pid, seen in self._final.items():
            self._first.setdefault(pid, seen)
            self._last[pid] = seen

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def __enter__(self) -> CpuParts:
        self._busy = _machine_busy()
        self._sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        parts = {"machine busy": _machine_busy() - self._busy, "postgresql": 0.0}
        for pid, (args, own, total) in self._last.items():
            _, first_own, first_total = self._first[pid]
            if _is_postmaster(args):
                parts["postgresql"] += total - first_total
            elif args.startswith("postgres:") and pid in self._final:  # an ended one is in the postmaster's time
                parts["postgresql"] += own - first_own
            elif "airflow" in args and (name := next((c for c in COMPONENTS if c in args), None)):
                key = f"airflow {name.replace('_', '-')}"
                parts[key] = parts.get(key, 0.0) + own - first_own
        parts["rest"] = parts["machine busy"] - sum(v for k, v in parts.items() if k != "machine busy")
        self.parts = parts
