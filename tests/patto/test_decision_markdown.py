"""A zone's reason and its remarks on single items are Markdown, and read as such wherever they
are shown: the validation table of the version page and of the redazione's programme page, the
redazione's dashboard, the spokesperson area and the PDF. Never the raw markup, never active
content."""

import pytest
from django.core import mail
from django.urls import reverse

from matrice.models import Action
from patto.models import Decision, ItemKind
from patto.pdf.document import build_html
from patto.programme import notifications
from patto.programme import services as programme_services
from patto.validation import services as validation_services
from tests.factories import ProgrammeFactory, ZoneFactory
from tests.people import someone
from tests.versions import build_version
from tests.xss import active_content

pytestmark = pytest.mark.django_db

REASON = "Serve **più tempo** per i comuni montani.\n\n<script>alert(1)</script>"
REMARK = "Aprire gli sportelli il sabato.\n\n_Osservazione illustrativa._"


@pytest.fixture
def decided():
    """A version in validation for zones 1 and 2, which zone 1 approved with
    ``REASON`` and ``REMARK`` on its action."""
    programme = ProgrammeFactory(slug="piano")
    zone1, zone2 = ZoneFactory(number=1), ZoneFactory(number=2)
    programme.validating_zones.set([zone1, zone2])
    staff = someone("staff")
    spokesperson = someone("spokesperson", zone=zone1)
    version = build_version(programme, tools=1, targets=0, action={"title": "Sportelli"}).version
    programme_services.submit_version(version=version, by=staff)
    action = Action.objects.get(version=version)
    validation_services.decide_validation(
        version=version,
        zone=zone1,
        by=spokesperson,
        decision=Decision.APPROVED,
        reason=REASON,
        remarks=[
            validation_services.Remark(
                ItemKind.ACTION, str(action.key), f"{action.code} {action.title}", REMARK
            )
        ],
    )
    version.refresh_from_db()
    return {"version": version, "staff": staff, "spokesperson": spokesperson, "zone": zone1}


def assert_rendered(html, *, remark=True):
    assert "Serve <strong>più tempo</strong> per i comuni montani." in html
    assert "**più tempo**" not in html
    assert active_content(html) == []
    if remark:
        assert "<em>Osservazione illustrativa.</em>" in html
        assert "_Osservazione illustrativa._" not in html


def test_the_version_page_renders_the_reason_and_the_remarks(client, decided):
    page = client.get(decided["version"].get_absolute_url()).content.decode()
    assert_rendered(page)


def test_the_redazione_reads_them_rendered(client, decided):
    client.force_login(decided["staff"])
    programme = decided["version"].programme
    page = client.get(reverse("redazione:programme", args=[programme.slug])).content.decode()
    assert_rendered(page)
    dashboard = client.get(reverse("redazione:dashboard")).content.decode()
    assert_rendered(dashboard, remark=False)  # the dashboard counts the remarks
    assert "1 osservazione sulle voci" in dashboard


def test_the_spokesperson_reads_them_rendered(client, decided):
    client.force_login(decided["spokesperson"])
    home = client.get(reverse("portavoce:home")).content.decode()
    assert_rendered(home, remark=False)  # the list of past decisions shows the reason
    review = reverse("portavoce:review", args=[decided["version"].pk, decided["zone"].number])
    assert_rendered(client.get(review).content.decode())


def test_the_pdf_renders_them_too(decided):
    assert_rendered(build_html(decided["version"]))


def test_the_e_mail_to_the_redazione_renders_the_reason(
    decided, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    validation = decided["version"].validations.get()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.zone_decided(validation.pk)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "Serve <strong>più tempo</strong>" in html and active_content(html) == []
    assert "Serve **più tempo**" in message.body  # the plain-text part keeps what was written
