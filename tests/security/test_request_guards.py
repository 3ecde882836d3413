"""Findings 1, 5 and 9 of the penetration test (issue 21), fixed by one middleware
(``patto.core.guards``): bodies above the view's limit are refused unread, NUL characters
anywhere in a request are refused with a 400 in the portal's layout, and every response to a
logged-in person is ``private, no-store``."""

import pytest
from django.test import Client
from django.urls import reverse

from incontri.models import Meeting
from tavoli.models import ThematicTable
from tests.factories import MeetingFactory
from tests.people import login_as
from tests.security.test_idor import snapshot, world  # noqa: F401

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
NOT_VALID = "contiene un carattere non valido"
TOO_MUCH = "Hai inviato troppi dati in una volta"


def claimed_body(client, url, megabytes: int, **extra):
    """A POST that says its body is ``megabytes`` long and sends only a few bytes of it: a
    server that waits to read (or spools) the body before refusing it hangs or parses; one
    that looks at Content-Length first answers at once."""
    return client.generic(
        "POST",
        url,
        b"login=a%40b.it&password=x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(megabytes * MB),
        **extra,
    )


def test_a_300_mb_login_is_refused_before_its_body_is_read(client):
    response = claimed_body(client, reverse("account_login"), 300)
    assert response.status_code == 413
    page = response.content.decode()
    assert TOO_MUCH in page and "1 MB" in page
    assert 'class="it-header-wrapper"' in page  # the portal's layout, not a bare error


def test_a_body_within_the_limit_reaches_the_view(client):
    response = client.post(reverse("account_login"), {"login": "a@b.it", "password": "x" * 5000})
    assert response.status_code == 200  # the login form again, with its error
    assert TOO_MUCH not in response.content.decode()


def test_the_limit_is_a_setting(client, settings):
    settings.REQUEST_MAX_BODY_KB = 4
    response = client.post(reverse("account_login"), {"login": "a@b.it", "password": "x" * 5000})
    assert response.status_code == 413
    assert "4 kB" in response.content.decode()


def test_an_upload_view_takes_up_to_its_upload_limit_and_no_more(client, settings):
    settings.MINUTES_MAX_UPLOAD_MB = 10
    login_as(client, "staff")
    meeting = MeetingFactory()
    url = reverse("redazione:incontri_meeting_minutes", args=[meeting.pk])
    # 9 MB claimed: past the guard (the form then finds the body incomplete)
    assert claimed_body(client, url, 9).status_code != 413
    # 11 MB: refused unread
    response = claimed_body(client, url, 11)
    assert response.status_code == 413
    assert "10 MB" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).minutes_file.name == ""


def test_the_staff_spreadsheet_import_takes_its_own_limit(client, settings):
    settings.SPREADSHEET_MAX_UPLOAD_MB = 5
    login_as(client, "staff")
    assert claimed_body(client, reverse("redazione:zone_import"), 6).status_code == 413
    assert claimed_body(client, reverse("redazione:zone_import"), 4).status_code != 413


# NUL characters: the addresses the penetration test found, and every kind of input.


def nul_addresses(w):
    a, draft = w["a"], w["draft"].version
    submitted = w["submitted"].version
    return [
        reverse("incontri:opendata_csv") + "?programma=%00",
        f"/programmi/{a.slug}/versioni/{submitted.number}/azioni/%00/",
        reverse("tavoli:contribute", args=[a.slug, submitted.number]) + "?politica=%00",
        reverse("matrice:actions", args=[a.slug, submitted.number]) + "?zona=%00",
        reverse("zone:municipality_search") + "?q=a%00b",
        "/%00/",
        reverse("redazione:dashboard") + "?q=%00",
        reverse("redazione:matrice_draft", args=[a.slug]) + "?%00=1",
        reverse("redazione:incontri_meetings") + "?programma=%00",
        f"/redazione/programmi/{a.slug}/bozza/azioni/%00/",
        reverse("portavoce:review", args=[draft.pk, w["zones"][0].number]) + "?x=%00",
    ]


@pytest.mark.parametrize("role", ["anonymous", "staff"])
def test_a_nul_character_in_an_address_is_a_400_in_the_portal_layout(client, world, role):  # noqa: F811
    login_as(client, role)
    for address in nul_addresses(world):
        response = client.get(address)
        assert response.status_code == 400, address
        page = response.content.decode()
        assert NOT_VALID in page, address
        assert '<html lang="it"' in page


def test_the_refusal_speaks_the_language_of_the_address(client):
    response = client.get("/en/programmi/?x=%00")
    assert response.status_code == 400
    assert '<html lang="en"' in response.content.decode()


def test_a_nul_character_in_a_form_is_refused_and_nothing_is_saved(client, world):  # noqa: F811
    staff = login_as(client, "staff")
    before = snapshot()
    forms = [
        (reverse("account_login"), {"login": "a\x00@b.it", "password": "x"}),
        (reverse("profile:detail"), {"first_name": "An\x00na", "loaded": "x"}),
        (reverse("redazione:tavoli_table_create"), {"title": "Tavolo NUL\x00", "slug": "nul"}),
    ]
    for url, data in forms:
        response = client.post(url, data)
        assert response.status_code == 400, url
        assert "Il modulo contiene un carattere non valido" in response.content.decode()
    staff.refresh_from_db()
    assert "\x00" not in staff.first_name
    assert not ThematicTable.objects.filter(title__contains="NUL").exists()
    assert snapshot() == before


# Finding 9: nothing of a logged-in person's is kept by a shared cache or the browser.


def private_addresses(w):
    meeting = MeetingFactory(programme=w["a"])
    return [
        reverse("profile:detail"),
        reverse("redazione:dashboard"),
        reverse("redazione:incontri_meeting_registrations_csv", args=[meeting.pk]),
        reverse("redazione:programme_export", args=[w["a"].slug]),
        reverse("redazione:programme", args=[w["a"].slug]),
        reverse("matrice:actions", args=[w["a"].slug, w["submitted"].version.number]),
    ]


def test_every_answer_to_a_logged_in_person_is_private_and_not_stored(client, world):  # noqa: F811
    login_as(client, "staff")
    for address in private_addresses(world):
        response = client.get(address)
        assert response.status_code == 200, address
        cache_control = response["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, address


def test_public_pages_stay_shareable_for_anonymous_visitors(world):  # noqa: F811
    response = Client().get(reverse("patto:programmes"))
    assert response.status_code == 200
    assert "private" not in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
