"""A programme's Atom feeds, read back with a real feed parser (feedparser) and, where the exact
XML matters, with the standard library's XML parser: what each feed holds (and what it must not:
drafts, contributions waiting for moderation or hidden, names not signed publicly), the entries'
ids, links and dates, the language, the caching, the links from the pages, bad addresses and
the query counts at two sizes."""

import datetime
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import timezone, translation

from incontri.models import MeetingStatus
from patto.models import Decision, PlanVersion, VersionStatus
from patto.programme import services as programme_services
from patto.validation import services as validation_services
from tavoli.models import ContributionStatus, Moderation
from tests.factories import (
    ContributionFactory,
    MeetingFactory,
    ProgrammeFactory,
    ProvinceFactory,
    ThematicTableFactory,
)
from tests.people import two_zone_programme
from tests.versions import build_version, freeze, validate
from tests.xss import XSS, active_content

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://patto.example.org"
FEEDS = ["patto:feed", "patto:feed_versions", "patto:feed_meetings", "patto:feed_contributions"]


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    Site.objects.get_current()  # Django's syndication reads it once per process


@pytest.fixture
def days():
    """``days(n)``: the date ``n`` days from today (negative: in the past)."""
    return lambda n: timezone.localdate() + datetime.timedelta(days=n)


def feed_url(name, programme, language="it"):
    with translation.override(language):
        return reverse(name, args=[programme.slug])


def read(client, name, programme, language="it"):
    response = client.get(feed_url(name, programme, language))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    return parsed


def moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


@pytest.fixture
def lifecycle(db):
    """A programme validated by two zones whose versions went through every state: 1 published
    and then archived, 2 published, 3 sent back by zone 1, 4 withdrawn, 5 a draft."""
    people = two_zone_programme()
    programme, staff = people["programme"], people["staff"]
    create = programme_services.create_version
    v1 = build_version(programme, number=1).version
    validate(v1, by=staff)
    programme_services.publish_version(version=v1, by=staff)
    v2 = create(programme=programme, by=staff, change_note="Due azioni nuove per le famiglie.")
    validate(v2, by=staff)
    programme_services.publish_version(version=v2, by=staff)
    v3 = create(programme=programme, by=staff)
    programme_services.submit_version(version=v3, by=staff)
    validation_services.decide_validation(
        version=v3,
        zone=people["zone1"],
        by=people["sp1"],
        decision=Decision.CHANGES_REQUESTED,
        reason="Manca il **trasporto** sociale.",
    )
    v4 = create(programme=programme, by=staff)
    programme_services.submit_version(version=v4, by=staff)
    programme_services.withdraw_version(version=v4, by=staff, reason="Testo sbagliato, scusate.")
    v5 = create(programme=programme, by=staff, change_note="BOZZA SEGRETA")
    versions = {v.number: v for v in PlanVersion.objects.filter(programme=programme)}
    assert versions[1].status == VersionStatus.ARCHIVED and versions[5].is_draft
    return {**people, "versions": versions, "draft": v5}


def test_the_versions_feed_has_an_entry_per_recorded_state_change(client, lifecycle):
    feed = read(client, "patto:feed_versions", lifecycle["programme"])
    titles = [entry.title for entry in feed.entries]
    assert sorted(titles) == sorted(
        [
            "Versione 1 inviata alla validazione: la proposta è consultabile",
            "Versione 1 validata",
            "Versione 1 pubblicata",
            "Versione 1 archiviata",
            "Versione 2 inviata alla validazione: la proposta è consultabile",
            "Versione 2 validata",
            "Versione 2 pubblicata",
            "Versione 3 inviata alla validazione: la proposta è consultabile",
            f"Versione 3: {lifecycle['zone1']} ha chiesto modifiche",
            "Versione 4 inviata alla validazione: la proposta è consultabile",
            "Versione 4 ritirata",
        ]
    )
    # newest first, each dated by what the database recorded
    updated = [moment(entry.updated) for entry in feed.entries]
    assert updated == sorted(updated, reverse=True)
    versions = lifecycle["versions"]
    by_title = {entry.title: entry for entry in feed.entries}
    assert moment(by_title["Versione 1 archiviata"].updated) == versions[1].archived_at
    assert moment(by_title["Versione 2 pubblicata"].published) == versions[2].published_at
    assert moment(by_title["Versione 4 ritirata"].updated) == versions[4].withdrawn_at
    asked = versions[3].validations.get()
    assert moment(by_title[f"Versione 3: {lifecycle['zone1']} ha chiesto modifiche"].updated) == (
        asked.decided_at
    )
    # what the entries say, and where they lead
    assert "l'ha sostituita la versione 2" in by_title["Versione 1 archiviata"].summary
    summary = by_title[f"Versione 3: {lifecycle['zone1']} ha chiesto modifiche"].summary
    assert "<strong>trasporto</strong>" in summary
    assert "Testo sbagliato, scusate." in by_title["Versione 4 ritirata"].summary
    assert "Due azioni nuove per le famiglie." in str(feed.entries)
    assert by_title["Versione 2 pubblicata"].link == f"{SITE}/programmi/piano/versioni/2/"
    ids = [entry.id for entry in feed.entries]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("tag:patto.example.org,") for i in ids)


def test_a_draft_is_in_no_feed(client, lifecycle):
    for name in FEEDS:
        response = client.get(feed_url(name, lifecycle["programme"]))
        assert b"BOZZA SEGRETA" not in response.content
        assert b"/versioni/5/" not in response.content


def test_a_state_change_without_a_recorded_date_has_no_entry(client):
    content = build_version(number=1)
    freeze(content.version, VersionStatus.PUBLISHED, submitted_at=timezone.now())
    feed = read(client, "patto:feed_versions", content.programme)
    assert [entry.title for entry in feed.entries] == [
        "Versione 1 inviata alla validazione: la proposta è consultabile"
    ]


def test_the_version_history_reads_l_8_and_l_11(client):
    """«L'8 marzo 2018 la versione 1 del piano è stata inviata alla validazione», «L'11 aprile
    2018 la versione 1 è stata pubblicata»; «Il 1 marzo» (il primo) keeps its article; in
    English the day stands without an Italian one."""
    content = build_version(number=1)
    aware = timezone.make_aware
    freeze(
        content.version,
        VersionStatus.PUBLISHED,
        submitted_at=aware(datetime.datetime(2018, 3, 8, 10, 0)),
        validated_at=aware(datetime.datetime(2018, 3, 1, 10, 0)),
        published_at=aware(datetime.datetime(2018, 4, 11, 10, 0)),
    )
    feed = read(client, "patto:feed_versions", content.programme)
    summaries = {entry.title: entry.summary for entry in feed.entries}
    assert summaries["Versione 1 inviata alla validazione: la proposta è consultabile"].startswith(
        "<p>L&#x27;8 marzo 2018 la versione 1 del piano è stata inviata alla validazione"
    )
    assert summaries["Versione 1 validata"].startswith("<p>Il 1 marzo 2018 la versione 1")
    assert summaries["Versione 1 pubblicata"].startswith(
        "<p>L&#x27;11 aprile 2018 la versione 1 è stata pubblicata"
    )
    english = read(client, "patto:feed_versions", content.programme, "en")
    assert all("L&#x27;" not in entry.summary for entry in english.entries)
    assert any("8 March 2018" in entry.summary for entry in english.entries)


def test_the_ids_of_the_entries_do_not_change(client, lifecycle):
    programme = lifecycle["programme"]
    before = {e.title: e.id for e in read(client, "patto:feed", programme).entries}
    meeting = MeetingFactory(programme=programme, title="Assemblea")
    after = {e.title: e.id for e in read(client, "patto:feed", programme).entries}
    assert {title: after[title] for title in before} == before
    meeting.venue = "Sala nuova"
    meeting.save()
    again = read(client, "patto:feed_meetings", programme).entries
    assert [e.id for e in again] == [after["Incontro: Assemblea (19 ottobre 2017)"]]
    assert "Sala nuova" in again[0].summary
    assert moment(again[0].updated) == meeting.updated_at


def test_the_meetings_feed(client, days):
    torino = ProvinceFactory()
    programme = ProgrammeFactory(slug="patto")
    dated = MeetingFactory(
        programme=programme,
        title="Tavolo casa",
        date=days(10),
        start_time=datetime.time(17, 30),
        end_time=datetime.time(19),
        venue="Sala Rossa",
        address="Via Roma 1",
        province=torino,
        agenda="1. Apertura\n2. <script>alert(1)</script>",
    )
    MeetingFactory(programme=programme, title="Da fissare", date=None, date_note="ottobre 2017")
    MeetingFactory(programme=programme, title="Mai fissato", date=None, expected_by=days(-30))
    MeetingFactory(programme=programme, title="Saltato", status=MeetingStatus.CANCELLED)
    MeetingFactory(title="Di un altro programma")
    feed = read(client, "patto:feed_meetings", programme)
    day = dated.date
    assert {entry.title for entry in feed.entries} == {
        f"Incontro: Tavolo casa ({day.day} {MONTHS[day.month]} {day.year})",
        "Incontro: Da fissare (data da confermare)",
        "Incontro: Mai fissato (data mai pubblicata)",
        "Incontro annullato: Saltato (19 ottobre 2017)",
    }
    entry = next(e for e in feed.entries if "Tavolo casa" in e.title)
    assert entry.link == f"{SITE}/incontri/{dated.pk}/"
    assert "dalle 17:30 alle 19:00" in entry.summary and "Via Roma 1" in entry.summary
    assert f"{SITE}/incontri/{dated.pk}.ics" in entry.summary
    assert entry.tags[0].term == "incontro"
    assert entry.id == f"tag:patto.example.org,{timezone.localdate(dated.created_at)}:" + (
        f"meeting/{dated.uid}"
    )
    assert feed.feed.links[0].href == f"{SITE}/incontri/?programma=patto"


MONTHS = dict(
    enumerate(
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "  # noqa: SIM905
        "novembre dicembre".split(),
        start=1,
    )
)


def answered(programme, **fields):
    fields = {
        "status": ContributionStatus.ACCEPTED,
        "response": "Accolto: ne nasce un'azione.",
        "answered_at": timezone.now(),
        **fields,
    }
    return ContributionFactory(programme=programme, **fields)


def test_the_contributions_feed_holds_public_answers_only(client):
    programme = ProgrammeFactory(slug="patto")
    table = ThematicTableFactory(programme=programme, title="Tavolo povertà")
    answered(
        programme,
        title="Firmato",
        author_name="Maria Rossi",
        signed_publicly=True,
        body_name="Caritas",
        table=table,
    )
    answered(programme, title="Non firmato", author_name="Giulio Bianchi")
    answered(programme, title="In moderazione", moderation=Moderation.PENDING)
    answered(programme, title="Nascosto", moderation=Moderation.HIDDEN, hidden_reason="Offensivo")
    answered(programme, title="Senza data", answered_at=None)
    ContributionFactory(programme=programme, title="In attesa")
    answered(ProgrammeFactory(), title="Altrove")
    feed = read(client, "patto:feed_contributions", programme)
    assert {entry.title for entry in feed.entries} == {
        "Contributo accolto: Firmato",
        "Contributo accolto: Non firmato",
    }
    text = str(feed.entries)
    assert "Maria Rossi" in text and "Caritas" in text and "Tavolo povertà" in text
    assert "Giulio Bianchi" not in text
    assert f"{SITE}/programmi/patto/tavoli/{table.slug}/" in text
    assert all(
        entry.link.startswith(f"{SITE}/programmi/patto/contributi/") for entry in feed.entries
    )


def test_hostile_text_is_escaped_and_sanitised(client):
    programme = ProgrammeFactory(slug="patto")
    answered(programme, title=XSS[0], text="\n\n".join(XSS), response="\n\n".join(XSS))
    MeetingFactory(programme=programme, title="</script><script>alert(1)</script>")
    response = client.get(feed_url("patto:feed", programme))
    root = ET.fromstring(response.content)  # well-formed XML
    entries = root.findall(f"{ATOM}entry")
    assert {e.find(f"{ATOM}title").text for e in entries} == {
        f"Contributo accolto: {XSS[0]}",
        "Incontro: </script><script>alert(1)</script> (19 ottobre 2017)",
    }
    for entry in entries:
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "html"
        assert active_content(summary.text) == []


def test_the_news_feed_holds_every_kind_newest_first(client, lifecycle):
    programme = lifecycle["programme"]
    MeetingFactory(programme=programme, title="Assemblea")
    answered(programme, title="Più centri diurni")
    feed = read(client, "patto:feed", programme)
    assert feed.feed.title == f"Tutte le novità del {programme.title}"
    assert feed.feed.link == f"{SITE}/programmi/piano/"
    assert {entry.tags[0].term for entry in feed.entries} == {"versione", "incontro", "contributo"}
    updated = [moment(entry.updated) for entry in feed.entries]
    assert updated == sorted(updated, reverse=True)
    assert len(feed.entries) == 11 + 1 + 1


def test_the_english_feeds_are_in_english(client, lifecycle):
    feed = read(client, "patto:feed_versions", lifecycle["programme"], "en")
    assert feed.feed.language == "en"
    assert feed.feed.title == f"The versions of {lifecycle['programme'].title}"
    assert "Version 2 published" in {entry.title for entry in feed.entries}
    assert all(entry.link.startswith(f"{SITE}/en/programmi/piano/") for entry in feed.entries)
    # the same events: the ids are those of the Italian feed; the feed's own id is not
    italian = read(client, "patto:feed_versions", lifecycle["programme"])
    assert {e.id for e in feed.entries} == {e.id for e in italian.entries}
    assert feed.feed.id != italian.feed.id


def test_feeds_are_served_from_the_page_cache(client, django_assert_num_queries, lifecycle):
    url = feed_url("patto:feed", lifecycle["programme"])
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert again["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert client.get(url, HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304
    meeting = MeetingFactory(programme=lifecycle["programme"], title="Nuovo incontro")
    assert meeting.title.encode() in client.get(url).content


@pytest.mark.parametrize("name", FEEDS)
@pytest.mark.parametrize(
    ("slug", "status"),
    [("sconosciuto", 404), ("a" * 2000, 404), ("%3Cscript%3E", 404), ("piano%00", 400)],
    ids=["unknown", "long", "markup", "nul"],
)
def test_a_feed_of_an_unknown_programme_is_not_found(client, name, slug, status):
    """404 with the portal's page; a NUL character in the address is a 400, as everywhere."""
    url = reverse(name, args=["piano"]).replace("/piano/", f"/{slug}/")
    response = client.get(url)
    assert response.status_code == status
    assert "text/html" in response["Content-Type"]


@pytest.mark.parametrize(
    ("page", "kinds"),
    [
        ("patto:programme", FEEDS),
        ("patto:versions", ["patto:feed_versions"]),
        ("tavoli:contributions", ["patto:feed_contributions"]),
    ],
)
def test_the_pages_link_their_feeds(client, page, kinds, lifecycle):
    programme = lifecycle["programme"]
    html = client.get(reverse(page, args=[programme.slug])).content.decode()
    alternates = re.findall(r'<link rel="alternate" type="application/atom\+xml" [^>]*>', html)
    assert len(alternates) == len(kinds)
    for name, alternate in zip(kinds, alternates, strict=True):
        href = reverse(name, args=[programme.slug])
        assert f'href="{href}"' in alternate and 'title="' in alternate
        assert f'<a href="{href}" type="application/atom+xml">' in html
        assert client.get(href).status_code == 200
    assert "Segui con un lettore di feed (Atom)" in html


def test_the_meeting_pages_link_the_meetings_feed(client):
    programme = ProgrammeFactory(slug="patto", title="Patto di prova")
    meeting = MeetingFactory(programme=programme)
    href = reverse("patto:feed_meetings", args=["patto"])
    link = (
        '<link rel="alternate" type="application/atom+xml" '
        f'title="Gli incontri del Patto di prova" href="{href}">'
    )
    for url in [reverse("incontri:list"), reverse("incontri:detail", args=[meeting.pk])]:
        html = client.get(url).content.decode()
        assert link in html, url
        assert "Segui con un lettore di feed (Atom)" in html
    english = client.get("/en" + reverse("incontri:list")).content.decode()
    assert f'href="/en{href}"' in english and "Follow with a feed reader (Atom)" in english


def populate(size):
    """A programme with ``size`` public versions (one of them sent back by a zone), ``size``
    meetings and ``size`` answered contributions that led to an action."""
    people = two_zone_programme()
    programme = people["programme"]
    action = build_version(programme, number=1, status=VersionStatus.PUBLISHED).action
    PlanVersion.objects.filter(programme=programme).update(published_at=timezone.now())
    for number in range(2, size + 1):
        version = build_version(programme, number=number, actions=0).version
        freeze(version, VersionStatus.ARCHIVED, submitted_at=timezone.now())
    asked = build_version(programme, number=size + 1, actions=0).version
    freeze(asked, VersionStatus.IN_VALIDATION, submitted_at=timezone.now())
    validation_services.decide_validation(
        version=asked,
        zone=people["zone1"],
        by=people["sp1"],
        decision=Decision.CHANGES_REQUESTED,
        reason="No",
    )
    table = ThematicTableFactory(programme=programme)
    for i in range(size):
        MeetingFactory(programme=programme, venue=f"Sala {i}")
        answered(programme, table=table, body_name="Ente").led_to.add(action)
    return programme


@pytest.mark.parametrize("size", [2, 12])
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # the programme, then: public versions, the zones' requests for changes
        ("patto:feed_versions", 3),
        # the programme, its meetings
        ("patto:feed_meetings", 2),
        # the programme, the contributions, the actions of public versions they led to
        ("patto:feed_contributions", 3),
        ("patto:feed", 6),
    ],
)
def test_query_counts(client, django_assert_num_queries, size, name, queries):
    programme = populate(size)
    with django_assert_num_queries(queries):
        response = client.get(feed_url(name, programme))
    assert response.status_code == 200
    assert feedparser.parse(response.content).entries
