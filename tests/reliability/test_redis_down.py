"""Redis down when the last zone approves (issue 8): the decision is saved, the version is
validated, the page says the PDF is pending; once Redis is back a worker renders the PDF with
no one re-doing anything — on its start (``worker_ready``) or from Celery beat's sweep.

Redis here is a private ``redis-server`` on a free port that the test really stops (broker and
cache both), so the shared one never goes down under other tests."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from patto.models import Decision, PdfStatus, PlanVersion, Validation, VersionStatus
from patto.pdf import document as pdf
from patto.programme import services as programme_services
from patto.validation import services as validation_services
from tests.pdf.builders import fill_draft, plan_programme
from tests.reliability.processes import broker, private_redis, start_beat, start_worker, stop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def redis_server(postgres, redis_url, settings):
    with private_redis() as server:
        settings.CACHES = {
            "default": {
                "BACKEND": "patto.cache.backends.ResilientRedisCache",
                "LOCATION": server.url,
                "KEY_PREFIX": "patto-fault",
            }
        }
        with broker(server.url):
            yield server


def approve_last_zone_with_redis_down(client, redis_server):
    """Every zone but the last approves with Redis up; Redis stops; the last approves through
    the real page. Returns the version and the page the spokesperson lands on."""
    plan = plan_programme()
    version = fill_draft(plan, policies=1, areas=1, actions=2)
    programme_services.submit_version(version=version, by=plan.staff)
    for zone, person in zip(plan.zones[:-1], plan.spokespersons[:-1], strict=True):
        validation_services.decide_validation(
            version=version, zone=zone, by=person, decision="approved"
        )

    client.force_login(plan.spokespersons[-1])
    redis_server.stop()
    url = reverse("portavoce:review", args=[version.pk, plan.zones[-1].number])
    response = client.post(url, {"decision": Decision.APPROVED, "step": "confirm"}, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Decisione registrata" in page
    assert "Il PDF è in coda per essere generato." in page
    assert Validation.objects.filter(version=version).count() == len(plan.zones)
    version.refresh_from_db()
    assert version.status == VersionStatus.VALIDATED
    assert version.pdf_status == PdfStatus.PENDING
    return version


def assert_one_good_pdf(version: PlanVersion) -> None:
    assert version.pdf_status == PdfStatus.READY, version.pdf_error
    assert version.pdf_fingerprint == version.fingerprint
    assert version.pdf_file.read().startswith(b"%PDF-")
    directory = Path(default_storage.path(pdf.PDF_DIRECTORY))
    assert [p.name for p in directory.iterdir()] == [Path(version.pdf_file.name).name]


def test_a_worker_started_after_redis_is_back_renders_the_pending_pdf(
    client, redis_server, tmp_path
):
    version = approve_last_zone_with_redis_down(client, redis_server)

    redis_server.start()  # empty: the render's message was never queued
    worker = start_worker(redis_server.url, tmp_path)
    try:
        version = worker.wait_for(version.pk, PdfStatus.READY, PdfStatus.FAILED)
        assert_one_good_pdf(version)
        assert "PDF renders enqueued again" in worker.log.read_text()
    finally:
        stop(worker.process)


def test_beat_resumes_a_pending_render_for_a_running_worker(client, redis_server, tmp_path):
    # beat sends the sweep every 2 s; the worker runs it, with its own setting of the grace (a
    # render pending for less is left alone): none, or the test would wait the default minute
    short = {"PDF_SWEEP_INTERVAL": "2", "PDF_SWEEP_GRACE": "0"}
    worker = start_worker(redis_server.url, tmp_path, **short)  # running before the fault: its
    try:  # start-up sweep found nothing
        version = approve_last_zone_with_redis_down(client, redis_server)
        redis_server.start()
        # the worker reconnects by itself; the render waits for beat's sweep
        beat = start_beat(redis_server.url, tmp_path, **short)
        try:
            version = worker.wait_for(version.pk, PdfStatus.READY, PdfStatus.FAILED)
        finally:
            stop(beat)
        assert_one_good_pdf(version)
        assert "patto.resume_pdf_renders" in (tmp_path / "beat.log").read_text()
    finally:
        stop(worker.process)
