"""``make bench-airflow``: one month through Airflow against the CLI, and a backfill against the CLI loop.

- ``month``: the demo month (``demo/source.db``, SQLite) three ways, alternating, ``--repeat`` times each,
  every time into a fresh staging directory; cli and dags-test first, then, with ``airflow standalone`` running,
  cli and scheduler (the scheduler paths are compared with the CLI timed beside them):
  - cli:       ``ssw-linkage run`` (one process: extract, publish, disc);
  - dags-test: ``airflow dags test`` (SQLite metadata, migrated beforehand, untimed; the handover marked done);
  - scheduler: a run triggered through the REST API of ``airflow standalone`` (PostgreSQL metadata,
               LocalExecutor, parallelism 4), started beforehand (untimed); timed from the trigger to
               the handover waiting for its officer ("to handover"), plus from the officer's answer to the
               run's success ("after handover").
- ``backfill``: every month from ``--first`` to ``--last`` of a PostgreSQL source (seeded here with
  ``--events`` events unless ``--source`` names one): a backfill through the REST API (``max_active_runs``
  = the number of months) until every run waits in ``handover``, then every handover recorded through the
  REST API until every run has succeeded; against ``ssw-linkage run`` for each month in turn (a shell loop).
  The seconds each task took, summed over the runs, and the CPU each part of the machine used until the
  handovers (PostgreSQL, each Airflow component, the task processes: ``cpu_parts.py``) say where the time goes.

Figures go to ``benchmarks/results/airflow-<mode>-<time>.json`` and ``benchmarks/results/airflow.md``
(one section per mode, the latest of each).

    .venv/bin/python benchmarks/bench_airflow.py month --repeat 3
    .venv/bin/python benchmarks/bench_airflow.py backfill --first 2019-06 --last 2026-10 --events 14000000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import psycopg
from airflow_stack import BIN, ROOT, Stack, airflow_env
from cpu_parts import CpuParts

from ssw_linkage.local_services import MailSink
from ssw_linkage.months import DataMonth

RESULTS = ROOT / "benchmarks" / "results"
DEMO_SOURCE = ROOT / "demo" / "source.db"
SERVER = os.environ.get("SSW_BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
# Seconds between a handover parking and its answer (untimed). Answered within seconds, before the scheduler
# has handled the executor's report of the parking try, Airflow 3.3.2 takes that report for the end of the
# next try and puts the handover up for retry (an officer takes minutes; a script should wait too).
SETTLE = 10


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(argv: list, env: dict | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{argv[:3]} failed ({done.returncode}): {(done.stdout + done.stderr)[-3000:]}")
    return time.perf_counter() - started


def cli_run(month: str, source_url: str, staging: Path) -> float:
    return timed([BIN / "ssw-linkage", "run", "--month", month, "--source", source_url, "--staging", staging])


def dags_test(month: str, env: dict) -> float:
    argv = [BIN / "airflow", "dags", "test", "ssw_monthly_provision", f"{month}-15T12:00:00+09:00"]
    return timed([*argv, "--mark-success-pattern", "^handover$"], env)


def run_state(stack: Stack, run_id: str) -> dict[str, str]:
    return {ti["task_id"]: ti["state"] for ti in stack.task_instances(run_id)}


def scheduler_run(stack: Stack, month: str, day: int) -> tuple[float, float]:
    """(seconds from the trigger to the handover waiting, seconds from the answer to the run's success)."""
    started = time.perf_counter()
    run_id = stack.trigger(month, day)
    stack.wait(lambda: run_state(stack, run_id).get("handover") == "awaiting_input", 300, "the handover", 0.2)
    waiting = time.perf_counter()
    time.sleep(SETTLE)
    assert stack.answer_handovers() == 1
    answered = time.perf_counter()
    stack.wait(lambda: run_state(stack, run_id).get("outcome") in ("success", "failed"), 300, "outcome", 0.2)
    assert run_state(stack, run_id)["outcome"] == "success", run_state(stack, run_id)
    return waiting - started, time.perf_counter() - answered


def settle_scheduled_run(stack: Stack) -> None:
    """Unpause; the scheduler then starts the latest month's scheduled run: record its handover and let it
    finish before anything is timed (it also warms the API server up)."""
    stack.unpause()
    time.sleep(15)
    for run in stack.runs():
        stack.wait(lambda r=run: run_state(stack, r["dag_run_id"]).get("handover") in ("awaiting_input", "success",
                   "upstream_failed"), 300, "the scheduled run's handover")
        time.sleep(SETTLE)
        stack.answer_handovers()
        stack.wait(lambda r=run: run_state(stack, r["dag_run_id"]).get("outcome") in ("success", "failed"), 300,
                   "the scheduled run")


def month_mode(args) -> dict:
    if not DEMO_SOURCE.is_file():
        raise SystemExit(f"no {DEMO_SOURCE}: run `make demo` first")
    source_url, month = f"sqlite:///{DEMO_SOURCE}", args.month
    work = Path(tempfile.mkdtemp(prefix="ssw-bench-month-"))
    times: dict[str, list[float]] = defaultdict(list)
    loads = []
    with MailSink() as mail:
        # first without a scheduler beside it (an idle standalone still takes CPU), then with it
        test_env = airflow_env(work / "home", source_url, work / "staging-test", mail)
        subprocess.run([BIN / "airflow", "db", "migrate"], env=test_env, check=True, capture_output=True)
        for n in range(args.repeat):
            loads.append(load())
            times["cli"].append(cli_run(month, source_url, work / f"cli-{n}"))
            shutil.rmtree(work / "staging-test", ignore_errors=True)
            times["dags-test"].append(dags_test(month, test_env))
            print(f"round {n + 1}: cli {times['cli'][-1]:.2f} s, dags-test {times['dags-test'][-1]:.2f} s", flush=True)
        with Stack(SERVER, f"{args.db_prefix}_meta", source_url, work / "staging-sched", mail) as stack:
            settle_scheduled_run(stack)
            for n in range(args.repeat):
                loads.append(load())
                times["cli beside airflow"].append(cli_run(month, source_url, work / f"cli-beside-{n}"))
                shutil.rmtree(work / "staging-sched", ignore_errors=True)
                before, after = scheduler_run(stack, month, day=10 + n)
                times["scheduler to handover"].append(before)
                times["scheduler after handover"].append(after)
                times["scheduler"].append(before + after)
                print(f"round {n + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()), flush=True)
            loads.append(load())
            tasks = task_seconds(stack)
    shutil.rmtree(work, ignore_errors=True)
    medians = {path: statistics.median(v) for path, v in times.items()}
    return {
        "mode": "month",
        "month": month,
        "source": "demo/source.db (SQLite)",
        "repeat": args.repeat,
        "seconds": dict(times),
        "median": medians,
        "ratio_to_cli": {  # each against the CLI timed in the same phase
            path: medians[path] / medians["cli beside airflow" if path.startswith("scheduler") else "cli"]
            for path in medians
        },
        "task_seconds": tasks,
        "load": loads,
    }


def task_seconds(stack: Stack) -> dict[str, dict[str, float]]:
    """Per task id: how many instances ran and their summed and median duration (the handover's wait excluded)."""
    by_task: dict[str, list[float]] = defaultdict(list)
    for ti in stack.task_instances():
        if ti["duration"] is not None and ti["task_id"] != "handover":
            by_task[ti["task_id"]].append(ti["duration"])
    return {t: {"n": len(d), "sum": sum(d), "median": statistics.median(d)} for t, d in sorted(by_task.items())}


def seeded_source(args, months: list[DataMonth]) -> str:
    """The source to backfill from, with planner statistics (``seed`` leaves none: every item query would
    be planned blind until autovacuum gets to the tables)."""
    url = args.source or seed_source(args, months)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return url


def seed_source(args, months: list[DataMonth]) -> str:
    name = f"{args.db_prefix}_source"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    span = f"{months[0]}:{months[-1]}"
    subprocess.run([BIN / "ssw-linkage", "seed", "--source", url, "--months", span, "--events", str(args.events),
                    "--bad-rate", "0.005"], check=True, capture_output=True)
    return url


def backfill_mode(args) -> dict:
    months = DataMonth.parse(args.first).until(DataMonth.parse(args.last))
    source_url = seeded_source(args, months)
    work = Path(tempfile.mkdtemp(prefix="ssw-bench-backfill-"))
    loads = [load()]
    started = time.perf_counter()
    for month in months if not args.no_cli else []:
        cli_run(str(month), source_url, work / "cli")
    cli_seconds = time.perf_counter() - started if not args.no_cli else None
    loads.append(load())
    with MailSink() as mail, Stack(SERVER, f"{args.db_prefix}_meta", source_url, work / "staging", mail) as stack:
        started = time.perf_counter()
        with CpuParts() as cpu:
            # Unpausing starts the latest month's scheduled run; the backfill then takes the others (a backfill
            # created first would hold a run at the logical date the scheduler is about to use).
            stack.unpause()
            stack.wait(lambda: stack.runs(), 30, "the scheduled run", 1)
            stack.backfill(str(months[0]), str(months[-1]), max_active_runs=len(months))

            def waiting() -> bool:
                states = [ti["state"] for ti in stack.task_instances() if ti["task_id"] == "handover"]
                return len(states) >= len(months) and all(s == "awaiting_input" for s in states)

            stack.wait(waiting, args.timeout, "every handover to wait", 2)
        to_handover = time.perf_counter() - started
        print(f"Airflow backfill: every month waiting for its handover after {to_handover:.1f} s", flush=True)
        time.sleep(SETTLE)
        answered = time.perf_counter()
        while stack.answer_handovers():
            pass
        stack.wait(lambda: all(r["state"] in ("success", "failed") for r in stack.runs()), args.timeout, "runs", 2)
        after_handover = time.perf_counter() - answered
        states = sorted(f"{r['run_type']} {r['state']}" for r in stack.runs())
        states = [f"{states.count(s)} {s}" for s in dict.fromkeys(states)]
        tasks = task_seconds(stack)
        mails = len(mail.received)
    per_month = [
        json.loads((work / "staging" / m.compact / "MANIFEST.JSON").read_text(encoding="utf-8"))["totals"]["extracted"]
        for m in months
    ]
    loads.append(load())
    shutil.rmtree(work, ignore_errors=True)
    return {
        "mode": "backfill",
        "months": f"{months[0]}..{months[-1]}",
        "month_count": len(months),
        "rows": sum(per_month),
        "rows_a_month": {"min": min(per_month), "median": statistics.median(per_month), "max": max(per_month)},
        "source": "PostgreSQL, " + (f"{args.events:,} events seeded" if not args.source else "given"),
        "seconds": {
            "cli loop": cli_seconds,
            "airflow to handover": to_handover,
            "airflow after handover": after_handover,
            "airflow": to_handover + after_handover,
        },
        "cpu_seconds_to_handover": cpu.parts,
        "run_states": states,
        "mails": mails,
        "task_seconds": tasks,
        "load": loads,
    }


def machine() -> dict:
    with psycopg.connect(f"{SERVER}/postgres") as conn:
        pg = conn.execute("SELECT version()").fetchone()[0].split(" on ")[0]
    return {"cores": os.cpu_count(), "postgresql": pg, "at": datetime.now().astimezone().isoformat(timespec="seconds")}


def markdown(result: dict) -> str:
    m = result["machine"]
    loads = " → ".join(result["load"])
    head = f"Measured {m['at']} on {m['cores']} cores, {m['postgresql']}; load averages {loads}.\n\n"
    if result["mode"] == "month":
        lines = [f"One month ({result['month']}, {result['source']}), medians of {result['repeat']} alternated runs:\n",
                 "| path | wall s | × CLI |", "|---|---:|---:|"]
        lines += [f"| {p} | {s:.2f} | {result['ratio_to_cli'][p]:.1f}× |" for p, s in result["median"].items()]
    else:
        s = result["seconds"]
        a_month = " / ".join(f"{v:,.0f}" for v in result["rows_a_month"].values())
        lines = [f"Backfill of {result['month_count']} months ({result['months']}, {result['rows']:,} rows, "
                 f"min / median / max {a_month} a month, "
                 f"{result['source']}); runs {', '.join(result['run_states'])}; {result['mails']} mails:\n",
                 "| path | wall s | × CLI loop |", "|---|---:|---:|"]
        cli = s["cli loop"]
        lines += [f"| {p} | {v:.1f} | {f'{v / cli:.2f}×' if cli else ''} |" for p, v in s.items() if v is not None]
        cpu = result["cpu_seconds_to_handover"]
        lines += ["", f"CPU from the backfill's start to the handovers (`cpu_parts.py`), {cpu['machine busy']:.0f} "
                  f"CPU-seconds busy in {s['airflow to handover']:.0f} s on {result['machine']['cores']} cores:\n",
                  "| part | CPU s | per month |", "|---|---:|---:|"]
        lines += [f"| {p} | {v:.1f} | {v / result['month_count']:.2f} |" for p, v in cpu.items()]
    lines += ["", "| task | instances | seconds (sum) | median s |", "|---|---:|---:|---:|"]
    lines += [f"| {t} | {d['n']} | {d['sum']:.1f} | {d['median']:.2f} |" for t, d in result["task_seconds"].items()]
    return head + "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="mode", required=True)
    month = sub.add_parser("month")
    month.add_argument("--month", default="2026-05")
    month.add_argument("--repeat", type=int, default=3)
    backfill = sub.add_parser("backfill")
    backfill.add_argument("--first", default="2019-06")
    backfill.add_argument("--last", default="2026-10")
    backfill.add_argument("--events", type=int, default=14_000_000,
                          help="seeded over all months (the realistic 45-70k item rows a month of the domain notes)")
    backfill.add_argument("--source", help="a PostgreSQL source already seeded for those months")
    backfill.add_argument("--timeout", type=float, default=3600)
    backfill.add_argument("--no-cli", action="store_true", help="time Airflow only, not the CLI loop")
    for parser in (month, backfill):
        parser.add_argument("--db-prefix", default="ssw_bench_airflow", help="names of the databases made here")
        parser.add_argument("--results", type=Path, default=RESULTS)
    args = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop Airflow and drop its database on the way out
    result = {**(month_mode(args) if args.mode == "month" else backfill_mode(args)), "machine": machine()}
    args.results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.results / f"airflow-{args.mode}-{stamp}.json").write_text(json.dumps(result, indent=1) + "\n")
    sections = {}
    table = args.results / "airflow.md"
    if table.is_file():
        for part in table.read_text().split("\n## ")[1:]:
            sections[part.split("\n", 1)[0]] = "## " + part.rstrip("\n") + "\n"
    sections[args.mode] = f"## {args.mode}\n\n{markdown(result)}"
    table.write_text("# Airflow against the CLI (benchmarks/bench_airflow.py)\n\n" + "\n".join(sections.values()))
    print(markdown(result))


if __name__ == "__main__":
    main()
