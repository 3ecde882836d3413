"""Public pages served from the cache: a repeat visit runs no query and a browser that has the
page gets a 304, yet every edit shows at once, and nothing of one visitor (a CSRF token, a
message, a logged-in header) ever reaches another."""

import datetime
import gzip
import re
import uuid

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from patto.cache import freshness
from patto.models import Decision, PdfStatus, PlanVersion, Validation, VersionStatus
from tavoli.consultation import when
from tests.factories import (
    MeetingFactory,
    PhaseFactory,
    ProgrammeFactory,
    SpokespersonFactory,
    UserFactory,
    ZoneFactory,
)
from tests.matrice.test_pages import plan_version

pytestmark = pytest.mark.django_db


def version_url(version):
    return version.get_absolute_url()


def test_a_repeat_visit_is_served_from_the_cache(client, django_assert_num_queries):
    version = plan_version(actions=4)
    address = version_url(version)
    first = client.get(address)
    with django_assert_num_queries(0):
        again = client.get(address)
    assert again.status_code == 200
    assert again.content == first.content


def test_the_list_of_programmes_is_served_from_the_cache_until_a_version_changes(
    client, django_assert_num_queries
):
    version = plan_version(actions=2)
    address = reverse("patto:programmes")
    first = client.get(address)
    with django_assert_num_queries(0):
        again = client.get(address)
    assert again.content == first.content
    assert "Non ancora pubblicato" not in first.content.decode()
    PlanVersion.objects.filter(pk=version.pk).update(status=VersionStatus.ARCHIVED)
    assert "Non ancora pubblicato" in client.get(address).content.decode()


def test_an_etag_gives_304_until_something_changes(client):
    programme = ProgrammeFactory(slug="piano", title="Piano sociale")
    address = reverse("patto:programme", args=["piano"])
    first = client.get(address)
    etag = first["ETag"]
    assert "no-cache" in first["Cache-Control"]
    assert client.get(address, headers={"if-none-match": etag}).status_code == 304

    programme.title = "Piano sociale rivisto"
    programme.save()
    changed = client.get(address, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Piano sociale rivisto" in changed.content.decode()


def test_an_edit_shows_at_once_on_every_cached_page(client):
    ProgrammeFactory(slug="piano", title="Piano sociale")
    meeting = MeetingFactory(
        title="Incontro di zona",
        date=datetime.date.today() + datetime.timedelta(days=10),
    )
    pages = ["/", reverse("incontri:list"), reverse("patto:programme", args=["piano"])]
    for page in pages:
        assert client.get(page).status_code == 200

    meeting.title = "Incontro di zona spostato"
    meeting.save()
    assert "Incontro di zona spostato" in client.get(reverse("incontri:list")).content.decode()

    ProgrammeFactory(slug="nuovo", title="Programma appena creato")
    for page in pages:  # the main menu lists the programmes on every page
        assert "Programma appena creato" in client.get(page).content.decode()


def test_a_frozen_version_page_follows_its_state_decisions_and_pdf(client):
    version = plan_version(actions=3, status=VersionStatus.IN_VALIDATION)
    zone = ZoneFactory(name="Zona di prova")
    version.programme.validating_zones.add(zone)
    address = version_url(version)
    before = client.get(address).content.decode()
    assert "Proposta in validazione" in before and "In attesa" in before

    spokesperson = SpokespersonFactory(zone=zone)
    Validation.objects.create(
        version=version, zone=zone, decision=Decision.APPROVED, decided_by=spokesperson.user
    )
    decided = client.get(address).content.decode()
    assert "Approvata" in decided and "In attesa" not in decided
    PlanVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.PUBLISHED, pdf_status=PdfStatus.READY
    )
    after = client.get(address).content.decode()
    assert "Proposta in validazione" not in after and "Pubblicata" in after
    # the plan itself, cached by fingerprint, is still there
    assert "Azione numero 0" in after


def test_a_logged_in_header_or_token_never_reaches_an_anonymous_visitor(client):
    ProgrammeFactory(slug="piano")
    user = UserFactory(email="persona@example.org")
    member = Client()
    member.force_login(user)
    own = member.get("/").content.decode()
    assert "persona@example.org" in own and "csrfmiddlewaretoken" in own

    anonymous = client.get("/").content.decode()
    assert "persona@example.org" not in anonymous
    assert "csrfmiddlewaretoken" not in anonymous
    assert not client.get("/").cookies.get("csrftoken")

    # and the other way round: a cached anonymous page is not what a member gets
    assert "persona@example.org" in member.get("/").content.decode()


def test_a_message_is_shown_to_its_visitor_only(client, rf):
    ProgrammeFactory(slug="piano")
    client.get("/")  # the anonymous page is cached

    with_message = Client()
    request = rf.get("/")
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "Messaggio per questa persona")
    response = with_message.get("/")  # prime the test client's cookie jar
    storage.update(response)
    with_message.cookies.update(response.cookies)
    own = with_message.get("/").content.decode()
    assert "Messaggio per questa persona" in own

    assert "Messaggio per questa persona" not in client.get("/").content.decode()
    assert "Messaggio per questa persona" not in Client().get("/").content.decode()


def test_each_language_has_its_own_cached_page(client):
    ProgrammeFactory(slug="piano")
    italian = client.get("/").content.decode()
    english = client.get("/en/").content.decode()
    assert 'lang="it"' in italian and 'lang="en"' in english
    assert client.get("/").content.decode() == italian
    # the language links lead to the same page in the other language, without a form
    assert re.search(r'href="/en/"[^>]*hreflang="en"', italian)
    assert "set_language" not in italian and "/i18n/setlang/" not in italian


def test_pages_with_a_cache_in_redis(client, redis_url, settings, django_assert_num_queries):
    settings.CACHES = {
        "default": {
            "BACKEND": "patto.cache.backends.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    version = plan_version(actions=3)
    for address in (
        version_url(version),
        reverse("matrice:matrix", args=[version.programme.slug, version.number]),
        reverse("matrice:actions", args=[version.programme.slug, version.number]),
    ):
        first = client.get(address)
        with django_assert_num_queries(0):
            again = client.get(address)
        assert again.content == first.content


def test_a_large_version_is_read_one_policy_at_a_time(client, monkeypatch):
    monkeypatch.setattr("patto.programme.views.ONE_POLICY_ABOVE", 3)
    version = plan_version(actions=6)  # two policies, three actions each
    address = version_url(version)
    first = client.get(address).content.decode()
    assert "Azione numero 0" in first and "Azione numero 1" not in first
    assert 'href="?politica=2"' in first and "Politica successiva: 2. Politica 2" in first
    second = client.get(address + "?politica=2").content.decode()
    assert "Azione numero 1" in second and "Azione numero 0" not in second
    assert client.get(address + "?politica=9").status_code == 404

    monkeypatch.setattr("patto.programme.views.ONE_POLICY_ABOVE", 300)
    small = plan_version(actions=4, programme=ProgrammeFactory(slug="altro"))
    whole = client.get(version_url(small) + "?politica=2").content.decode()
    assert "Azione numero 0" in whole and "Azione numero 1" in whole  # one page, whatever asked


# What a browser sends, and what PublicPageMiddleware answers before the session is read.
GZIP = {"accept-encoding": "gzip, deflate, br"}


def header_dict(response):
    return {name.lower(): value for name, value in response.items()}


def test_browsers_get_the_page_compressed_and_others_get_it_plain(client):
    ProgrammeFactory(slug="piano", title="Piano sociale")
    address = reverse("patto:programme", args=["piano"])
    plain = client.get(address)
    assert "content-encoding" not in header_dict(plain)
    assert "Piano sociale" in plain.content.decode()

    compressed = client.get(address, headers=GZIP)
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(plain.content)
    for response in (plain, compressed):
        assert {"cookie", "accept-encoding"} <= {
            v.strip().lower() for v in response["Vary"].split(",")
        }

    # one ETag per representation: a copy of one never validates the other
    assert compressed["ETag"] != plain["ETag"]
    assert (
        client.get(address, headers={**GZIP, "if-none-match": compressed["ETag"]}).status_code
        == 304
    )
    assert client.get(address, headers={"if-none-match": plain["ETag"]}).status_code == 304
    assert client.get(address, headers={**GZIP, "if-none-match": plain["ETag"]}).status_code == 200
    refused = client.get(address, headers={"accept-encoding": "gzip;q=0, *", "if-none-match": ""})
    assert "content-encoding" not in header_dict(refused)
    assert refused.content == plain.content


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        ("x-gzip", True),
        ("*", True),
        ("identity", False),
        ("gzip;q=0", False),
        ("gzip;q=0, *", False),
        ("deflate, br", False),
        ("", False),
    ],
)
def test_gzip_only_for_clients_that_accept_it(client, accept_encoding, gzipped):
    ProgrammeFactory(slug="piano")
    response = client.get("/", headers={"accept-encoding": accept_encoding})
    assert (response.get("Content-Encoding") == "gzip") is gzipped
    body = gzip.decompress(response.content) if gzipped else response.content
    assert b'lang="it"' in body


def test_a_cached_page_has_every_header_of_a_fresh_one(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    programme = ProgrammeFactory(slug="piano")
    for address in ("/", "/en/", reverse("patto:programme", args=["piano"])):
        fresh = client.get(address, headers=GZIP, secure=True)
        assert fresh.wsgi_request.session is not None  # rendered by the view
        cached = client.get(address, headers=GZIP, secure=True)
        # answered before the session middleware, the user or the view
        assert not hasattr(cached.wsgi_request, "session")
        assert header_dict(cached) == header_dict(fresh)
        headers = header_dict(cached)
        assert headers["strict-transport-security"].startswith("max-age=3600")
        assert "default-src 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["content-language"] == ("en" if address == "/en/" else "it")
        assert "no-cache" in headers["cache-control"]
        assert headers["etag"] and headers["content-encoding"] == "gzip"

        # a browser's revalidation: the same headers but the body's, from either path
        early = client.get(address, headers={**GZIP, "if-none-match": headers["etag"]}, secure=True)
        assert early.status_code == 304
        assert set(header_dict(early)) == set(headers) - {"content-type", "content-encoding"}
        assert all(header_dict(early)[name] == headers[name] for name in header_dict(early))
    # the programme's page, last in the loop: an edit ends its 304s on the early path too
    programme.save()
    after_edit = client.get(
        address, headers={**GZIP, "if-none-match": headers["etag"]}, secure=True
    )
    assert after_edit.status_code == 200 and after_edit["ETag"] != headers["etag"]


def test_an_anonymous_visitor_with_a_session_gets_the_same_cached_page(
    client, django_assert_num_queries
):
    ProgrammeFactory(slug="piano")
    address = reverse("patto:programme", args=["piano"])
    fresh = client.get(address, headers=GZIP)

    with_session = Client()
    session = with_session.session
    session["seen"] = True
    session.save()
    with django_assert_num_queries(0):  # the stored page, not a new rendering
        own = with_session.get(address, headers=GZIP)
    assert own.wsgi_request.session["seen"]  # through the whole stack, served by the decorator
    assert own.content == fresh.content
    assert header_dict(own) == header_dict(fresh)
    revalidated = with_session.get(address, headers={**GZIP, "if-none-match": fresh["ETag"]})
    assert revalidated.status_code == 304
    early = client.get(address, headers={**GZIP, "if-none-match": fresh["ETag"]})
    assert header_dict(revalidated) == header_dict(early)


def test_head_gives_the_headers_of_get(client):
    ProgrammeFactory(slug="piano")
    address = reverse("patto:programme", args=["piano"])
    fresh_head = client.head(address, headers=GZIP)
    get = client.get(address, headers=GZIP)
    cached_head = client.head(address, headers=GZIP)
    assert fresh_head.status_code == cached_head.status_code == 200
    assert fresh_head.content == cached_head.content == b""
    assert header_dict(fresh_head) == header_dict(get) == header_dict(cached_head)


def test_the_address_alone_decides_the_language(client):
    ProgrammeFactory(slug="piano")
    assert client.get("/en/").headers["Content-Language"] == "en"
    # a browser asking for English, or with the language cookie of Django's set_language,
    # still gets the Italian page at the Italian address, cached or not
    client.cookies["django_language"] = "en"
    for _ in range(2):
        italian = client.get("/", headers={"accept-language": "en"})
        assert italian["Content-Language"] == "it" and 'lang="it"' in italian.content.decode()
    client.cookies["django_language"] = "it"
    for _ in range(2):
        english = client.get("/en/", headers={"accept-language": "it"})
        assert english["Content-Language"] == "en" and 'lang="en"' in english.content.decode()


def test_absolute_links_name_the_host_they_were_asked_on(client):
    meeting = MeetingFactory(date=datetime.date.today() + datetime.timedelta(days=5))
    address = reverse("incontri:programme_ics", args=[meeting.programme.slug])
    for _ in range(2):
        for host in ("localhost", "testserver"):
            feed = client.get(address, headers={"host": host}).content.decode()
            assert f"http://{host}/incontri/{meeting.pk}/" in feed


def test_a_logged_in_member_never_gets_the_cached_page(client):
    ProgrammeFactory(slug="piano")
    for _ in range(2):
        client.get("/", headers=GZIP)  # cached for anonymous visitors
    member = Client()
    member.force_login(UserFactory(email="persona@example.org"))
    own = member.get("/", headers=GZIP)
    assert "content-encoding" not in header_dict(own)  # rendered for them, never stored
    assert "persona@example.org" in own.content.decode()
    assert (
        "persona@example.org" not in gzip.decompress(client.get("/", headers=GZIP).content).decode()
    )


# The clock alone: what a page says changes at midnight (meetings become past ones, the current
# phase moves on) or when a consultation it shows opens or closes, and at no other time.


class Clock:
    """The portal's clock moved by the test: ``patto.cache.freshness.now`` (when a cached page stops
    being true) and ``django.utils.timezone.now`` (what the page says)."""

    def __init__(self, monkeypatch, at: datetime.datetime):
        self.at = at
        monkeypatch.setattr("patto.cache.freshness.now", lambda: self.at.timestamp())
        monkeypatch.setattr("django.utils.timezone.now", lambda: self.at)

    def move_to(self, at: datetime.datetime):
        self.at = at


def local(day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute, second), timezone.get_default_timezone()
    )


def proposal_under_consultation(opens, closes):
    """Programme «piano» with a version in validation and a consultation window on it."""
    programme = ProgrammeFactory(slug="piano")
    PhaseFactory(
        programme=programme,
        title="Consultazione sulla proposta",
        is_consultation=True,
        consultation_opens_at=opens,
        consultation_closes_at=closes,
    )
    return plan_version(actions=1, programme=programme, status=VersionStatus.IN_VALIDATION)


def test_a_page_that_shows_no_consultation_keeps_its_etag_until_midnight(
    client, monkeypatch, django_assert_num_queries
):
    today = timezone.localdate()
    clock = Clock(monkeypatch, local(today, 9))
    ProgrammeFactory(slug="piano", title="Piano sociale")
    address = reverse("patto:programme", args=["piano"])
    etag = client.get(address)["ETag"]

    clock.move_to(local(today, 23, 59))  # hours later, nothing saved: the browser's copy holds
    with django_assert_num_queries(0):
        assert client.get(address, headers={"if-none-match": etag}).status_code == 304

    clock.move_to(local(today + datetime.timedelta(days=1), 0, 1))  # a new day: rendered again
    fresh = client.get(address, headers={"if-none-match": etag})
    assert fresh.status_code == 200 and fresh["ETag"] != etag


def test_a_meeting_moves_to_the_past_ones_at_midnight(
    client, monkeypatch, django_assert_num_queries
):
    today = timezone.localdate()
    clock = Clock(monkeypatch, local(today, 20))
    MeetingFactory(title="Incontro di stasera", date=today)
    address = reverse("incontri:list")
    ahead = client.get(address)
    assert "Incontro di stasera" in ahead.content.decode().split("Prossimi incontri")[1]
    assert "Incontri passati" not in ahead.content.decode()
    clock.move_to(local(today, 23, 59, 59))
    with django_assert_num_queries(0):  # the stored page, still true
        assert client.get(address).content == ahead.content

    clock.move_to(local(today + datetime.timedelta(days=1), 0, 0))
    past = client.get(address, headers={"if-none-match": ahead["ETag"]})
    assert past.status_code == 200
    assert "Incontro di stasera" in past.content.decode().split("Incontri passati")[1]


def test_a_consultation_opens_and_closes_on_the_cached_page_at_its_instants(
    client, monkeypatch, django_assert_num_queries
):
    today = timezone.localdate()
    opens, closes = local(today, 10), local(today, 18)
    clock = Clock(monkeypatch, local(today, 9))
    version = proposal_under_consultation(opens, closes)
    address = reverse("patto:programme", args=["piano"])
    upcoming = client.get(address)
    assert "La consultazione si aprirà" in upcoming.content.decode()

    clock.move_to(opens - datetime.timedelta(seconds=1))  # still the same, stored page
    with django_assert_num_queries(0):
        assert client.get(address, headers={"if-none-match": upcoming["ETag"]}).status_code == 304

    clock.move_to(opens)  # the window includes its opening instant
    open_ = client.get(address, headers={"if-none-match": upcoming["ETag"]})
    assert open_.status_code == 200
    assert "La consultazione è aperta fino al" in open_.content.decode()
    assert version.get_absolute_url() + "#consultazione" in open_.content.decode()

    clock.move_to(closes - datetime.timedelta(seconds=1))
    with django_assert_num_queries(0):
        assert client.get(address, headers={"if-none-match": open_["ETag"]}).status_code == 304

    clock.move_to(closes)  # and excludes its closing one
    closed = client.get(address, headers={"if-none-match": open_["ETag"]})
    assert closed.status_code == 200
    assert "La consultazione è aperta" not in closed.content.decode()


def test_the_earliest_instant_a_page_shows_decides(client, monkeypatch, django_assert_num_queries):
    """A consultation open until the evening and another opening at noon: the page shows the
    first until noon, then the second (the newest open one), and is rendered again at noon."""
    today = timezone.localdate()
    clock = Clock(monkeypatch, local(today, 9))
    programme = ProgrammeFactory(slug="piano")
    PhaseFactory(
        programme=programme,
        position=1,
        title="Prima consultazione",
        is_consultation=True,
        consultation_opens_at=local(today - datetime.timedelta(days=1), 9),
        consultation_closes_at=local(today, 20),
    )
    PhaseFactory(
        programme=programme,
        position=2,
        title="Seconda consultazione",
        is_consultation=True,
        consultation_opens_at=local(today, 12),
        consultation_closes_at=local(today + datetime.timedelta(days=5), 18),
    )
    plan_version(actions=1, programme=programme, status=VersionStatus.IN_VALIDATION)
    address = reverse("patto:programme", args=["piano"])
    morning = client.get(address)
    closes = escape(when(local(today, 20), "fino al"))  # «fino al 9 …», «fino all'8 …»
    assert f"aperta {closes}." in morning.content.decode()

    clock.move_to(local(today, 11, 59))
    with django_assert_num_queries(0):
        assert client.get(address, headers={"if-none-match": morning["ETag"]}).status_code == 304
    clock.move_to(local(today, 12))
    noon = client.get(address, headers={"if-none-match": morning["ETag"]})
    assert noon.status_code == 200
    later = local(today + datetime.timedelta(days=5), 18)
    assert f"aperta {escape(when(later, 'fino al'))}." in noon.content.decode()


def test_an_anonymous_visitor_with_a_session_gets_the_page_until_it_changes(client, monkeypatch):
    """The decorator's path (a session cookie: PublicPageMiddleware lets the request through)
    keeps to the same instants."""
    today = timezone.localdate()
    clock = Clock(monkeypatch, local(today, 9))
    proposal_under_consultation(local(today, 10), local(today, 18))
    session = client.session
    session["seen"] = True
    session.save()
    address = reverse("patto:programme", args=["piano"])
    upcoming = client.get(address)
    assert upcoming.wsgi_request.session["seen"]  # served by the decorator, not the middleware
    assert "La consultazione si aprirà" in upcoming.content.decode()
    clock.move_to(local(today, 9, 59, 59))
    assert client.get(address, headers={"if-none-match": upcoming["ETag"]}).status_code == 304
    clock.move_to(local(today, 10))
    assert "La consultazione è aperta" in client.get(address).content.decode()


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (datetime.date(2026, 3, 29), 23),  # clocks go forward at 2:00
        (datetime.date(2026, 10, 25), 25),  # and back at 3:00
        (datetime.date(2026, 12, 6), 24),
    ],
)
def test_the_day_ends_at_local_midnight_whatever_its_length(day, hours):
    start = local(day, 0).timestamp()
    assert freshness.end_of_day(start) - start == hours * 3600
    assert freshness.end_of_day(start + 3600 * hours - 1) - start == hours * 3600


def test_an_instant_reported_inside_a_nested_block_counts_for_the_outer_one():
    soon = timezone.now() + datetime.timedelta(minutes=5)
    with freshness.watching() as outer:
        with freshness.watching() as inner:
            freshness.changes_at(soon)
        assert inner[0] == outer[0] == soon.timestamp()
    freshness.changes_at(soon)  # nobody watching: nothing to report to
