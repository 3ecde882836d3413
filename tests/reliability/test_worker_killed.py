"""A Celery worker killed with SIGKILL in the middle of a render (issue 8): its message, taken
but never acknowledged (acks_late), goes back to the queue after the visibility timeout; the
next worker runs it, takes over the render whose claim has expired, and exactly one good PDF
results.

The timings are shortened for the test through the environment of the workers: visibility
timeout 25 s (3600 in production), task time limit 20 s and claim margin 1 s (a claim expires
21 s after it was taken; 360 s in production)."""

import os
import signal
from pathlib import Path

import pytest
import redis
from django.core.files.storage import default_storage

from patto.models import PdfStatus, PlanVersion
from patto.pdf import document as pdf
from tests.pdf.builders import fill_draft, plan_programme
from tests.pdf.faults import hang_next
from tests.reliability.processes import broker, private_redis, start_worker, stop, wait_until
from tests.versions import validate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.postgres]

SHORT_TIMINGS = {
    "CELERY_VISIBILITY_TIMEOUT": "25",
    "CELERY_TASK_TIME_LIMIT": "20",
    "CELERY_TASK_SOFT_TIME_LIMIT": "15",
    "PDF_CLAIM_MARGIN": "1",
}


def test_a_render_killed_midway_runs_again_and_gives_one_good_pdf(postgres, redis_url, tmp_path):
    hang_file = tmp_path / "hang-next-render"
    env = {**SHORT_TIMINGS, "PATTO_PDF_HANG_FILE": str(hang_file)}
    with private_redis() as server, broker(server.url):
        queue = redis.Redis.from_url(server.url)
        hang_next(hang_file, seconds=300)
        doomed = start_worker(server.url, tmp_path, name="doomed", **env)
        try:
            plan = plan_programme()
            version = fill_draft(plan, policies=1, areas=1, actions=2)
            validate(version, by=plan.staff)  # the last approval enqueues the render
            wait_until(
                Path(f"{hang_file}.started").exists,
                timeout=120,
                message=f"the render did not start:\n{doomed.log_tail()}",
            )
            assert PlanVersion.objects.get(pk=version.pk).pdf_status == PdfStatus.RENDERING
            os.kill(doomed.process.pid, signal.SIGKILL)
            doomed.process.wait(timeout=10)
        finally:
            stop(doomed.process, sig=signal.SIGKILL)
        # the message is neither lost nor acknowledged: it waits for its visibility timeout
        assert queue.hlen("unacked") == 1
        assert PlanVersion.objects.get(pk=version.pk).pdf_status == PdfStatus.RENDERING

        heir = start_worker(server.url, tmp_path, name="heir", **env)
        try:
            version = heir.wait_for(version.pk, PdfStatus.READY, PdfStatus.FAILED)
            heir.wait_until_idle()
        finally:
            stop(heir.process)

    assert version.pdf_status == PdfStatus.READY, version.pdf_error
    assert version.pdf_fingerprint == version.fingerprint
    content = version.pdf_file.read()
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    directory = Path(default_storage.path(pdf.PDF_DIRECTORY))
    assert [p.name for p in directory.iterdir()] == [Path(version.pdf_file.name).name]
    log = heir.log.read_text()
    assert "patto.render_version_pdf" in log and "received" in log
    rendered = [line for line in log.splitlines() if "PDF of version" in line and "pages" in line]
    assert len(rendered) == 1, log  # rendered exactly once
