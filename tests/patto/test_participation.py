"""The participation pages (issue 19): a programme's and the whole portal's numbers, on a dataset
built here, as a visitor reads them in the CSV of each chart and in its table; what is not public
is not counted; each chart is an accessible SVG with its table and CSV; the pages run the same
number of queries at two sizes, come from the cache and change with the data."""

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from incontri.models import MeetingKind, MeetingStatus, Registration, RegistrationStatus
from patto.core import charts
from patto.models import Decision, Validation, VersionStatus
from patto.participation.report import charts_for
from tavoli import services as tavoli_services
from tavoli.models import (
    Comment,
    Contribution,
    ContributionChannel,
    ContributionStatus,
    Moderation,
)
from tests.factories import (
    ContributionFactory,
    MeetingFactory,
    PlanVersionFactory,
    ProgrammeFactory,
    ThematicTableFactory,
    UserFactory,
)
from tests.people import two_zone_programme
from tests.versions import freeze

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def local(year, month, day, hour=12):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def world(size: int = 1) -> dict:
    """Programme «piano», validated by zones 1 and 2, with ``size`` copies of: five counted
    contributions (see the tests for what each is), one hidden and one waiting for moderation
    (not counted), comments, four meetings with registrations, two versions with the zones'
    decisions; and another programme with one contribution (counted on the portal's page
    only)."""
    people = two_zone_programme()
    programme, zone1 = people["programme"], people["zone1"]
    today = timezone.localdate()
    v1 = PlanVersionFactory(programme=programme, number=1)
    freeze(v1, VersionStatus.PUBLISHED)
    v2 = PlanVersionFactory(programme=programme, number=2)
    freeze(v2, VersionStatus.IN_VALIDATION)
    for zone, version, decision in [
        (people["zone1"], v1, Decision.APPROVED),
        (people["zone2"], v1, Decision.APPROVED),
        (people["zone1"], v2, Decision.CHANGES_REQUESTED),
    ]:
        Validation.objects.create(
            version=version,
            zone=zone,
            decision=decision,
            reason="" if decision == Decision.APPROVED else "Manca la zona.",
            decided_by=people["sp1"] if zone == people["zone1"] else people["sp2"],
        )
    table_a = ThematicTableFactory(programme=programme, title="Tavolo casa", position=1)
    table_b = ThematicTableFactory(programme=programme, title="Tavolo lavoro", position=2)
    for _ in range(size):
        at_zone = MeetingFactory(
            programme=programme,
            kind=MeetingKind.ZONE,
            zone=zone1,
            status=MeetingStatus.HELD,
            attendance=30,
        )
        provincial = MeetingFactory(programme=programme, status=MeetingStatus.HELD)
        MeetingFactory(
            programme=programme,
            kind=MeetingKind.PLENARY,
            date=today + datetime.timedelta(days=20),
        )
        MeetingFactory(programme=programme, status=MeetingStatus.CANCELLED)
        for status, attended in [
            (RegistrationStatus.CONFIRMED, True),
            (RegistrationStatus.CONFIRMED, True),
            (RegistrationStatus.CONFIRMED, None),
            (RegistrationStatus.CANCELLED, None),
        ]:
            Registration.objects.create(
                meeting=at_zone, user=UserFactory(), status=status, attended=attended
            )
        answered = {"response": "Perché sì."}
        c1 = ContributionFactory(
            programme=programme,
            table=table_a,
            meeting=at_zone,
            actor_category="terzo_settore",
            submitted_on=datetime.date(2017, 1, 10),
            status=ContributionStatus.ACCEPTED,
            answered_at=local(2017, 2, 9),  # 30 days
            **answered,
        )
        ContributionFactory(
            programme=programme,
            table=table_a,
            meeting=provincial,
            actor_category="asl",
            submitted_on=datetime.date(2017, 1, 20),
            status=ContributionStatus.PARTLY_ACCEPTED,
            answered_at=local(2017, 5, 20),  # 120 days
            **answered,
        )
        ContributionFactory(
            programme=programme,
            table=table_b,
            submitted_on=datetime.date(2017, 3, 5),
            status=ContributionStatus.NOT_ACCEPTED,
            answered_at=local(2017, 3, 5, 23),  # the same day
            **answered,
        )
        online = {"channel": ContributionChannel.ONLINE, "version": v2}
        ContributionFactory(
            programme=programme,
            actor_category="cittadini",
            submitted_on=today - datetime.timedelta(days=10),
            **online,
        )
        ContributionFactory(programme=programme, status=ContributionStatus.UNDER_REVIEW)
        # not public: not counted, whatever they say
        hidden = ContributionFactory(
            programme=programme,
            table=table_a,
            meeting=at_zone,
            actor_category="asl",
            submitted_on=datetime.date(2017, 1, 10),
            status=ContributionStatus.ACCEPTED,
            answered_at=local(2017, 1, 11),
            moderation=Moderation.HIDDEN,
            hidden_reason="Offensivo.",
            **online,
            **answered,
        )
        ContributionFactory(
            programme=programme,
            actor_category="asl",
            submitted_on=today,
            moderation=Moderation.PENDING,
            **online,
        )
        for contribution, moderation in [
            (c1, Moderation.APPROVED),
            (c1, Moderation.PENDING),
            (hidden, Moderation.APPROVED),
        ]:
            comment = Comment.objects.create(
                contribution=contribution, text="D'accordo.", moderation=moderation
            )
            Comment.objects.filter(pk=comment.pk).update(created_at=local(2017, 2, 15))
    ContributionFactory(programme=ProgrammeFactory(slug="patto", title="Patto"))
    return {**people, "v1": v1, "v2": v2, "today": today}


def csv_rows(client, url) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


def chart_csv(client, chart: str, programme: str | None = "piano") -> list[list[str]]:
    if programme is None:
        return csv_rows(client, reverse("participation:portal_chart_csv", args=[chart]))
    return csv_rows(client, reverse("participation:programme_chart_csv", args=[programme, chart]))


def test_a_programme_s_numbers_count_only_public_contributions(client):
    data = world()
    month = (data["today"] - datetime.timedelta(days=10)).strftime("%Y-%m")
    assert chart_csv(client, "canali") == [
        ["Canale", "Contributi"],
        ["Tavolo o incontro", "4"],
        ["Online", "1"],
    ]
    assert chart_csv(client, "categorie") == [
        ["Categoria", "Contributi"],
        ["Volontariato e terzo settore", "1"],
        ["ASL", "1"],
        ["Cittadini", "1"],
        ["Categoria non indicata", "2"],
    ]
    assert chart_csv(client, "tavoli") == [
        ["Tavolo", "Contributi"],
        ["Tavolo casa", "2"],
        ["Tavolo lavoro", "1"],
        ["Non legati a un tavolo", "2"],
    ]
    assert chart_csv(client, "incontri") == [
        ["Dove", "Contributi"],
        ["Incontri provinciali", "1"],
        ["Incontri di zona", "1"],
        ["Non presentati a un incontro", "3"],
    ]
    zone1, zone2 = data["zone1"], data["zone2"]
    assert chart_csv(client, "zone") == [
        ["Zona", "Contributi"],
        [f"1. {zone1.name}", "1"],
        [f"2. {zone2.name}", "0"],
        ["Non legati a una zona", "4"],
    ]
    assert chart_csv(client, "esiti") == [
        ["Esito", "Contributi"],
        ["Ricevuto", "1"],
        ["In esame", "1"],
        ["Accolto", "1"],
        ["Accolto in parte", "1"],
        ["Non accolto", "1"],
    ]
    # the months with something, in ISO; the comment on the hidden one and the one waiting
    # for moderation are not counted
    assert chart_csv(client, "mesi") == [
        ["Mese", "Contributi", "Commenti"],
        ["2017-01", "2", "0"],
        ["2017-02", "0", "1"],
        ["2017-03", "1", "0"],
        [month, "1", "0"],
    ]
    assert chart_csv(client, "tempi-di-risposta") == [
        ["Attesa", "Con risposta", "Ancora in attesa", "Contributi"],
        ["Fino a 30 giorni", "2", "1", "3"],
        ["Da 31 a 90 giorni", "0", "0", "0"],
        ["Da 91 a 180 giorni", "1", "0", "1"],
        ["Da 181 a 365 giorni", "0", "0", "0"],
        ["Oltre 365 giorni", "0", "0", "0"],
        ["Data non nota", "0", "1", "1"],
    ]
    page = client.get(reverse("participation:programme", args=["piano"])).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "2 contributi su 3 con una risposta (67%) hanno cambiato il piano" in text
    assert "2 contributi sono ancora in attesa di risposta" in text
    assert "Attesa mediana di una risposta 30 giorni" in text
    assert "Commenti pubblicati 1" in text


def test_meetings_registrations_presences_and_the_zones_decisions(client):
    world()
    assert chart_csv(client, "incontri-svolti") == [
        [
            "Tipo di incontro",
            "Svolti",
            "Passati, non registrati come svolti",
            "In programma",
            "Annullati",
            "Incontri",
        ],
        ["Incontri plenari", "0", "0", "1", "0", "1"],
        ["Incontri provinciali", "1", "0", "0", "1", "2"],
        ["Incontri di zona", "1", "0", "0", "0", "1"],
    ]
    assert chart_csv(client, "presenze") == [
        [
            "Tipo di incontro",
            "Iscrizioni confermate",
            "Iscritti presenti",
            "Partecipanti registrati",
        ],
        ["Incontri provinciali", "0", "0", "0"],
        ["Incontri di zona", "3", "2", "30"],
    ]
    assert chart_csv(client, "validazioni-versioni") == [
        ["Versione", "Approvata", "Modifiche richieste", "Nessuna decisione", "Zone"],
        ["Versione 1", "2", "0", "0", "2"],
        ["Versione 2", "0", "1", "1", "2"],
    ]
    page = client.get(reverse("participation:programme", args=["piano"])).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert (
        "3 iscrizioni confermate; 2 persone segnate presenti, 0 assenti, 1 senza presenza" in text
    )
    assert "registrato per 1 incontri svolti su 2: 30 partecipanti in tutto" in text


def test_the_whole_portal_counts_every_programme(client):
    data = world()
    assert chart_csv(client, "programmi", None) == [
        ["Programma", "Contributi"],
        ["Patto", "1"],
        [data["programme"].title, "5"],
    ]
    assert chart_csv(client, "canali", None)[1] == ["Tavolo o incontro", "5"]
    # a chart of another page is not found here
    assert client.get(reverse("participation:portal_chart_csv", args=["tavoli"])).status_code == 404


class Tables(HTMLParser):
    """Each table of a page by its caption's id: its header and rows, as text (a month's
    ``<time datetime>`` for its cell)."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.cell, self.caption = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.current = []
        elif tag == "caption":
            self.caption = attrs.get("id")
        elif tag == "tr" and self.current is not None:
            self.current.append([])
        elif tag in ("th", "td") and self.current is not None:
            self.cell = ""
        elif tag == "time" and self.cell is not None:
            self.cell = attrs["datetime"]
            self.cell_fixed = True

    def handle_data(self, data):
        if self.cell is not None and not getattr(self, "cell_fixed", False):
            self.cell += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.current[-1].append(" ".join(self.cell.split()))
            self.cell, self.cell_fixed = None, False
        elif tag == "table":
            self.tables[self.caption] = self.current
            self.current = None


@pytest.mark.parametrize("programme", ["piano", None])
def test_every_chart_is_an_accessible_svg_followed_by_its_table_and_the_same_numbers_as_csv(
    client, programme
):
    world()
    url = (
        reverse("participation:programme", args=[programme])
        if programme
        else reverse("participation:portal")
    )
    response = client.get(url)
    page = response.content.decode()
    # the Content-Security-Policy forbids style attributes and elements: none
    assert " style=" not in page and "<style" not in page
    tables = Tables()
    tables.feed(page)
    svgs = re.findall(r'<svg [^>]*class="chart".*?</svg>', page, flags=re.S)
    drawn = {re.search(r'id="chart-([a-z-]+)"', svg).group(1): svg for svg in svgs}
    # on this dataset every chart has something to show
    assert set(drawn) == set(charts_for(programme))
    for slug, svg in drawn.items():
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        title_id, desc_id = root.get("aria-labelledby").split()
        assert root.find(f"{SVG}title").get("id") == title_id and root.find(f"{SVG}title").text
        assert root.find(f"{SVG}desc").get("id") == desc_id and root.find(f"{SVG}desc").text
        assert root.get("viewBox").startswith("0 0 360 ")
        patterns = root.findall(f"{SVG}defs/{SVG}pattern")
        fills = {el.get("fill") for el in root.iter() if el.get("fill", "").startswith("url(")}
        assert fills <= {f"url(#{p.get('id')})" for p in patterns}
        # the table after it, and its CSV: the same header and rows
        table = tables.tables[f"chart-{slug}-caption"]
        csv_url = (
            reverse("participation:programme_chart_csv", args=[programme, slug])
            if programme
            else reverse("participation:portal_chart_csv", args=[slug])
        )
        assert csv_rows(client, csv_url) == table, slug
        assert f'href="{csv_url}"' in page
        excel = client.get(csv_url.replace(".csv", "-excel.csv")).content.decode("utf-8")
        assert excel.startswith("\ufeff" + ";".join(table[0]))


def test_the_chart_module_draws_every_series_with_its_own_pattern_and_neutralises_formulas():
    chart = charts.Chart(
        slug="prova",
        title="Prova <1>",
        description="Una prova.",
        category="Cosa",
        series=[charts.Series(f"Serie {i}") for i in range(4)],
        rows=[charts.Row("=SOMMA(A1)", (1, 2, 3, 4)), charts.Row("Un'altra <b>", (0, 0, 0, 1))],
        kind=charts.STACKED,
    )
    root = ET.fromstring(str(chart.svg()))
    patterns = root.findall(f"{SVG}defs/{SVG}pattern")
    assert len(patterns) == 4
    # each pattern is a different colour with different white marks on it: apart in grayscale
    colours = {p.find(f"{SVG}rect").get("fill") for p in patterns}
    marks = {b"".join(ET.tostring(mark) for mark in list(p)[1:]) for p in patterns}
    assert len(colours) == 4 and len(marks) == 4
    # text is escaped: the SVG parses, and says what it was given
    assert root.find(f"{SVG}title").text == "Prova <1>"
    assert "Un'altra <b>" in "".join(root.itertext())
    assert list(csv.reader(io.StringIO(chart.csv()))) == [
        ["Cosa", "Serie 0", "Serie 1", "Serie 2", "Serie 3", "Totale"],
        ["'=SOMMA(A1)", "1", "2", "3", "4", "10"],
        ["Un'altra <b>", "0", "0", "0", "1", "1"],
    ]


def test_a_programme_without_contributions_says_so_without_empty_charts(client):
    ProgrammeFactory(slug="vuoto")
    response = client.get(reverse("participation:programme", args=["vuoto"]))
    page = response.content.decode()
    assert "Questo programma non ha ancora contributi pubblici" in page
    assert "Nessun incontro per ora." in page
    assert "Nessuna versione è stata inviata alle zone per la validazione." in page
    assert 'class="chart"' not in page and "<table" not in page


def test_the_pages_are_linked_from_the_programme_and_the_footer(client):
    ProgrammeFactory(slug="piano")
    page = client.get(reverse("patto:programme", args=["piano"])).content.decode()
    assert f'href="{reverse("participation:programme", args=["piano"])}"' in page
    assert f'href="{reverse("participation:portal")}"' in page
    english = client.get("/en/partecipazione/").content.decode()
    assert "Participation in numbers" in english


def test_bad_addresses_are_not_found(client):
    ProgrammeFactory(slug="piano")
    for url in [
        "/programmi/nessuno/partecipazione/",
        "/programmi/piano/partecipazione/nessuno.csv",
        "/programmi/piano/partecipazione/programmi.csv",
        "/partecipazione/tavoli-excel.csv",
    ]:
        assert client.get(url).status_code == 404, url
    # a query string the page does not read changes nothing
    assert client.get("/partecipazione/?x=" + "parola " * 2000).status_code == 200


@pytest.mark.parametrize("size", [1, 3])
def test_the_pages_run_the_same_queries_at_any_size(client, django_assert_num_queries, size):
    world(size)
    # the programme, ten counts, the programmes of the header's menu
    with django_assert_num_queries(11):
        assert client.get(reverse("participation:programme", args=["piano"])).status_code == 200
    with django_assert_num_queries(10):
        assert client.get(reverse("participation:portal")).status_code == 200
    with django_assert_num_queries(2):  # the programme, the one query of this chart
        client.get(reverse("participation:programme_chart_csv", args=["piano", "canali"]))


def test_the_page_comes_from_the_cache_until_a_contribution_is_hidden(
    client, django_assert_num_queries, staff
):
    world()
    url = reverse("participation:programme", args=["piano"])
    first = client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).content == first.content
    online = Contribution.objects.get(
        programme__slug="piano", moderation=Moderation.APPROVED, channel="online"
    )
    tavoli_services.hide(
        item=online, by=staff, expected_revision=online.revision, reason="Fuori tema."
    )
    assert chart_csv(client, "canali") == [
        ["Canale", "Contributi"],
        ["Tavolo o incontro", "4"],
        ["Online", "0"],
    ]
    assert "Contributi 4" in " ".join(
        re.sub(r"<[^>]+>", " ", client.get(url).content.decode()).split()
    )
