"""The PDF rendered by a real Celery worker on Redis, against the PostgreSQL test database:
validating a version produces a ready, tagged PDF with the right content and page count; a
render that raises ends in ``failed`` with its message and a retry succeeds; the same content
rendered twice is one file. (Eager mode proves nothing about the queue.)

Each test starts ``celery -A patto worker --pool=solo`` with ``tests.pdf.worker_settings``
(the portal's settings, plus a renderer that fails on demand and short retry delays), on a
Redis database of its own derived from REDIS_URL."""

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.db import connection

from patto.celery import app as celery_app
from patto.models import PdfStatus, PlanVersion
from patto.pdf import document as pdf
from patto.pdf import services
from patto.pdf.tasks import render_version_pdf
from tests.pdf.builders import fill_draft, plan_programme
from tests.pdf.faults import fail_next
from tests.pdf.poppler import page_count, page_texts, run, toc_pages_match_headings
from tests.versions import validate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.postgres]

# A Redis database of these tests' own, 8 above the caller's (like the browser tests' portal),
# so a run never shares a queue with another developer's tests on the default database.
TIMEOUT = 240  # seconds; a loaded CI machine renders slowly


def own_redis_url(url: str) -> str:
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(db + 8) % 16}"))


def database_url() -> str:
    """The test database (pytest-django's ``test_<name>``), for the worker process."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _drop_broker_connections():
    """Forget the app's broker connection pools, so the next message goes to the current
    broker_url (what Celery itself does after a fork). Kombu keeps each pool in a registry
    keyed by the broker, so the pool of the other broker stays usable when it is back."""
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path
    fail_file: Path
    broker: str

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-40:])

    def wait_for(self, version_pk: int, *states: str) -> PlanVersion:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            version = PlanVersion.objects.select_related("programme").get(pk=version_pk)
            if version.pdf_status in states:
                return version
            if self.process.poll() is not None:
                pytest.fail(f"the worker stopped:\n{self.log_tail()}")
            time.sleep(0.5)
        pytest.fail(f"PDF still {version.pdf_status} after {TIMEOUT} s:\n{self.log_tail()}")

    def wait_until_idle(self) -> None:
        """Every message delivered and acknowledged (acks_late: acknowledged when done)."""
        client = redis.Redis.from_url(self.broker)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if client.llen("celery") == 0 and client.hlen("unacked") == 0:
                return
            time.sleep(0.5)
        pytest.fail(f"messages still queued after {TIMEOUT} s:\n{self.log_tail()}")


@pytest.fixture
def worker(postgres, redis_url, settings, tmp_path):
    broker = own_redis_url(redis_url)
    redis.Redis.from_url(broker).flushdb()  # no message left by an earlier run or portal
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=broker, task_always_eager=False)
    _drop_broker_connections()

    log = tmp_path / "worker.log"
    fail_file = tmp_path / "fail-next-render"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.pdf.worker_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PATTO_PDF_FAIL_FILE": str(fail_file),
        "PYTHONPATH": str(django_settings.BASE_DIR),
    }
    command = [
        *(sys.executable, "-m", "celery", "-A", "patto", "worker", "--pool=solo"),
        *("--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"),
        *("--hostname", f"pdf-test-{uuid.uuid4().hex[:8]}@%h"),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=django_settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    started = Worker(process=process, log=log, fail_file=fail_file, broker=broker)
    deadline = time.monotonic() + 90
    while " ready." not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Celery worker did not start:\n{started.log_tail()}")
        time.sleep(0.3)
    yield started

    process.terminate()  # warm shutdown: finishes the task at hand
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    celery_app.conf.update(saved)
    _drop_broker_connections()


def pdf_directory_files() -> list[str]:
    directory = Path(default_storage.path(pdf.PDF_DIRECTORY))
    return sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []


def test_validating_a_version_renders_its_pdf_in_the_worker(worker):
    plan = plan_programme()
    version = fill_draft(plan, policies=3, areas=2, actions=2)
    validate(version, by=plan.staff)  # each service commits; the last approval enqueues the render
    version = worker.wait_for(version.pk, PdfStatus.READY, PdfStatus.FAILED)
    assert version.pdf_status == PdfStatus.READY, version.pdf_error
    assert version.pdf_fingerprint == version.fingerprint
    assert version.pdf_file.name == pdf.pdf_name(version)

    content = version.pdf_file.read()
    info = run("pdfinfo", data=content)
    assert "Tagged:          yes" in info
    pages = page_texts(content)
    text = " ".join(pages)
    for policy in plan.policies:
        assert policy.title in text
    record = next(p for p in pages if "La decisione di ogni zona" in p)
    for zone in plan.zones:
        assert str(zone) in record
    # the page count is the content's: every footer counts the same pages, and the table of
    # contents points at the pages where the headings land
    for number, page in enumerate(pages, start=1):
        assert f"pagina {number} di {len(pages)}" in page
    toc_pages_match_headings(pages, [p.title for p in plan.policies])
    # more content, more pages
    bigger = fill_draft(plan_programme(slug="grande", title="Piano grande"), policies=5, number=1)
    assert page_count(pdf.render_version(bigger).content) > len(pages)


def test_a_failed_render_is_recorded_then_a_retry_succeeds(worker):
    plan = plan_programme()
    version = fill_draft(plan, policies=1, areas=1, actions=2)
    # both attempts (the first and its automatic retry) fail
    fail_next(worker.fail_file, times=2, message="Guasto simulato dal test")
    validate(version, by=plan.staff)
    version = worker.wait_for(version.pk, PdfStatus.FAILED, PdfStatus.READY)
    assert version.pdf_status == PdfStatus.FAILED
    assert version.pdf_error == "RuntimeError: Guasto simulato dal test"
    assert not version.pdf_file
    assert pdf_directory_files() == []  # nothing half-written

    services.retry_pdf_render(version=version, by=plan.staff)
    version = worker.wait_for(version.pk, PdfStatus.READY, PdfStatus.FAILED)
    assert version.pdf_status == PdfStatus.READY, version.pdf_error
    assert version.pdf_error == ""
    assert version.pdf_file.read().startswith(b"%PDF-")


def test_an_automatic_retry_recovers_from_a_passing_failure(worker):
    plan = plan_programme()
    version = fill_draft(plan, policies=1, areas=1, actions=1)
    fail_next(worker.fail_file, times=1, message="Un intoppo passeggero")
    validate(version, by=plan.staff)
    version = worker.wait_for(version.pk, PdfStatus.READY, PdfStatus.FAILED)
    assert version.pdf_status == PdfStatus.READY, version.pdf_error
    assert not worker.fail_file.exists()  # the first attempt did fail
    assert "Un intoppo passeggero" in worker.log.read_text()


def test_the_same_content_rendered_twice_is_one_file(worker):
    plan = plan_programme()
    version = fill_draft(plan, policies=1, areas=1, actions=1)
    validate(version, by=plan.staff)
    version = worker.wait_for(version.pk, PdfStatus.READY, PdfStatus.FAILED)
    assert version.pdf_status == PdfStatus.READY, version.pdf_error
    first_name, first_at = version.pdf_file.name, version.pdf_rendered_at

    # asking again for the same content renders nothing
    services.request_pdf_render(version=version, by=plan.staff)
    render_version_pdf.delay(version.pk)
    worker.wait_until_idle()
    version.refresh_from_db()
    assert (version.pdf_file.name, version.pdf_rendered_at) == (first_name, first_at)

    # rendered again (two messages at once: one renders, the other finds nothing to do)
    PlanVersion.objects.filter(pk=version.pk).update(pdf_status=PdfStatus.PENDING)
    render_version_pdf.delay(version.pk)
    render_version_pdf.delay(version.pk)
    worker.wait_until_idle()
    version = worker.wait_for(version.pk, PdfStatus.READY, PdfStatus.FAILED)
    assert version.pdf_rendered_at > first_at
    assert version.pdf_file.name == first_name
    assert pdf_directory_files() == [Path(first_name).name]
    assert worker.log.read_text().count("nothing to render") >= 2
