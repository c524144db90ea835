"""The real backfill path: Airflow's own `backfill create --dry-run` over the serialized DAG."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

AIRFLOW = str(Path(sys.executable).with_name("airflow"))


def test_backfill_of_a_utc_date_range_covers_exactly_those_data_months():
    env = dict(os.environ)
    subprocess.run([AIRFLOW, "dags", "reserialize"], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [
            AIRFLOW,
            "backfill",
            "create",
            "--dag-id",
            "ssw_monthly_provision",
            "--dry-run",
            "--from-date",
            "2026-01-01",
            "--to-date",
            "2026-03-31",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert re.findall(r"^\| (\S+ \S+) ", out, re.MULTILINE) == [
        "2026-01-01 00:00:00+09:00",
        "2026-02-01 00:00:00+09:00",
        "2026-03-01 00:00:00+09:00",
    ]
