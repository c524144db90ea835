"""The ISA officer's side of the handover in DAG tests: a real api-server (uvicorn, in a thread, on the
test's metadata database) and a desk that answers each waiting ``handover`` through its public REST API
(``POST /auth/token``, ``GET …/hitlDetails``, ``PATCH …/taskInstances/handover/-1/hitlDetails``), exactly
as a script or the Required Actions page would. ``dag.test()`` keeps the run alive while the task is in
``awaiting_input`` and resumes it once the API has recorded the answer. The Celery topology test's desk
answers through its real ``airflow api-server`` (anything with ``client()``, a signed-in httpx client)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OFFICER, PASSWORD = "isa-officer", "officer-test-password"
MHLW = "pension-contact@mhlw.example"  # the readiness notice's recipient in the tests
HANDED_OVER = {
    "received_by": "厚労 花子",
    "organisation": "厚生労働省年金局",
    "received_at": "2026-06-10T10:30:00+09:00",
    "disc_serial": "ISA-CDR-0001",
    "sha256_confirmed": True,
    "reason": "",
}


class ApiServer:
    """``airflow api-server``'s app, served by uvicorn in a daemon thread on a free loopback port."""

    def __init__(self) -> None:
        import uvicorn
        from airflow.api_fastapi.app import create_app

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(create_app("core"), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}"

    def client(self):
        """An HTTP client holding the officer's JWT."""
        import httpx

        token = httpx.post(f"{self.url}/auth/token", json={"username": OFFICER, "password": PASSWORD})
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        return httpx.Client(base_url=self.url, timeout=30, headers=headers)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@dataclass
class Answer:
    option: str
    form: dict[str, Any]


@dataclass
class HandoverDesk:
    """Answers waiting handover forms in turn: ``answers`` first, then ``default`` (None: leave them waiting);
    only the forms of runs ``ready`` says yes to, when given (it is passed the run id)."""

    server: ApiServer  # or anything whose client() is a signed-in httpx.Client (tests/celery/topology.py)
    answers: list[Answer] = field(default_factory=list)
    default: Answer | None = None
    ready: Callable[[str], bool] | None = None
    seen: list[dict[str, Any]] = field(default_factory=list)  # each request as found, with its task's state

    def __post_init__(self) -> None:
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        import httpx

        with self.server.client() as api:
            while not self.stopping.wait(0.5):
                try:
                    self._answer_waiting(api)
                except httpx.TransportError:  # a server too busy to answer in time: ask again next round
                    continue

    def _answer_waiting(self, api) -> None:
        waiting = api.get("/api/v2/dags/~/dagRuns/~/hitlDetails", params={"response_received": False})
        for detail in waiting.json()["hitl_details"]:
            ti = detail["task_instance"]
            # an answer recorded before the task is parked does not resume it (Airflow 3.3.2): wait
            if ti["state"] != "awaiting_input" or (self.ready and not self.ready(ti["dag_run_id"])):
                continue
            answer = self.answers.pop(0) if self.answers else self.default
            if answer is None:
                continue
            self.seen.append({"run_id": ti["dag_run_id"], "state": ti["state"], "subject": detail["subject"]})
            path = f"/api/v2/dags/{ti['dag_id']}/dagRuns/{ti['dag_run_id']}/taskInstances/{ti['task_id']}"
            response = api.patch(
                f"{path}/{ti['map_index']}/hitlDetails",
                json={"chosen_options": [answer.option], "params_input": answer.form},
            )
            self.seen[-1]["response"] = response.status_code

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)
