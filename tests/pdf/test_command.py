"""``manage.py render_pdf``: operators render a version's PDF synchronously."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from patto.models import PdfStatus, PlanVersion
from patto.pdf import worker
from tests.pdf.builders import fill_draft, plan_programme
from tests.versions import validate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_renderer")]


def render_pdf(*args) -> str:
    out = StringIO()
    call_command("render_pdf", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def validated(django_capture_on_commit_callbacks):
    plan = plan_programme(slug="piano")
    with django_capture_on_commit_callbacks(execute=False):  # no worker: the command renders
        return validate(fill_draft(plan, policies=1, areas=1, actions=1), by=plan.staff)


def test_it_renders_and_reports_the_file_pages_and_time(validated):
    output = render_pdf("piano", "1")
    validated.refresh_from_db()
    assert validated.pdf_status == PdfStatus.READY
    assert validated.pdf_file.path in output
    assert re.search(r"1 pagine, [\d.,]+ byte, generato in \d+\.\d s", output)


def test_a_ready_pdf_is_left_alone_unless_forced(validated):
    render_pdf("piano", "1")
    rendered_at = PlanVersion.objects.get(pk=validated.pk).pdf_rendered_at
    assert "già pronto" in render_pdf("piano", "1")
    assert PlanVersion.objects.get(pk=validated.pk).pdf_rendered_at == rendered_at
    assert "1 pagine" in render_pdf("piano", "1", "--force")
    assert PlanVersion.objects.get(pk=validated.pk).pdf_rendered_at > rendered_at


def test_it_takes_over_a_queued_render(validated):
    assert validated.pdf_status == PdfStatus.PENDING
    render_pdf("piano", "1")
    assert PlanVersion.objects.get(pk=validated.pk).pdf_status == PdfStatus.READY


def test_a_render_under_way_needs_force(validated):
    PlanVersion.objects.filter(pk=validated.pk).update(pdf_status=PdfStatus.RENDERING)
    with pytest.raises(CommandError, match="sta già preparando"):
        render_pdf("piano", "1")
    render_pdf("piano", "1", "--force")
    assert PlanVersion.objects.get(pk=validated.pk).pdf_status == PdfStatus.READY


def test_a_failure_is_reported_and_recorded(validated, settings):
    settings.PDF_RENDERER = "tests.pdf.fakes.render_broken"
    with pytest.raises(CommandError, match="Pango ha esaurito la memoria"):
        render_pdf("piano", "1")
    assert PlanVersion.objects.get(pk=validated.pk).pdf_status == PdfStatus.FAILED


def test_unknown_versions_and_drafts_are_refused():
    plan = plan_programme(slug="piano")
    fill_draft(plan, policies=1, areas=1, actions=1)
    with pytest.raises(CommandError, match="Nessuna versione 2"):
        render_pdf("piano", "2")
    with pytest.raises(CommandError, match="bozza"):
        render_pdf("piano", "1")


def test_the_real_renderer_is_used_by_default(validated, settings):
    del settings.PDF_RENDERER
    assert worker.pdf_renderer().__module__ == "patto.pdf.document"
