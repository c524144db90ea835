"""The provision status page on a real API server: refused without a valid Airflow login, rendered in a
real headless browser (Debian's chromium through chromedriver) with the demo's months in the right
states (the handover states from the delivery records the handover writes, never the receiver's name),
and its backfill button going through Airflow's backfill API (a paused DAG is reported).

The screenshot is saved in the test's tmp dir (and to ``$SSW_STATUS_SCREENSHOT`` if set: docs/status-page.png).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from processes import Component, wait_for
from sqlalchemy import text

from ssw_linkage import source as source_db
from ssw_linkage.delivery import HANDOVER, REJECTED, Delivery
from ssw_linkage.local_services import free_port
from ssw_linkage.months import DataMonth

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DAG_ID = "ssw_monthly_provision"
CHROMEDRIVER = shutil.which("chromedriver")
RECEIVER = "厚労 花子"  # MHLW's receiver, in the handover records only: the page never shows it

pytestmark = pytest.mark.skipif(
    CHROMEDRIVER is None or shutil.which("chromium") is None,
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)


def run(*argv: str, env: dict) -> None:
    subprocess.run(argv, env=env, check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """An API server (SQLite metadata) on a demo staging: January handed over, February revised (r2 handed
    over), a failed run for March, a queued one for April, May ready, June notified, July rejected, an
    alert mailed for March, the rest missing."""
    root = tmp_path_factory.mktemp("status-page")
    staging, source = root / "staging", f"sqlite:///{root / 'source.db'}"
    port, password = free_port(), secrets.token_urlsafe(12)
    (root / "passwords.json").write_text(json.dumps({"admin": password}))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "SSW_"))}
    env.update(
        AIRFLOW_HOME=str(root),
        AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
        AIRFLOW__CORE__PLUGINS_FOLDER=str(ROOT / "plugins"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="True",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(root / "passwords.json"),
        AIRFLOW__API_AUTH__JWT_SECRET=secrets.token_hex(32),
        AIRFLOW_VAR_SSW_STAGING_DIR=str(staging),
        AIRFLOW_VAR_SSW_FIRST_MONTH="2026-01",
    )
    ssw = str(BIN / "ssw-linkage")
    run(ssw, "seed", "--source", source, "--months", "2026-01:2026-07", "--events", "4000", "--bad-rate", "0.01",
        env=env)
    for month in ("2026-01", "2026-02", "2026-05", "2026-06", "2026-07"):
        run(ssw, "run", "--month", month, "--source", source, "--staging", str(staging), env=env)
    for month in ("2026-01", "2026-02", "2026-06", "2026-07"):
        notify(staging, month, 1)
    for month, revision, kind in (("2026-01", 1, HANDOVER), ("2026-02", 1, HANDOVER), ("2026-07", 1, REJECTED)):
        record(staging, month, revision, kind)
    with source_db.connect(source).begin() as conn:  # a correction after February's notice: its rerun is r2
        conn.execute(text("UPDATE employers SET representative = representative || ' 様' WHERE employer_id % 3 = 0"))
    run(ssw, "run", "--month", "2026-02", "--source", source, "--staging", str(staging), env=env)
    notify(staging, "2026-02", 2)
    record(staging, "2026-02", 2, HANDOVER)
    (staging / ".alerts").mkdir(mode=0o700, exist_ok=True)
    (staging / ".alerts" / "202603-late").touch()
    run(str(BIN / "airflow"), "db", "migrate", env=env)
    run(str(BIN / "airflow"), "dags", "reserialize", env=env)
    api = Component("api-server", [str(BIN / "airflow"), "api-server", "-H", "127.0.0.1", "-p", str(port)], env, root)
    api.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for("the API server", lambda: _up(f"{base}/api/v2/version"), 120)
        token = httpx.post(f"{base}/auth/token", json={"username": "admin", "password": password}).json()
        client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token['access_token']}"})
        for day, state in (("2026-03-15", "failed"), ("2026-04-15", None)):
            created = client.post(f"/api/v2/dags/{DAG_ID}/dagRuns", json={"logical_date": f"{day}T03:00:00Z"})
            assert created.status_code == 200, created.text
            if state:
                run_id = created.json()["dag_run_id"]
                assert client.patch(f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}", json={"state": state}).is_success
        yield base, token["access_token"], client, staging
    finally:
        api.stop()


def notify(staging: Path, month: str, revision: int) -> None:
    """The readiness notice's claim, as notify_mhlw takes it before mailing."""
    assert Delivery(staging, DataMonth.parse(month)).claim_notice(revision, "ab" * 32)


def record(staging: Path, month: str, revision: int, kind: str) -> None:
    """A handover or a refusal, recorded as the handover task records the officer's answer."""
    answer = {"data_month": month, "revision": revision, "outcome": kind, "received_by": RECEIVER,
              "organisation": "厚生労働省年金局", "disc_serial": f"ISA-CDR-{month}-{revision}",
              "reason": "媒体が読み取れない" if kind == REJECTED else ""}
    Delivery(staging, DataMonth.parse(month)).record(kind, revision, answer)


def _up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.parametrize("path", ["/ssw-status/", "/ssw-status/cover/202601"])
def test_without_a_valid_airflow_login_the_page_is_refused(server, path):
    base, token, *_ = server
    assert httpx.get(base + path).status_code == 401
    assert httpx.get(base + path, headers={"Authorization": "Bearer not-a-token"}).status_code == 403
    assert httpx.get(base + path, cookies={"_token": token[:-4] + "AAAA"}).status_code == 403
    assert httpx.get(base + path, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_the_page_in_a_headless_browser_shows_each_month_state_and_reports_a_paused_dag(server, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, token, client, staging = server
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,900"):
        options.add_argument(argument)
    browser = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        browser.get(f"{base}/api/v2/version")
        browser.add_cookie({"name": "_token", "value": token, "path": "/"})  # the UI's session cookie
        browser.get(f"{base}/ssw-status/")
        rows = {r.get_attribute("data-month"): r for r in browser.find_elements(By.CSS_SELECTOR, "tr[data-month]")}
        states = {month: r.get_attribute("data-state") for month, r in rows.items()}
        assert [states[f"2026-0{n}"] for n in range(1, 8)] == [
            "handed over", "revised", "failed", "running", "ready", "notified", "rejected"
        ]
        assert {states[m] for m in rows if m > "2026-07"} == {"missing"}
        colours = {month: r.get_attribute("class") for month, r in rows.items() if month <= "2026-07"}
        assert {month for month, colour in colours.items() if colour != "red"} == {"2026-01", "2026-02"}
        assert "第2版" in rows["2026-02"].text and "第" not in rows["2026-01"].find_element(By.CLASS_NAME, "state").text
        assert "受領拒否" in rows["2026-07"].text and RECEIVER not in browser.page_source
        revised = client.get(rows["2026-02"].find_element(By.LINK_TEXT, "cover").get_attribute("href"))
        assert revised.content == (staging / "disc" / "202602-r2" / "COVER.PDF").read_bytes()  # r2's cover sheet
        assert "late" in rows["2026-03"].text and "2026-02-26（木）" in rows["2026-01"].text
        assert rows["2026-01"].find_element(By.LINK_TEXT, "cover").get_attribute("href").endswith("/202601")
        shot = tmp_path / "status-page.png"
        browser.save_screenshot(str(shot))
        if os.environ.get("SSW_STATUS_SCREENSHOT"):
            shutil.copy(shot, os.environ["SSW_STATUS_SCREENSHOT"])

        button = browser.find_element(By.ID, "backfill")
        assert button.get_attribute("data-from").startswith("2026-03")
        button.click()
        answer = WebDriverWait(browser, 20).until(lambda b: b.find_element(By.ID, "answer").text)
        assert "paused" in answer
        assert client.get("/api/v2/backfills", params={"dag_id": DAG_ID}).json()["total_entries"] == 0

        assert client.patch(f"/api/v2/dags/{DAG_ID}", json={"is_paused": False}).is_success
        browser.refresh()
        browser.find_element(By.ID, "backfill").click()
        answer = WebDriverWait(browser, 20).until(lambda b: b.find_element(By.ID, "answer").text)
        assert answer.startswith("Airflow: 200"), answer
    finally:
        browser.quit()
    backfills = client.get("/api/v2/backfills", params={"dag_id": DAG_ID}).json()["backfills"]
    assert len(backfills) == 1 and backfills[0]["from_date"].startswith("2026-02-28T15:00")
    unmade = [month for month, state in states.items() if state in ("missing", "failed")]
    assert backfills[0]["max_active_runs"] == len(unmade) > 1  # every month at once, not one per handover
