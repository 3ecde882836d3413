"""The PDF's lifecycle through the services, in this process (tasks run eagerly, the renderer
is a stand-in): queued after the validation commits, pending → rendering → ready / failed,
idempotent, never a half or broken file behind the download link. The same with a real
worker on Redis: test_worker."""

import datetime
import os
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from patto.core.exceptions import TransitionError
from patto.models import PdfStatus, PlanVersion, VersionStatus
from patto.pdf import document as pdf
from patto.pdf import services as pdf_services
from patto.pdf import worker as pdf_worker
from patto.pdf.document import RenderedPdf
from patto.programme import services as programme_services
from tests.factories import UserFactory
from tests.pdf import fakes
from tests.pdf.builders import fill_draft, plan_programme
from tests.pdf.fakes import fake_pdf
from tests.versions import validate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_renderer")]


@pytest.fixture
def plan():
    return plan_programme()


@pytest.fixture
def validated(plan, django_capture_on_commit_callbacks):
    """A validated version whose render has been queued but not run."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = validate(fill_draft(plan, policies=1, areas=1, actions=1), by=plan.staff)
    assert len(pdf_renders(callbacks)) == 1
    return version


def pdf_renders(callbacks):
    """The on-commit callbacks that enqueue a PDF render (other services queue e-mails)."""
    return [c for c in callbacks if "queue_pdf_render" in c.__qualname__]


def pdf_files():
    directory = default_storage.path(pdf.PDF_DIRECTORY)
    return sorted(os.listdir(directory)) if os.path.isdir(directory) else []


def test_the_last_approval_queues_the_render_after_commit(plan, django_capture_on_commit_callbacks):
    version = fill_draft(plan, policies=1, areas=1, actions=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        validate(version, by=plan.staff)
    assert len(pdf_renders(callbacks)) == 1
    version.refresh_from_db()
    assert version.status == VersionStatus.VALIDATED
    assert version.pdf_status == PdfStatus.READY
    assert version.pdf_fingerprint == version.fingerprint
    assert version.pdf_file.name == pdf.pdf_name(version)
    assert version.pdf_file.read() == fake_pdf(version)
    assert version.pdf_error == ""


def test_a_validation_that_rolls_back_queues_nothing(plan, django_capture_on_commit_callbacks):
    version = fill_draft(plan, policies=1, areas=1, actions=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                validate(version, by=plan.staff)
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert pdf_renders(callbacks) == []
    assert PlanVersion.objects.get(pk=version.pk).pdf_status == PdfStatus.NONE


def test_until_a_worker_takes_it_the_version_is_pending(validated):
    assert validated.pdf_status == PdfStatus.PENDING
    assert not validated.pdf_file


def test_same_content_is_rendered_once(validated, plan, django_capture_on_commit_callbacks):
    pdf_worker.run_pdf_render(version_pk=validated.pk)
    validated.refresh_from_db()
    first = (validated.pdf_file.name, validated.pdf_rendered_at)
    # asking again: nothing is queued, nothing is rendered
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pdf_services.request_pdf_render(version=validated, by=plan.staff)
    assert pdf_renders(callbacks) == []
    assert pdf_worker.run_pdf_render(version_pk=validated.pk) is None
    validated.refresh_from_db()
    assert (validated.pdf_file.name, validated.pdf_rendered_at) == first
    assert pdf_files() == [first[0].removeprefix("pdf/")]


def test_rendering_the_same_content_again_replaces_the_file_in_place(validated):
    pdf_worker.run_pdf_render(version_pk=validated.pk)
    assert pdf_services.render_pdf_now(version=validated, force=True) is not None
    validated.refresh_from_db()
    assert validated.pdf_status == PdfStatus.READY
    assert pdf_files() == [pdf.pdf_name(validated).removeprefix("pdf/")]


def test_the_worker_logs_each_render_with_its_time_and_the_process_peak_memory(validated, caplog):
    """What an operator reads in the worker's log to see a large plan coming near the memory
    at which the process would be killed (and which ``bench/worker_pdf.py`` reads)."""
    with caplog.at_level("INFO", logger="patto.pdf.worker"):
        rendered = pdf_worker.run_pdf_render(version_pk=validated.pk)
    (line,) = [r.getMessage() for r in caplog.records if "peak memory" in r.getMessage()]
    assert re.fullmatch(
        rf"PDF of version {validated.pk}: {rendered.pages} pages in [\d.]+ s "
        r"\([\d.]+ s of CPU\), peak memory of this process \d+ MB",
        line,
    )


def test_a_failed_render_is_recorded_with_its_message(validated, settings):
    settings.PDF_RENDERER = "tests.pdf.fakes.render_broken"
    with pytest.raises(RuntimeError):
        pdf_worker.run_pdf_render(version_pk=validated.pk, final_attempt=True)
    validated.refresh_from_db()
    assert validated.pdf_status == PdfStatus.FAILED
    assert validated.pdf_error == "RuntimeError: Pango ha esaurito la memoria"
    assert not validated.pdf_file
    assert pdf_files() == []


def test_a_failure_with_retries_left_goes_back_to_pending(validated, settings):
    settings.PDF_RENDERER = "tests.pdf.fakes.render_broken"
    with pytest.raises(RuntimeError):
        pdf_worker.run_pdf_render(version_pk=validated.pk, final_attempt=False)
    validated.refresh_from_db()
    assert validated.pdf_status == PdfStatus.PENDING
    assert "verrà ripetuto" in validated.pdf_error
    assert "Pango ha esaurito la memoria" in validated.pdf_error


def test_run_eagerly_the_task_records_the_first_failure(validated, settings):
    """Without a broker nobody would retry later: the first failure is final. (The automatic
    retries with a real worker: test_worker.)"""
    from patto.pdf.tasks import FinalAttemptFailed, render_version_pdf

    fakes.broken_calls.clear()
    settings.PDF_RENDERER = "tests.pdf.fakes.render_broken"
    with pytest.raises(FinalAttemptFailed, match="Pango"):
        render_version_pdf.delay(validated.pk)
    assert fakes.broken_calls == [validated.pk]
    validated.refresh_from_db()
    assert validated.pdf_status == PdfStatus.FAILED
    assert validated.pdf_error == "RuntimeError: Pango ha esaurito la memoria"


def test_staff_retry_after_a_failure_succeeds(validated, plan, settings):
    settings.PDF_RENDERER = "tests.pdf.fakes.render_broken"
    with pytest.raises(RuntimeError):
        pdf_worker.run_pdf_render(version_pk=validated.pk)
    settings.PDF_RENDERER = "tests.pdf.fakes.render_version"
    version = pdf_services.retry_pdf_render(version=validated, by=plan.staff)
    assert version.pdf_status == PdfStatus.PENDING
    assert version.pdf_error == ""
    pdf_worker.run_pdf_render(version_pk=validated.pk)
    validated.refresh_from_db()
    assert validated.pdf_status == PdfStatus.READY


def test_a_failed_forced_render_keeps_the_good_pdf(validated, settings):
    pdf_worker.run_pdf_render(version_pk=validated.pk)
    validated.refresh_from_db()
    good = validated.pdf_file.read()
    settings.PDF_RENDERER = "tests.pdf.fakes.render_broken"
    with pytest.raises(RuntimeError):
        pdf_services.render_pdf_now(version=validated, force=True)
    validated.refresh_from_db()
    assert validated.pdf_status == PdfStatus.READY
    assert validated.pdf_file.read() == good


def test_a_broken_pdf_is_never_stored(validated):
    pdf_worker.run_pdf_render(version_pk=validated.pk)
    validated.refresh_from_db()
    good = validated.pdf_file.read()
    with pytest.raises(pdf.PdfRenderError):
        pdf.store_pdf(validated, b"%PDF-1.7\nhalf a docu")
    assert default_storage.open(validated.pdf_file.name).read() == good
    assert pdf_files() == [validated.pdf_file.name.removeprefix("pdf/")]


def test_a_render_under_way_is_not_started_twice(validated):
    PlanVersion.objects.filter(pk=validated.pk).update(
        pdf_status=PdfStatus.RENDERING, pdf_rendered_at=timezone.now()
    )
    assert pdf_worker.run_pdf_render(version_pk=validated.pk) is None
    assert PlanVersion.objects.get(pk=validated.pk).pdf_status == PdfStatus.RENDERING


def test_a_message_finding_a_render_under_way_looks_again_when_its_claim_expires(
    validated, monkeypatch
):
    """A message handed back after its worker died finds the render still claimed: it comes
    back once the claim has expired, and then takes the render over."""
    from patto.pdf.tasks import render_version_pdf

    PlanVersion.objects.filter(pk=validated.pk).update(
        pdf_status=PdfStatus.RENDERING, pdf_rendered_at=timezone.now()
    )
    later = []
    monkeypatch.setattr(
        render_version_pdf, "apply_async", lambda args, countdown: later.append((args, countdown))
    )
    assert "later" in render_version_pdf(validated.pk)  # called as a worker would, not eagerly
    assert later == [((validated.pk,), pdf_worker.pdf_claim_seconds())]


def test_a_render_whose_worker_died_is_taken_over(validated, settings):
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 61)
    PlanVersion.objects.filter(pk=validated.pk).update(
        pdf_status=PdfStatus.RENDERING, pdf_rendered_at=long_ago
    )
    assert pdf_worker.run_pdf_render(version_pk=validated.pk) is not None
    assert PlanVersion.objects.get(pk=validated.pk).pdf_status == PdfStatus.READY


def test_a_stuck_render_can_be_retried_by_staff(validated, plan, settings):
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 61)
    PlanVersion.objects.filter(pk=validated.pk).update(pdf_rendered_at=long_ago)
    validated.refresh_from_db()
    assert pdf_worker.pdf_render_is_stuck(validated)
    pdf_services.retry_pdf_render(version=validated, by=plan.staff)


def test_only_a_failed_render_can_be_retried(validated, plan):
    with pytest.raises(TransitionError, match="non è in errore"):
        pdf_services.retry_pdf_render(version=validated, by=plan.staff)


def test_a_version_in_validation_has_no_pdf(plan):
    version = fill_draft(plan, policies=1, areas=1, actions=1)
    programme_services.submit_version(version=version, by=plan.staff)
    with pytest.raises(TransitionError, match="in validazione"):
        pdf_services.request_pdf_render(version=version, by=plan.staff)
    PlanVersion.objects.filter(pk=version.pk).update(pdf_status=PdfStatus.PENDING)
    assert pdf_worker.run_pdf_render(version_pk=version.pk) is None


def test_only_staff_ask_for_a_pdf(validated, plan):
    for user in [UserFactory(), plan.spokespersons[0]]:
        with pytest.raises(PermissionDenied):
            pdf_services.request_pdf_render(version=validated, by=user)
        with pytest.raises(PermissionDenied):
            pdf_services.retry_pdf_render(version=validated, by=user)


def test_publishing_renders_the_pdf_again_and_keeps_the_file_until_then(
    validated, plan, django_capture_on_commit_callbacks
):
    """The cover says the status: published, the PDF is queued again after commit; its file
    stays the one offered until the new one is stored. The same for the archived version."""
    pdf_worker.run_pdf_render(version_pk=validated.pk)
    validated.refresh_from_db()
    assert validated.pdf_cover_status == VersionStatus.VALIDATED
    stored = validated.pdf_file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        programme_services.publish_version(version=validated, by=plan.staff)
    assert len(pdf_renders(callbacks)) == 1
    validated.refresh_from_db()
    assert validated.status == VersionStatus.PUBLISHED
    assert validated.pdf_status == PdfStatus.PENDING
    assert validated.pdf_file.name == stored and validated.pdf_file.read() == fake_pdf(validated)
    assert pdf_worker.run_pdf_render(version_pk=validated.pk) is not None
    validated.refresh_from_db()
    assert validated.pdf_status == PdfStatus.READY
    assert validated.pdf_cover_status == VersionStatus.PUBLISHED
    # a file of its own (the cover differs), the validated one's removed once it is in place
    assert validated.pdf_file.name != stored
    assert pdf_files() == [validated.pdf_file.name.removeprefix("pdf/")]
    # asking again renders nothing: the cover is current
    assert pdf_worker.pdf_is_current(validated)
    # a newer version published: this one is archived, and queued again for its cover
    newer = fill_draft(plan, policies=1, areas=1, actions=1, number=2)
    with django_capture_on_commit_callbacks(execute=False):
        newer = validate(newer, by=plan.staff)
    pdf_worker.run_pdf_render(version_pk=newer.pk)
    newer.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        programme_services.publish_version(version=newer, by=plan.staff)
    assert len(pdf_renders(callbacks)) == 2  # the published one, the archived one
    validated.refresh_from_db()
    assert validated.status == VersionStatus.ARCHIVED
    assert validated.pdf_status == PdfStatus.PENDING
    pdf_worker.run_pdf_render(version_pk=validated.pk)
    validated.refresh_from_db()
    assert validated.pdf_cover_status == VersionStatus.ARCHIVED


def test_a_render_under_way_when_the_version_is_published_stores_nothing(
    validated, plan, settings, django_capture_on_commit_callbacks
):
    """A render that read the version as validated, finishing after the version was
    published, would print «Validata» on the cover: the publication's own render takes its
    place, and the file stored is the one that says «Pubblicata»."""
    settings.PDF_RENDERER = "tests.pdf.test_lifecycle.render_while_publishing"
    publishing.update(version=validated, by=plan.staff, capture=django_capture_on_commit_callbacks)
    assert pdf_worker.run_pdf_render(version_pk=validated.pk) is None  # taken over
    validated.refresh_from_db()
    assert validated.status == VersionStatus.PUBLISHED
    assert validated.pdf_status == PdfStatus.PENDING
    assert not validated.pdf_file
    settings.PDF_RENDERER = "tests.pdf.fakes.render_version"
    pdf_worker.run_pdf_render(version_pk=validated.pk)
    validated.refresh_from_db()
    assert validated.pdf_status == PdfStatus.READY
    assert validated.pdf_cover_status == VersionStatus.PUBLISHED


def test_a_render_under_way_that_ends_after_the_publications_own_leaves_its_file_alone(
    validated, plan, settings, django_capture_on_commit_callbacks
):
    """The render that read the version as validated ends last: the publication's render has
    already stored the file whose cover says «Pubblicata». That file stays the one downloaded,
    and the late one (another name: the cover differs) is removed, never put in its place."""
    settings.PDF_RENDERER = "tests.pdf.test_lifecycle.render_while_publishing_and_its_render"
    publishing.update(
        version=validated,
        by=plan.staff,
        capture=django_capture_on_commit_callbacks,
        settings=settings,
    )
    assert pdf_worker.run_pdf_render(version_pk=validated.pk) is None  # taken over
    validated.refresh_from_db()
    assert validated.pdf_status == PdfStatus.READY
    assert validated.pdf_cover_status == VersionStatus.PUBLISHED
    assert validated.pdf_file.name == pdf.pdf_name(validated)
    assert validated.pdf_file.read() == b"%PDF-1.7\n% cover: published\n%%EOF\n"
    assert pdf_files() == [pdf.pdf_name(validated).removeprefix("pdf/")]


def test_an_operators_forced_render_does_not_replace_the_cover_of_a_version_published_meanwhile(
    validated, plan, settings, django_capture_on_commit_callbacks
):
    """``render_pdf --force`` on a validated version while the redazione publishes it: the
    forced file (its cover says «Validata») is not put in place; the operator is told, and the
    render the publication queued is still to come."""
    pdf_worker.run_pdf_render(version_pk=validated.pk)
    validated.refresh_from_db()
    validated_file = validated.pdf_file.name
    settings.PDF_RENDERER = "tests.pdf.test_lifecycle.render_while_publishing"
    publishing.update(version=validated, by=plan.staff, capture=django_capture_on_commit_callbacks)
    with pytest.raises(TransitionError) as refused:
        pdf_services.render_pdf_now(version=validated, force=True)
    assert refused.value.code == "pdf_changed"
    validated.refresh_from_db()
    assert validated.status == VersionStatus.PUBLISHED
    assert validated.pdf_status == PdfStatus.PENDING
    assert validated.pdf_file.name == validated_file  # still offered until the new one is ready
    assert pdf_files() == [validated_file.removeprefix("pdf/")]


publishing = {}


def render_while_publishing_and_its_render(version):
    """The stand-in renderer during whose render the redazione publishes the version and the
    publication's own render runs to the end; then this one returns the cover it read."""
    publishing["settings"].PDF_RENDERER = "tests.pdf.test_lifecycle.render_cover"
    with publishing["capture"](execute=False):
        programme_services.publish_version(version=publishing["version"], by=publishing["by"])
    assert pdf_worker.run_pdf_render(version_pk=version.pk) is not None
    return render_cover(version)


def render_cover(version):
    content = b"%PDF-1.7\n% cover: " + str(version.status).encode() + b"\n%%EOF\n"
    return RenderedPdf(content=content, pages=1, seconds=0.0)


def render_while_publishing(version):
    """The stand-in renderer, during whose render the redazione publishes the version."""
    with publishing["capture"](execute=False):
        programme_services.publish_version(version=publishing["version"], by=publishing["by"])
    return fakes.render_version(version)


def test_the_file_is_written_under_a_temporary_name_then_moved(validated, monkeypatch):
    """A crash while writing leaves no file under the final name."""
    real_replace = os.replace
    seen = []

    def crash_on_replace(src, dst):
        seen.append((src, dst))
        raise OSError("disco pieno")

    monkeypatch.setattr(os, "replace", crash_on_replace)
    with pytest.raises(OSError):
        pdf.store_pdf(validated, fake_pdf(validated))
    monkeypatch.setattr(os, "replace", real_replace)
    ((src, dst),) = seen
    assert os.path.dirname(src) == os.path.dirname(dst)
    assert src.endswith(".part")
    assert str(dst).endswith(pdf.pdf_name(validated))
    assert pdf_files() == []  # neither the final name nor the temporary file is left
