"""Helpers for tests that start real Airflow components as processes: free ports, bounded waits, and
components run in their own process group, measured (RSS with descendants) and always stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


def wait_for(what: str, check, timeout: float, interval: float = 1.0):
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@dataclass
class Component:
    name: str
    argv: list[str]
    env: dict[str, str]
    home: Path
    process: subprocess.Popen | None = None
    peak_rss: int = 0

    @property
    def log(self) -> Path:
        return self.home / f"{self.name}.log"

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.argv, env=self.env, cwd=self.home, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def processes(self) -> list[psutil.Process]:
        """The component's process and all its descendants (task processes included)."""
        if self.process is None or self.process.poll() is not None:
            return []
        try:
            parent = psutil.Process(self.process.pid)
            return [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss(self) -> int:
        total = 0
        for p in self.processes():
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def kill_hard(self) -> None:
        """kill -9 of the whole component (its process group and any descendant that left it)."""
        victims = self.processes()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for p in victims:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        self.process.wait(timeout=10)

    def stop(self, grace: float = 20) -> None:
        """SIGTERM to the process group, then SIGKILL after ``grace`` seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        stragglers = self.processes()
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        for p in stragglers:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
