"""A version's PDF rendered as production renders it: by a real Celery worker on the bench's
Redis, which the portal asks through its own service (``request_pdf_render``, as when a
version is validated). The figures: the time from the request to the file being ready, and
what the task's process logs when the PDF is stored (``patto.pdf.worker``): its pages, its CPU
time and the process's peak resident memory, which is what decides whether a worker is killed
on a large plan (issue 22).

Used by ``bench/run.py``; alone: ``python bench/worker_pdf.py <programme> <number>`` with the
bench's environment, printing the figures as JSON.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# the line patto.pdf.worker logs once the PDF is stored
LOGGED = re.compile(
    r"PDF of version \d+: (?P<pages>\d+) pages in [\d.]+ s \((?P<cpu>[\d.]+) s of CPU\), "
    r"peak memory of this process (?P<peak>\d+) MB"
)

REQUEST = """
from patto.models import PdfStatus, PlanVersion
from patto.pdf.services import request_pdf_render
version = PlanVersion.objects.get(programme__slug={slug!r}, number={number})
# a PDF already there is rendered again: the bench measures the rendering
PlanVersion.objects.filter(pk=version.pk).update(
    pdf_status=PdfStatus.NONE, pdf_file="", pdf_fingerprint=""
)
import time
asked = time.time()
request_pdf_render(version=PlanVersion.objects.get(pk=version.pk))
print(version.pk, asked)
"""


def render_in_worker(env: dict, slug: str, number: int, *, timeout: float = 900) -> dict:
    """Start a worker (one task process), ask for the PDF of ``slug`` version ``number``, wait
    until it is ready or failed, stop the worker and read the figures its task logged."""
    database = env["DATABASE_URL"]
    # the worker renders only this PDF: no message left in the broker (the bench's writes may
    # have validated a version), no render its start-up sweep would queue again
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute(
            "UPDATE patto_planversion SET pdf_status = 'none' "
            "WHERE pdf_status IN ('pending', 'rendering')"
        )
    with tempfile.TemporaryFile("w+") as log:
        worker = subprocess.Popen(
            [BIN / "celery", "-A", "patto", "worker", "--concurrency=1", "--loglevel=info"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            started = time.monotonic()
            while " ready." not in Path(f"/proc/self/fd/{log.fileno()}").read_text():
                if worker.poll() is not None or time.monotonic() - started > 120:
                    raise RuntimeError("the Celery worker did not start")
                time.sleep(0.2)
            version_pk, requested = subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "shell",
                    "-c",
                    REQUEST.format(slug=slug, number=number),
                ],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()[-2:]
            version_pk, requested = int(version_pk), float(requested)
            status, name = None, ""
            with psycopg.connect(database, autocommit=True) as connection:
                while time.time() - requested < timeout:
                    status, name = connection.execute(
                        "SELECT pdf_status, pdf_file FROM patto_planversion WHERE id = %s",
                        (version_pk,),
                    ).fetchone()
                    if status in ("ready", "failed"):
                        break
                    time.sleep(0.1)
            seconds = time.time() - requested
            # the task logs its figures right after marking the PDF ready
            logged_by = time.monotonic() + 30
            while status == "ready" and time.monotonic() < logged_by:
                if LOGGED.search(Path(f"/proc/self/fd/{log.fileno()}").read_text()):
                    break
                time.sleep(0.1)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        log.seek(0)
        output = log.read()
    logged = LOGGED.search(output)
    return {
        "ok": status == "ready" and logged is not None,
        "file": str(Path(env["MEDIA_ROOT"]) / name) if name else None,
        "pages": int(logged["pages"]) if logged else None,
        "seconds": round(seconds, 2),
        "cpu_seconds": float(logged["cpu"]) if logged else None,
        "peak_rss_mb": int(logged["peak"]) if logged else None,
        "output": output.strip()[-500:],
    }


if __name__ == "__main__":
    print(json.dumps(render_in_worker(dict(os.environ), sys.argv[1], int(sys.argv[2])), indent=2))
