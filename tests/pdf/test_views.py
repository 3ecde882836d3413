"""The PDF on the site: the download (readable name, ETag, 304), the live status partial, the
staff's requests to render or retry, who may make them, and the query counts."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from patto.models import PdfStatus, PlanVersion, VersionStatus
from patto.pdf import document as pdf
from tests.factories import PlanVersionFactory, ProgrammeFactory
from tests.pdf.fakes import fake_pdf
from tests.people import login_as
from tests.versions import freeze

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_renderer")]

FINGERPRINT = "ab" * 32


def version_with_pdf(
    status=VersionStatus.PUBLISHED, pdf_status=PdfStatus.READY, programme=None, number=1, **extra
):
    """A version in ``status`` whose PDF is in ``pdf_status`` (with a stored file when
    ready)."""
    programme = programme or ProgrammeFactory(slug="piano-sociale-metropolitano")
    version = PlanVersionFactory(programme=programme, number=number)
    freeze(version, status, fingerprint=FINGERPRINT, pdf_status=pdf_status, **extra)
    if pdf_status == PdfStatus.READY:
        store_file(version, cover=status)
    return version


def store_file(version, *, cover):
    """A file rendered for ``version`` with ``cover`` as the status on its cover."""
    name = default_storage.save(pdf.pdf_name(version), ContentFile(fake_pdf(version)))
    PlanVersion.objects.filter(pk=version.pk).update(
        pdf_file=name,
        pdf_fingerprint=FINGERPRINT,
        pdf_cover_status=cover,
        pdf_rendered_at=timezone.now(),
    )
    version.refresh_from_db()


def url(name, version):
    return reverse(f"patto:{name}", args=[version.programme.slug, version.number])


# Download -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [VersionStatus.VALIDATED, VersionStatus.PUBLISHED, VersionStatus.ARCHIVED]
)
def test_the_pdf_downloads_under_a_readable_name(client, status):
    version = version_with_pdf(status=status)
    response = client.get(url("pdf", version))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="piano-sociale-metropolitano-versione-1.pdf"'
    )
    assert response["ETag"] == f'"{FINGERPRINT}-{status}"'
    assert b"".join(response.streaming_content) == fake_pdf(version)


def test_the_url_is_the_one_the_issue_names(client):
    version = version_with_pdf()
    assert url("pdf", version) == "/programmi/piano-sociale-metropolitano/versioni/1/piano.pdf"


def test_a_repeat_download_is_not_modified(client):
    version = version_with_pdf()
    etag = f'"{FINGERPRINT}-published"'
    response = client.get(url("pdf", version), headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""
    # another fingerprint: the whole file again
    other = client.get(url("pdf", version), headers={"if-none-match": '"' + "cd" * 32 + '"'})
    assert other.status_code == 200
    # the same text with another status on the cover (rendered before publication): the file
    # rendered since
    before = client.get(
        url("pdf", version), headers={"if-none-match": f'"{FINGERPRINT}-validated"'}
    )
    assert before.status_code == 200


@pytest.mark.parametrize("pdf_status", [PdfStatus.PENDING, PdfStatus.RENDERING, PdfStatus.FAILED])
def test_the_file_rendered_before_is_offered_while_a_new_one_is_prepared(client, pdf_status):
    """Published a moment ago, the version's PDF is rendered again for its cover (or that
    render failed): the file rendered at validation is downloaded meanwhile, never a 404."""
    version = version_with_pdf(status=VersionStatus.PUBLISHED, pdf_status=pdf_status)
    store_file(version, cover=VersionStatus.VALIDATED)
    response = client.get(url("pdf", version))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == fake_pdf(version)
    assert response["ETag"] == f'"{FINGERPRINT}-validated"'
    page = client.get(version.get_absolute_url()).content.decode()
    assert f'href="{url("pdf", version)}"' in page
    assert "Scarica il PDF della versione 1" in page
    waiting = "Se ne sta preparando una copia aggiornata" in page
    assert waiting == (pdf_status != PdfStatus.FAILED)
    assert ("data-hx-get" in page) == waiting  # it polls until the new file is there
    programme = client.get(version.programme.get_absolute_url()).content.decode()
    assert f'href="{url("pdf", version)}"' in programme
    versions = client.get(reverse("patto:versions", args=[version.programme.slug]))
    assert f'href="{url("pdf", version)}"' in versions.content.decode()


@pytest.mark.parametrize(
    ("status", "pdf_status"),
    [
        (VersionStatus.DRAFT, PdfStatus.NONE),
        (VersionStatus.IN_VALIDATION, PdfStatus.NONE),
        (VersionStatus.VALIDATED, PdfStatus.NONE),
        (VersionStatus.VALIDATED, PdfStatus.PENDING),
        (VersionStatus.VALIDATED, PdfStatus.RENDERING),
        (VersionStatus.PUBLISHED, PdfStatus.FAILED),
    ],
)
def test_no_pdf_no_download(client, status, pdf_status):
    version = version_with_pdf(status=status, pdf_status=pdf_status)
    assert client.get(url("pdf", version)).status_code == 404


def test_a_missing_file_is_a_404_not_an_error(client):
    version = version_with_pdf()
    default_storage.delete(version.pdf_file.name)
    assert client.get(url("pdf", version)).status_code == 404


def test_an_unknown_programme_or_version_is_a_404(client):
    version_with_pdf()
    assert client.get("/programmi/nessuno/versioni/1/piano.pdf").status_code == 404
    assert (
        client.get("/programmi/piano-sociale-metropolitano/versioni/9/piano.pdf").status_code == 404
    )


# Status partial -------------------------------------------------------------------------


def test_the_version_page_links_the_ready_pdf_with_its_size(client):
    version = version_with_pdf()
    page = client.get(version.get_absolute_url()).content.decode()
    assert f'href="{url("pdf", version)}"' in page
    assert "Scarica il PDF della versione 1" in page
    assert f"{len(fake_pdf(version))}\xa0byte" in page
    assert "data-hx-get" not in page  # nothing to wait for


def test_while_pending_the_status_polls_itself(client):
    version = version_with_pdf(status=VersionStatus.VALIDATED, pdf_status=PdfStatus.PENDING)
    page = client.get(version.get_absolute_url()).content.decode()
    assert f'data-hx-get="{url("pdf_status", version)}"' in page
    assert 'data-hx-trigger="every 3s"' in page
    assert "in coda" in page
    partial = client.get(url("pdf_status", version), headers={"hx-request": "true"})
    assert partial.status_code == 200  # keep polling
    assert "no-cache" in partial["Cache-Control"]
    assert "pdf-status-" not in partial.content.decode()  # only the inside is swapped


def test_when_ready_the_polling_stops_and_shows_the_link(client):
    version = version_with_pdf(status=VersionStatus.VALIDATED)
    partial = client.get(url("pdf_status", version), headers={"hx-request": "true"})
    assert partial.status_code == 286  # htmx: swap, then stop polling
    assert url("pdf", version) in partial.content.decode()


def test_a_proposal_shows_no_pdf(client):
    version = version_with_pdf(status=VersionStatus.IN_VALIDATION, pdf_status=PdfStatus.NONE)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "pdf-status" not in page
    assert client.get(url("pdf_status", version)).status_code == 404


def test_the_error_is_shown_to_staff_only_with_a_retry_button(client):
    version = version_with_pdf(pdf_status=PdfStatus.FAILED, pdf_error="RuntimeError: Pango")
    public = client.get(version.get_absolute_url()).content.decode()
    assert "non è ancora disponibile" in public
    assert "RuntimeError" not in public
    assert "Riprova" not in public
    login_as(client, "staff")
    staff = client.get(version.get_absolute_url()).content.decode()
    assert "RuntimeError: Pango" in staff
    assert f'action="{url("pdf_retry", version)}"' in staff
    assert "Riprova" in staff


def test_staff_can_ask_for_a_pdf_that_was_never_rendered(client):
    version = version_with_pdf(pdf_status=PdfStatus.NONE)
    login_as(client, "staff")
    page = client.get(version.get_absolute_url()).content.decode()
    assert f'action="{url("pdf_request", version)}"' in page


def test_the_version_list_shows_each_pdf(client):
    programme = ProgrammeFactory(slug="piano-sociale-metropolitano")
    ready = version_with_pdf(programme=programme, number=1, status=VersionStatus.ARCHIVED)
    pending = version_with_pdf(
        programme=programme, number=2, status=VersionStatus.PUBLISHED, pdf_status="pending"
    )
    page = client.get(reverse("patto:versions", args=[programme.slug])).content.decode()
    assert f'href="{url("pdf", ready)}"' in page
    assert "PDF in preparazione" in page
    assert f'data-hx-get="{url("pdf_status", pending)}?compatto=1"' in page


# Staff requests -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pdf_request", "pdf_retry"])
@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("registered user", 403), ("spokesperson", 403), ("staff", 302)],
)
def test_who_may_ask_for_a_render(client, django_capture_on_commit_callbacks, name, role, expected):
    version = version_with_pdf(pdf_status=PdfStatus.FAILED, pdf_error="boom")
    login_as(client, role)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(name, version))
    assert response.status_code == expected
    version.refresh_from_db()
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if role == "staff":
        assert response["Location"] == version.get_absolute_url()
        assert version.pdf_status == PdfStatus.READY  # queued, and run eagerly here
    else:
        assert version.pdf_status == PdfStatus.FAILED


@pytest.mark.parametrize("name", ["pdf_request", "pdf_retry"])
def test_the_staff_requests_are_post_only(client, name):
    version = version_with_pdf(pdf_status=PdfStatus.FAILED)
    login_as(client, "staff")
    assert client.get(url(name, version)).status_code == 405


@pytest.mark.parametrize("name", ["pdf_request", "pdf_retry"])
def test_the_staff_requests_need_the_csrf_token(name):
    version = version_with_pdf(pdf_status=PdfStatus.FAILED)
    client = Client(enforce_csrf_checks=True)
    login_as(client, "staff")
    assert client.post(url(name, version)).status_code == 403
    assert PlanVersion.objects.get(pk=version.pk).pdf_status == PdfStatus.FAILED


def test_an_htmx_retry_answers_with_the_polling_partial(client, django_capture_on_commit_callbacks):
    version = version_with_pdf(pdf_status=PdfStatus.FAILED, pdf_error="boom")
    login_as(client, "staff")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url("pdf_retry", version), headers={"hx-request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="pdf-status-{version.pk}"' in html
    assert 'data-hx-trigger="every 3s"' in html
    assert "in coda" in html


def test_a_refused_request_says_why(client):
    version = version_with_pdf()  # ready: nothing to retry
    login_as(client, "staff")
    response = client.post(url("pdf_retry", version), follow=True)
    assert "non è in errore" in response.content.decode()
    htmx = client.post(url("pdf_retry", version), headers={"hx-request": "true"})
    assert "non è in errore" in htmx.content.decode()


# Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("versions", [3, 30])
def test_query_counts(client, django_assert_num_queries, versions):
    programme = ProgrammeFactory(slug="piano-sociale-metropolitano")
    for number in range(1, versions + 1):
        last = version_with_pdf(programme=programme, number=number, status="archived")
    download, status = url("pdf", last), url("pdf_status", last)
    versions_page = reverse("patto:versions", args=[programme.slug])
    with django_assert_num_queries(2):  # the programme, the version
        assert client.get(download).status_code == 200
    with django_assert_num_queries(2):
        assert client.get(status).status_code == 286
    with django_assert_num_queries(3):  # the programme, its versions, the menu
        assert client.get(versions_page).status_code == 200
