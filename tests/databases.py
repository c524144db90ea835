"""Where the tests find the machine's PostgreSQL."""

import os

PG_URL = os.environ.get("SSW_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
