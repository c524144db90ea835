"""Cluster policy and worker name for the Celery topology test only (copied into each component's
``$AIRFLOW_HOME/config/``; a deployment has no such file).

- Retries after 5 s instead of the DAG's 5 min, and deadline sensors poll READY every 3 s instead of
  10 min, so that the killed worker's tasks and the deferred sensors finish within the test.
- ``SSW_WORKER_NAME`` is the hostname a worker's tasks report (both workers share this machine's name).
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta


def task_policy(task) -> None:
    task.retry_delay = timedelta(seconds=5)
    if task.task_type == "DeadlineSensor":
        task.poll_interval = timedelta(seconds=3)


def worker_hostname() -> str:
    return os.environ.get("SSW_WORKER_NAME") or socket.getfqdn()
