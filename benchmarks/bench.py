"""``make bench``: the project's ``run`` against the export floor, its own queries and the naive pandas path.

For each size N (events seeded into one data month, in a fresh database ``ssw_bench_<N>`` on the server):

- floor:   each item's rows computed into a table first (untimed), then ``COPY … TO STDOUT`` of the eight
           tables (one psql session), the cheapest way to get these rows out of PostgreSQL;
- queries: ``COPY`` of the project's eight item queries (one psql session, the project's session settings);
- pandas:  ``pandas.read_sql`` + ``to_csv`` (CP932, every field quoted) per item, the naive path;
- package: ``ssw-linkage run --no-disc`` (extract, check, write, account, carry over, reconcile, publish):
           the eight files the floor writes, with every rule;
- project: ``ssw-linkage run`` (the package, then the disc: cover sheet, image, and their checks).

Each path runs in its own process, the paths alternating, each ``--repeat`` times; the report gives the
median wall time, rows per second, the median peak RSS of the process (psql's for the COPY paths: the
server's memory is not counted) and the ratios of package and project to the floor and to the queries,
with the load seen.
Results go to ``benchmarks/results/bench-<time>.json`` and ``benchmarks/results/bench.md``.

    .venv/bin/python benchmarks/bench.py --events 100000,1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import psycopg

from ssw_linkage import queries, source, synthetic
from ssw_linkage.months import DataMonth
from ssw_linkage.spec import ITEMS

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
# "package" is `run --no-disc` (the eight CSV files, what the floor writes); "project" is `run` (package and disc).
PATHS = ("floor", "queries", "pandas", "package", "project")
RUNS = ("package", "project")
PANDAS = """
import csv, sys
import pandas as pd
from sqlalchemy import create_engine
engine = create_engine(sys.argv[1])
for n, query in enumerate(sys.argv[3:], start=1):
    frame = pd.read_sql(query, engine)
    frame.to_csv(f"{sys.argv[2]}/ITEM0{n}.CSV", index=False, encoding="cp932", errors="replace",
                 quoting=csv.QUOTE_ALL, lineterminator="\\r\\n")
"""


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(argv: list[str], env: dict | None = None) -> tuple[float, int]:
    """(wall seconds, peak RSS in MB) of one process, run under GNU time (a child of this process would
    report this process's RSS at the fork as its own peak)."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env=env, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{argv[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) // 1024


def seed(server: str, events: int, month: DataMonth, reuse: bool) -> str:
    """A database holding ``events`` events in ``month`` (seeded now unless ``reuse`` finds it)."""
    name = f"ssw_bench_{events}"
    url = f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and reuse:
            return url
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    report = synthetic.seed(source.connect(url), [month], events)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"  seeded {report.events:,} events in {time.monotonic() - started:.0f} s", flush=True)
    return url


def item_queries(url: str, month: DataMonth) -> list[str]:
    """The eight item queries as PostgreSQL runs them, with the month's parameters written in."""
    engine = source.connect(url)
    params = source.window_params(engine, month)
    with psycopg.connect(url) as conn:
        cursor = psycopg.ClientCursor(conn)
        result = []
        for item in ITEMS:
            with engine.connect() as sa:
                sql, bound = source._bound(sa, queries.render(f"items/{item.sql_file}", "postgresql"), params)
            result.append(cursor.mogrify(sql, bound))
    engine.dispose()
    return result


def floor_tables(url: str, statements: list[str]) -> int:
    """Each item's rows into a table (untimed); the number of rows."""
    rows = 0
    settings = " ".join(f"-c {k}={v}" for k, v in source.SESSION_SETTINGS.items())
    with psycopg.connect(url, autocommit=True, options=settings) as conn:
        for n, statement in enumerate(statements, start=1):
            conn.execute(f"DROP TABLE IF EXISTS bench_floor_{n}")
            conn.execute(f"CREATE UNLOGGED TABLE bench_floor_{n} AS {statement}")
            rows += conn.execute(f"SELECT COUNT(*) FROM bench_floor_{n}").fetchone()[0]  # noqa: S608
        conn.execute("VACUUM ANALYZE")
    return rows


def psql_copy(url: str, sources: list[str], out: Path) -> list[str]:
    script = out / "copy.psql"
    lines = (f"\\copy ({s}) TO '{out}/ITEM0{n}.CSV' WITH (FORMAT csv, FORCE_QUOTE *)\n" for n, s in
             enumerate(sources, start=1))
    script.write_text("".join(lines), encoding="utf-8")
    return ["psql", url, "-q", "-X", "-v", "ON_ERROR_STOP=1", "-f", str(script)]


def run_size(server: str, events: int, month: DataMonth, repeat: int, reuse: bool, paths: list[str]) -> dict:
    print(f"N = {events:,} events (load {load()})", flush=True)
    url = seed(server, events, month, reuse)
    statements = item_queries(url, month)
    rows = floor_tables(url, statements)
    one_line = [" ".join(re.sub(r"--[^\n]*", "", s).split()) for s in statements]  # psql's \copy: one line
    settings_env = {**os.environ, "PGOPTIONS": " ".join(f"-c {k}={v}" for k, v in source.SESSION_SETTINGS.items())}
    bin_dir = Path(sys.executable).parent
    runs: dict[str, list[tuple[float, int]]] = {p: [] for p in paths}
    loads = [load()]
    for r in range(repeat):
        order = paths[r % len(paths):] + paths[: r % len(paths)]  # alternate which path goes first
        for path in order:
            work = Path(tempfile.mkdtemp(prefix="ssw-bench-"))
            try:
                if path == "floor":
                    tables = [f"SELECT * FROM bench_floor_{n}" for n in range(1, 9)]  # noqa: S608
                    argv = psql_copy(url, tables, work)
                    result = timed(argv)
                elif path == "queries":
                    result = timed(psql_copy(url, one_line, work), settings_env)
                elif path == "pandas":
                    pandas_url = url.replace("postgresql://", "postgresql+psycopg://")
                    result = timed([sys.executable, "-c", PANDAS, pandas_url, str(work), *one_line])
                else:
                    argv = [str(bin_dir / "ssw-linkage"), "run", "--month", str(month), "--source", url,
                            "--staging", str(work), *(["--no-disc"] if path == "package" else [])]
                    result = timed(argv)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            runs[path].append(result)
            print(f"  {path:8s} {result[0]:7.2f} s {result[1]:6d} MB", flush=True)
        loads.append(load())
    summary = {
        path: {
            "seconds": statistics.median(s for s, _ in values),
            "rows_per_second": rows / statistics.median(s for s, _ in values),
            "peak_rss_mb": statistics.median(m for _, m in values),
            "runs": values,
        }
        for path, values in runs.items()
    }
    ratios = {
        f"{run}/{base}": summary[run]["seconds"] / summary[base]["seconds"]
        for run in RUNS
        for base in ("floor", "queries")
        if run in summary and base in summary
    }
    return {"events": events, "rows": rows, "paths": summary, "ratios": ratios, "load": loads}


def machine() -> dict:
    with psycopg.connect(f"{ARGS.server}/postgres") as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
    memory = next(int(line.split()[1]) // 1024 for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return {"cpus": os.cpu_count(), "cpu": model, "memory_mb": memory, "postgresql": server,
            "python": platform.python_version(), "host": platform.node()}


def markdown(result: dict) -> str:
    m = result["machine"]
    lines = [
        f"Measured {result['when']} on {m['cpus']} cores ({m['cpu']}), {m['memory_mb'] // 1024} GiB, "
        f"PostgreSQL {m['postgresql']}, Python {m['python']}; medians of {result['repeat']} alternated runs "
        "(load averages 1/5/15 min before and after each round in the JSON).",
        "",
        "| events | rows | path | wall s | rows/s | peak RSS MB | ×floor | ×queries |",
        "|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size in result["sizes"]:
        for path, p in size["paths"].items():
            ratios = ("", "")
            if path in RUNS:
                ratios = tuple(f"{size['ratios'].get(f'{path}/{k}', 0):.2f}×" for k in ("floor", "queries"))
            lines.append(
                f"| {size['events']:,} | {size['rows']:,} | {path} | {p['seconds']:.2f} | {p['rows_per_second']:,.0f} "
                f"| {p['peak_rss_mb']:.0f} | {ratios[0]} | {ratios[1]} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--server", default=os.environ.get("SSW_BENCH_SERVER", "postgresql://postgres@127.0.0.1:5432"),
                   help="PostgreSQL server URL without a database (a database per size is created on it)")
    p.add_argument("--events", default="100000,1000000,2000000,5000000", help="comma-separated sizes")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--month", type=DataMonth.parse, default=DataMonth(2026, 5))
    p.add_argument("--paths", default=",".join(PATHS))
    p.add_argument("--reuse", action="store_true", help="keep a database of the same size seeded by an earlier run")
    p.add_argument("--results", type=Path, default=RESULTS)
    global ARGS
    ARGS = p.parse_args()
    paths = [x for x in ARGS.paths.split(",") if x]
    result = {"when": datetime.now().astimezone().isoformat(timespec="seconds"), "machine": machine(),
              "repeat": ARGS.repeat, "sizes": []}
    for events in (int(x) for x in ARGS.events.split(",")):
        result["sizes"].append(run_size(ARGS.server, events, ARGS.month, ARGS.repeat, ARGS.reuse, paths))
    ARGS.results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (ARGS.results / f"bench-{stamp}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (ARGS.results / "bench.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
