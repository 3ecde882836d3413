"""The redazione's preview of a draft's PDF: the real document (WeasyPrint, read back with
poppler), marked as a draft on every page and in its title, never stored as the version's PDF,
staff only, refused with a message beyond ``PDF_PREVIEW_MAX_ACTIONS``."""

import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from patto.models import PdfStatus, PlanVersion
from tests.factories import ProgrammeFactory, ZoneFactory
from tests.pdf.poppler import page_texts, run
from tests.people import login_as, someone
from tests.versions import build_version

pytestmark = pytest.mark.django_db

MARK = "BOZZA — non valida"


@pytest.fixture
def draft():
    programme = ProgrammeFactory(slug="piano", title="Piano Sociale Metropolitano")
    programme.validating_zones.set([ZoneFactory(number=1)])
    return build_version(
        programme, policies=2, actions=3, action={"title": "Sportello {code}"}
    ).version


def preview_url(slug="piano"):
    return reverse("redazione:draft_pdf_preview", args=[slug])


def test_the_preview_is_the_plan_marked_as_a_draft_on_every_page(staff_client, draft):
    response = staff_client.get(preview_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="piano-versione-1-BOZZA-non-valida.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    content = response.content
    info = run("pdfinfo", data=content)
    assert re.search(rf"^Title:\s+{MARK} – Piano Sociale Metropolitano – versione 1$", info, re.M)
    assert re.search(rf"^Subject:\s+{MARK}", info, re.M)
    pages = page_texts(content)
    assert len(pages) >= 3
    assert all(MARK in text for text in pages)
    assert "Sportello 1.1.1" in " ".join(pages)
    assert "Impronta SHA-256" not in " ".join(pages)  # a draft has no fingerprint
    assert "non è ancora stata inviata alle zone" in " ".join(pages)

    version = PlanVersion.objects.get(pk=draft.pk)
    assert version.pdf_status == PdfStatus.NONE and not version.pdf_file
    _dirs, files = default_storage.listdir("pdf") if default_storage.exists("pdf") else ([], [])
    assert files == []


def test_a_huge_draft_is_refused_with_the_reason(staff_client, draft, settings):
    settings.PDF_PREVIEW_MAX_ACTIONS = 2
    response = staff_client.get(preview_url())
    assert response.status_code == 302
    assert response["Location"] == reverse("redazione:programme", args=["piano"])
    page = staff_client.get(response["Location"]).content.decode()
    assert "La bozza ha 3 azioni: l&#x27;anteprima del PDF si prepara fino a 2 azioni" in page


def test_no_draft_no_preview(staff_client):
    ProgrammeFactory(slug="senza-bozza")
    assert staff_client.get(preview_url("senza-bozza")).status_code == 404
    assert staff_client.get(preview_url("non-esiste")).status_code == 404


# who may: roles × the preview (GET) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("registered", 403), ("spokesperson", 403), ("staff", 200)],
)
def test_who_may_preview_a_draft(client, draft, role, status):
    zone = draft.programme.validating_zones.get()
    login_as(client, role, spokesperson=someone("spokesperson", zone=zone))
    response = client.get(preview_url())
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if status != 200:
        assert response.get("Content-Type") != "application/pdf"
