"""The demo behind `make demo`, `make demo-month` and `make airflow`: Airflow on the demo source with a
mail sink on a free loopback port, and a short summary of what happened.

    python scripts/demo.py run --month 2026-05     # airflow dags test for one month, then the summary
    python scripts/demo.py standalone              # airflow standalone (UI, scheduler, triggerer)

The Makefile passes the demo's Airflow environment (AIRFLOW_HOME, folders, connections, variables);
this script adds the mail connection, writes it all to demo/airflow.env for later `airflow` commands,
and keeps every mail in demo/mail/ (one .eml file each).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

from ssw_linkage.local_services import MailSink
from ssw_linkage.months import JST, DataMonth

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo"
MAIL = DEMO / "mail"
DAG_ID = "ssw_monthly_provision"


@contextmanager
def demo_mail() -> Iterator[MailSink]:
    """The demo's mail server: each message saved as demo/mail/NN.eml; Airflow sends to it (and demo/airflow.env
    says so) while it runs."""
    with MailSink(keep_in=MAIL) as sink:
        os.environ["AIRFLOW_CONN_SMTP_DEFAULT"] = sink.connection()
        os.environ.setdefault("AIRFLOW_VAR_SSW_MHLW_RECIPIENTS", "mhlw-contact@localhost")
        _write_env_file()
        yield sink


def _write_env_file() -> None:
    """demo/airflow.env: `. demo/airflow.env` gives a shell the demo's Airflow (for `airflow …` commands)."""
    names = sorted(n for n in os.environ if n.startswith(("AIRFLOW_", "AIRFLOW__", "SSW_")))
    lines = [f"export {n}='{os.environ[n]}'" for n in names]
    lines.append(f"export PATH='{ROOT / '.venv' / 'bin'}':\"$PATH\"")
    head = "# . demo/airflow.env: the demo's Airflow in this shell (the mail sink runs only during make demo…)\n"
    (DEMO / "airflow.env").write_text(head + "\n".join(lines) + "\n")


def rel(path: Path) -> str:
    return os.path.relpath(path, Path.cwd())


def mails(since: int = 0) -> list:
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(MAIL.glob("*.eml"))[since:]]


def _airflow(*args: str, log: Path) -> int:
    with open(log, "w") as out:
        return subprocess.run(["airflow", *args], stdout=out, stderr=subprocess.STDOUT).returncode


def _why(message, month: DataMonth, today: str) -> str:
    subject, body = message["Subject"], message.get_body(("html", "plain")).get_content()
    if "期限超過" in subject:
        building = "; it says this run was building the package" if "作成中：この実行" in body else ""
        return f"{month}'s deadline had passed (today is {today}) and the package was not READY yet{building}"
    if "受領のご案内" in subject:
        return "the readiness notice to the MHLW contacts (ssw_mhlw_recipients): counts, image SHA-256, pick-up"
    if "受け渡しが記録されました" in subject:
        return "the handover was recorded after that alert: the all-clear"
    if "処理失敗" in subject:
        return "a task failed: the mail names it and the cause"
    if "復旧" in subject:
        return "a run succeeded after a failure had been mailed"
    return "a deadline alert (see the mail)"


def run(month: DataMonth) -> int:
    if _airflow("db", "migrate", log=DEMO / "airflow-db-migrate.log"):
        print(f"error: airflow db migrate failed; see {DEMO / 'airflow-db-migrate.log'}", file=sys.stderr)
        return 1
    log = DEMO / f"airflow-dags-test-{month}.log"
    before = len(list(MAIL.glob("*.eml"))) if MAIL.is_dir() else 0
    started = time.monotonic()
    with demo_mail() as sink:
        # no officer at the demo's desk: the handover form is marked done, not answered (see "handover" below)
        code = _airflow(
            "dags", "test", DAG_ID, f"{month}-15T12:00:00+09:00", "--mark-success-pattern", "^handover$", log=log
        )
    elapsed = time.monotonic() - started
    staging = Path(os.environ["AIRFLOW_VAR_SSW_STAGING_DIR"])
    package = staging / month.compact
    ok = code == 0 and (package / "READY").is_file()
    run_id = re.search(r"run_id=(\S+?)[,\s]", log.read_text(errors="replace"))
    print(f"\nssw-linkage demo: Airflow ran the monthly job once for data month {month} ({elapsed:.0f} s)")
    print(f"  run      {run_id[1] if run_id else '?'} {'succeeded' if ok else 'FAILED'}")
    print(f"           (airflow dags test; its log: {rel(log)})")
    if ok:
        manifest = json.loads((package / "MANIFEST.JSON").read_text(encoding="utf-8"))
        print(f"  package  {rel(package)}/  (ITEM01–08.CSV, MANIFEST.JSON, QUARANTINE.CSV, CARRIED.CSV, READY)")
        print("\n  item  extracted    written  quarantined  file")
        for row in manifest["items"]:
            counts = f"{row['extracted']:>10,} {row['written']:>10,} {row['quarantined']:>12,}"
            print(f"  {row['item']:>4} {counts}  {row['file']}")
        t = manifest["totals"]
        counts = f"{t['extracted']:>10,} {t['written']:>10,} {t['quarantined']:>12,}"
        print(f"   all {counts}  (quarantined rows: by opaque id in QUARANTINE.CSV)")
        disc = staging / "disc" / month.compact
        image = disc / f"SSW_{month.compact}.ISO"
        print(f"\n  disc     {rel(disc)}/  COVER.PDF (print it) and {image.name} (burn it disc-at-once)")
        check = subprocess.run(["ssw-linkage", "verify", str(image)], capture_output=True, text=True)
        print(f"           the receiver's check, ssw-linkage verify {rel(image)}: exit {check.returncode}")
        print("".join(f"             {line}\n" for line in check.stdout.splitlines()[-2:]), end="")
        print("\n  handover not recorded: `airflow dags test` marked the handover task done without asking. With")
        print("           `make airflow`, a run waits in Required Actions until an officer records it (README)")
    today = datetime.now(JST).date().isoformat()
    sent = mails(before)
    print(f"\n  mail     {len(sent)} sent, caught on 127.0.0.1:{sink.port}, kept in {rel(MAIL)}/")
    for n, message in enumerate(sent, start=before + 1):
        print(f"    {n:02d}.eml  to {message['To']}: {message['Subject']}")
        print(f"            why: {_why(message, month, today)}")
    missed = ["ssw-linkage", "missed", "--staging", str(staging), "--from", "2026-01", "--to", "2026-06"]
    gaps = [line.split()[0] for line in _output(missed) if line.startswith("  20")]
    if gaps:
        print(f"  missing  no package yet for {', '.join(gaps)} (the demo source holds 2026-01 to 2026-07)")
    print(NEXT.format(month=gaps[0] if gaps else "2026-04", dag=DAG_ID))
    if not ok:
        print(f"\nThe run failed; the last lines of {rel(log)}:", file=sys.stderr)
        print("\n".join(log.read_text(errors="replace").splitlines()[-30:]), file=sys.stderr)
        return 1
    return 0


NEXT = """
Try next:
  make demo-month MONTH={month}     run another month the same way (keeps what is here)
  make airflow                      the Airflow UI on this demo (http://localhost:8080, user admin)
  . demo/airflow.env                then `airflow …` commands act on this demo
                                    (e.g. airflow dags list-runs {dag})
  .venv/bin/ssw-linkage missed --staging demo/staging --from 2026-01
                                    the missing months, and the Airflow commands that backfill them: run those
                                    after `. demo/airflow.env` while `make airflow` runs (on the demo's SQLite
                                    metadata Airflow may refuse a backfill: README, "Scheduling and backfills")"""


def _output(command: list[str]) -> list[str]:
    return subprocess.run(command, capture_output=True, text=True).stdout.splitlines()


def standalone() -> int:
    with demo_mail() as sink:
        home = Path(os.environ["AIRFLOW_HOME"])
        print(f"Mail to the on-call officer is caught on 127.0.0.1:{sink.port} and saved in demo/mail/.")
        password = home / "simple_auth_manager_passwords.json.generated"
        print(f"Airflow UI: http://localhost:8080  (user admin; the password is in {rel(password)})")
        print("Stop with Ctrl-C.")
        try:
            return subprocess.run(["airflow", "standalone"]).returncode
        except KeyboardInterrupt:
            return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run").add_argument("--month", type=DataMonth.parse, required=True)
    sub.add_parser("standalone")
    args = parser.parse_args()
    DEMO.mkdir(exist_ok=True)
    return run(args.month) if args.command == "run" else standalone()


if __name__ == "__main__":
    sys.exit(main())
