"""The PDF's cover says the version's status: a version's PDF is rendered again when the
version is published and when it is archived, through the real services, the eager task and
WeasyPrint, and read back with poppler. Until the new file is stored the previous one stays
downloadable: right after publication a citizen finds the PDF, never a dead end."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from patto.core.articles import article_before_number
from patto.models import PdfStatus, VersionStatus
from patto.programme import services as programme_services
from tests.pdf.builders import fill_draft, plan_programme
from tests.pdf.poppler import page_texts
from tests.versions import validate

pytestmark = pytest.mark.django_db


def download(client, version) -> tuple[bytes, str]:
    response = client.get(reverse("patto:pdf", args=[version.programme.slug, version.number]))
    assert response.status_code == 200
    return b"".join(response.streaming_content), response["ETag"]


def cover(content: bytes) -> str:
    """The text of the first page, whitespace collapsed."""
    return page_texts(content, 1)[0]


def test_the_published_pdf_says_published_and_the_archived_one_archived(
    client, django_capture_on_commit_callbacks
):
    plan = plan_programme()
    with django_capture_on_commit_callbacks(execute=True):
        first = validate(fill_draft(plan, policies=1, areas=1, actions=1), by=plan.staff)
    validated_pdf, validated_etag = download(client, first)
    assert "Stato Validata" in cover(validated_pdf)

    # published: a new render is queued, and until it is stored the validated file is served
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        programme_services.publish_version(version=first, by=plan.staff)
    first.refresh_from_db()
    assert first.status == VersionStatus.PUBLISHED
    assert first.pdf_status == PdfStatus.PENDING
    assert download(client, first) == (validated_pdf, validated_etag)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Scarica il PDF della versione 1" in page
    assert "Se ne sta preparando una copia aggiornata" in page
    programme_page = client.get(plan.programme.get_absolute_url()).content.decode()
    assert "Scarica il PDF della versione 1" in programme_page
    for callback in callbacks:
        callback()

    first.refresh_from_db()
    assert first.pdf_status == PdfStatus.READY
    published_pdf, published_etag = download(client, first)
    text = cover(published_pdf)
    published_on = date_format(timezone.localtime(first.published_at), "j E Y")
    assert "Stato Pubblicata" in text and f"Pubblicata {published_on}" in text
    assert "Validata" in text  # the row of the date it was validated
    assert "Stato Validata" not in text
    assert published_etag != validated_etag  # a browser's copy of the old cover is not kept
    page = client.get(first.get_absolute_url()).content.decode()
    rendered_at = first.pdf_rendered_at
    generated = article_before_number(rendered_at, "il") + date_format(
        timezone.localtime(rendered_at), "j E Y"
    )
    assert "Se ne sta preparando" not in page
    assert f"Generato {generated}." in html.unescape(page)  # «l'8 dicembre»: an escaped «'»

    # a newer version published: the first is archived, and its cover says so
    with django_capture_on_commit_callbacks(execute=True):
        second = validate(fill_draft(plan, policies=1, areas=1, actions=2, number=2), by=plan.staff)
        programme_services.publish_version(version=second, by=plan.staff)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == VersionStatus.ARCHIVED
    archived = cover(download(client, first)[0])
    archived_on = date_format(timezone.localtime(first.archived_at), "j E Y")
    assert "Stato Archiviata" in archived and f"Archiviata {archived_on}" in archived
    assert "Stato Pubblicata" in cover(download(client, second)[0])
