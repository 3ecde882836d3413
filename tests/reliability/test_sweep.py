"""Which renders the sweep enqueues again: pending past the grace period, or claimed by a
worker that died; never a ready PDF, a render under a live claim, or a version without a PDF."""

from datetime import timedelta

import pytest
from django.utils import timezone

from patto.models import PdfStatus, VersionStatus
from patto.pdf import worker
from patto.pdf.tasks import resume_pdf_renders
from tests.factories import PlanVersionFactory

pytestmark = pytest.mark.django_db


def version(status=VersionStatus.VALIDATED, pdf_status=PdfStatus.PENDING, age=0):
    return PlanVersionFactory(
        status=status,
        pdf_status=pdf_status,
        pdf_rendered_at=timezone.now() - timedelta(seconds=age),
        fingerprint="f" * 64,
    )


def test_the_sweep_picks_lost_renders_only(settings, eager_celery, fake_pdf_renderer):
    claim = worker.pdf_claim_seconds()
    just_queued = version(age=5)
    queued_long_ago = version(age=600)
    dead_worker = version(pdf_status=PdfStatus.RENDERING, age=claim + 10)
    live_worker = version(pdf_status=PdfStatus.RENDERING, age=10)
    version(pdf_status=PdfStatus.READY, age=600)
    version(pdf_status=PdfStatus.FAILED, age=600)

    due = worker.pdf_renders_to_resume(
        queued_before=timezone.now() - timedelta(seconds=settings.PDF_SWEEP_GRACE)
    )
    assert due == [queued_long_ago.pk, dead_worker.pk]
    # on a worker's start there is no grace: everything pending goes
    assert worker.pdf_renders_to_resume() == [just_queued.pk, queued_long_ago.pk, dead_worker.pk]
    assert live_worker.pk not in worker.pdf_renders_to_resume()


@pytest.fixture
def fake_pdf_renderer(settings):
    settings.PDF_RENDERER = "tests.pdf.fakes.render_version"


def test_the_sweep_task_renders_what_it_finds(eager_celery, fake_pdf_renderer):
    lost = version(age=600)
    assert resume_pdf_renders() == [lost.pk]
    lost.refresh_from_db()
    assert lost.pdf_status == PdfStatus.READY
    assert resume_pdf_renders() == []
