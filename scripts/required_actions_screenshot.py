"""docs/required-actions.png: the Required Actions page of a month waiting for its handover, as a real
headless Chromium shows it.

    .venv/bin/python scripts/required_actions_screenshot.py   # needs selenium, chromium and chromium-driver

In a throw-away AIRFLOW_HOME (SQLite) it seeds a small demo source, runs the monthly DAG for 2026-05 with
``dag.test()`` until ``handover`` waits for an officer, serves Airflow's api-server (with its UI) on a
loopback port, opens the handover form in Chromium, saves the screenshot, then answers the form through
the REST API so that the run completes, and prints the handover record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ssw_linkage.local_services import MailSink, free_port

ROOT = Path(__file__).resolve().parents[1]
HOME = Path(tempfile.mkdtemp(prefix="ssw-screenshot-"))
OFFICER, PASSWORD = "isa-officer", "screenshot-password"
os.environ.update(
    AIRFLOW_HOME=str(HOME / "airflow"),
    AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
    AIRFLOW__CORE__PLUGINS_FOLDER=str(ROOT / "plugins"),
    AIRFLOW__CORE__LOAD_EXAMPLES="False",
    AIRFLOW__CORE__DEFAULT_TIMEZONE="Asia/Tokyo",
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=f"{OFFICER}:admin",
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(HOME / "passwords.json"),
    AIRFLOW__API_AUTH__JWT_SECRET=os.urandom(32).hex(),
    AIRFLOW_CONN_SSW_SOURCE=json.dumps({"conn_type": "sqlite", "host": str(HOME / "source.db")}),
    AIRFLOW_VAR_SSW_STAGING_DIR=str(HOME / "staging"),
    AIRFLOW_VAR_SSW_MHLW_RECIPIENTS="mhlw-contact@localhost",
    AIRFLOW_VAR_SSW_ALERT_RECIPIENTS="oncall@localhost",
)
(HOME / "passwords.json").write_text(json.dumps({OFFICER: PASSWORD}))
OUT = ROOT / "docs" / "required-actions.png"


def api_server(port: int):
    import uvicorn
    from airflow.api_fastapi.app import create_app

    server = uvicorn.Server(uvicorn.Config(create_app("core"), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.1)
    return server


def waiting_handover(api) -> dict:
    while True:
        found = api.get("/api/v2/dags/~/dagRuns/~/hitlDetails", params={"response_received": False}).json()
        if found["hitl_details"]:
            return found["hitl_details"][0]["task_instance"]
        time.sleep(1)


def screenshot(url: str, token: str) -> None:
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--window-size=1440,1100", "--lang=ja"):
        options.add_argument(argument)
    browser = webdriver.Chrome(options=options, service=webdriver.ChromeService("/usr/bin/chromedriver"))
    try:
        browser.get(url.split("/dags/")[0] + "/api/v2/version")  # the origin, to set its cookie
        browser.add_cookie({"name": "_token", "value": token, "path": "/"})
        browser.get(url)
        time.sleep(8)  # the UI loads its data and renders the form
        browser.save_screenshot(str(OUT))
    finally:
        browser.quit()


def officer(done: list[str]) -> None:
    """The officer's side, in a thread: wait for the form, photograph it, then answer it through the REST API."""
    import httpx

    from ssw_linkage.airflow_glue.handover import HANDED_OVER_OPTION

    port = free_port()
    api_server(port)
    base = f"http://127.0.0.1:{port}"
    token = httpx.post(f"{base}/auth/token", json={"username": OFFICER, "password": PASSWORD}).json()["access_token"]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as api:
        ti = waiting_handover(api)
        page = f"{base}/dags/{ti['dag_id']}/runs/{ti['dag_run_id']}/tasks/{ti['task_id']}/required_actions"
        screenshot(page, token)
        done.append(page)
        answer = {
            "received_by": "厚労 花子",
            "organisation": "厚生労働省年金局",
            "received_at": "2026-06-10T10:30:00+09:00",
            "disc_serial": "ISA-CDR-2026-05-1",
            "sha256_confirmed": True,
            "reason": "",
        }
        path = f"/api/v2/dags/{ti['dag_id']}/dagRuns/{ti['dag_run_id']}/taskInstances/handover/-1/hitlDetails"
        api.patch(path, json={"chosen_options": [HANDED_OVER_OPTION], "params_input": answer}).raise_for_status()


def main() -> int:
    from airflow.dag_processing.dagbag import DagBag
    from pendulum import parse

    from ssw_linkage import source, synthetic
    from ssw_linkage.months import DataMonth

    subprocess.run([str(Path(sys.executable).with_name("airflow")), "db", "migrate"], check=True, capture_output=True)
    synthetic.seed(source.connect(f"sqlite:///{HOME / 'source.db'}"), DataMonth(2026, 4).until(DataMonth(2026, 6)), 800)
    with MailSink() as sink:
        os.environ["AIRFLOW_CONN_SMTP_DEFAULT"] = sink.connection()
        done: list[str] = []
        threading.Thread(target=officer, args=(done,), daemon=True).start()
        dag = DagBag(dag_folder=str(ROOT / "dags")).get_dag("ssw_monthly_provision")
        run = dag.test(logical_date=parse("2026-05-15T12:00:00+09:00"))  # in the main thread: Airflow sets signals
    print(f"screenshot of {done[0]} saved as {OUT.relative_to(ROOT)}; the run: {run.state}")
    print((HOME / "staging" / ".delivery" / "202605" / "r1.handover.json").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
