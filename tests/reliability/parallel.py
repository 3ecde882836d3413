"""Run the same service call from several separate Python processes at the same instant, each
with its own connection to the test database (what several gunicorn workers do)."""

import json
import os
import subprocess
import sys
import textwrap
import time

from django.conf import settings

from tests.pdf.test_worker import database_url

PRELUDE = """
import json, sys, time
import django
django.setup()
from django.db import connection
args = json.loads(sys.argv[1])
while time.time() < args["start_at"]:
    time.sleep(0.001)
"""


def run_processes(body: str, jobs: list[dict], *, timeout: float = 120) -> list[dict]:
    """Start one process per job; each runs ``body`` with ``args`` (the job, plus ``start_at``)
    once they have all started, and prints one JSON line. Returns those lines, in job order."""
    code = PRELUDE + textwrap.dedent(body)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "patto.settings",
        "DATABASE_URL": database_url(),
        "PYTHONPATH": str(settings.BASE_DIR),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.pop("REDIS_URL", None)  # the children run any task eagerly: the queue is not under test
    start_at = time.time() + 4 + 0.4 * len(jobs)  # enough for every child to import Django
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, json.dumps({**job, "start_at": start_at})],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for job in jobs
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=timeout)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results
