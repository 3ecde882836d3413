"""The public zone pages: the 11 zone omogenee, one zone, and "in quale zona è il mio comune?"."""

import datetime
import html as html_lib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from patto.models import VersionStatus
from tests.factories import (
    MeetingFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProvinceFactory,
    SpokespersonFactory,
    UserFactory,
    ZoneFactory,
)
from tests.people import someone
from tests.versions import build_version
from zone.models import Municipality, Zone

LIST_URL = reverse("zone:list")
SEARCH_URL = reverse("zone:municipality_search")


@pytest.fixture
def reference(db):
    call_command("load_reference_data", stdout=StringIO())


def detail_url(number: int) -> str:
    return reverse("zone:detail", kwargs={"number": number})


def text(response) -> str:
    """The page as a visitor reads it: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def text_beside_map(response) -> str:
    """The page's text without the map (whose zones' numbers are links named after them)."""
    html = re.sub(
        r'<figure class="zone-map-figure">.*?</figure>', " ", response.content.decode(), flags=re.S
    )
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def status(response) -> str:
    match = re.search(r'role="status"[^>]*>(.*?)</', response.content.decode(), flags=re.S)
    assert match, "the page has no role=status element"
    return " ".join(match.group(1).split())


def search(client, q):
    return client.get(SEARCH_URL, {"q": q})


def result_names(response) -> list[str]:
    return [m.name for m in response.context["results"]]


# The list of zones ---------------------------------------------------------------------------


def test_list_shows_the_eleven_zones_with_counts_population_and_spokesperson(client, reference):
    SpokespersonFactory(
        zone=Zone.objects.get(number=3),
        user=UserFactory(first_name="Maria", last_name="Rossi", email="m.rossi@example.org"),
        role="Sindaca di Orbassano",
    )
    SpokespersonFactory(  # no longer in office: not shown
        zone=Zone.objects.get(number=3),
        user=UserFactory(first_name="Paolo", last_name="Bianchi"),
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2015, 12, 31),
    )

    response = client.get(LIST_URL)

    assert response.status_code == 200
    zones = response.context["zones"]
    assert [z.number for z in zones] == list(range(1, 12))
    page = text(response)
    # the table on a laptop, the list on a phone: each zone once in each; and on the map, its
    # number's link and the list next to the map
    assert page.count("AMT Sud") == 4 and "Area Metropolitana Torino Sud" in page
    sud = zones[2]
    assert (sud.assigned_count, sud.municipality_count) == (18, 18)
    assert "264.419" in page  # population 2011 of the 18 comuni of zone 3
    assert "Maria Rossi – Sindaca di Orbassano" in page
    assert "Paolo Bianchi" not in page
    assert "m.rossi@example.org" not in page
    # every other zone has no spokesperson in the reference data (table and list)
    assert page.count("non indicato") == 20
    # the table, the list, the zone's number on the map and the list next to the map
    assert response.content.decode().count(f'href="{detail_url(1)}"') == 4


def test_list_says_which_zones_have_unknown_comuni_and_points_to_the_official_source(
    client, reference
):
    response = client.get(LIST_URL)

    page = text(response)
    # zones 6, 7 and 9, in the table and in the list
    assert page.count("Elenco incompleto") == 6
    assert page.count("Elenco completo") == 16
    assert page.count("Conosciamo 2 dei 40 comuni di questa zona.") == 2
    assert page.count("Conosciamo tutti i 14 comuni di questa zona.") == 2
    assert (
        page.count(
            "Conosciamo 22 comuni di questa zona, ma nessuna fonte dice quanti sono oggi in tutto. "
            "La proposta di gennaio 2015 ne contava 40."
        )
        == 2
    )
    assert "Conosciamo la zona di 208 dei 312 comuni della Città Metropolitana" in page
    assert "Per gli altri 104 nessuna fonte pubblica" in page
    assert "«Elenco Comuni per Zona omogenea»" in page
    official = "https://www.cittametropolitana.torino.it/istituzionale/zone_omogenee.shtml"
    assert f'href="{official}"' in response.content.decode()
    # how to load the official list is for the redazione only
    assert reverse("redazione:zone_import") not in response.content.decode()
    assert "Per la redazione" not in page


@pytest.mark.parametrize("role", ["registered", "spokesperson"])
def test_list_keeps_the_staff_instructions_from_other_people(client, reference, role):
    client.force_login(someone(role, zone=Zone.objects.get(number=1)))

    assert reverse("redazione:zone_import") not in client.get(LIST_URL).content.decode()


def test_list_tells_staff_how_to_load_the_official_list(client, reference, staff):
    client.force_login(staff)

    response = client.get(LIST_URL)

    assert "Per la redazione: carica l'elenco ufficiale (ODS o CSV)" in text(response)
    assert f'href="{reverse("redazione:zone_import")}"' in response.content.decode()


@pytest.mark.django_db
def test_list_without_gaps_has_no_incomplete_note(client):
    zone = ZoneFactory(municipality_count=2)
    MunicipalityFactory.create_batch(2, zone=zone, population_2011=1000)

    page = text(client.get(LIST_URL))

    assert "Dati ancora incompleti" not in page
    assert "Comuni non ancora noti" not in page
    assert "2.000" in page


@pytest.mark.django_db
def test_list_has_the_municipality_search_box(client):
    ZoneFactory()

    html = client.get(LIST_URL).content.decode()

    assert f'action="{SEARCH_URL}"' in html
    assert re.search(r'<input type="search" name="q"[^>]*id="id_q"', html)
    assert '<label for="id_q"' in html


def test_menu_marks_the_zone_pages_as_current(client, reference):
    zone_link = re.compile(rf'<a class="nav-link active" href="{LIST_URL}" aria-current="page">')

    for url in (LIST_URL, detail_url(3), SEARCH_URL):
        assert zone_link.search(client.get(url).content.decode()), url
    home = client.get(reverse("home")).content.decode()
    assert f'href="{LIST_URL}"' in home
    assert not zone_link.search(home)


# One zone ------------------------------------------------------------------------------------


def test_detail_shows_comuni_spokespersons_sources_and_programmes(client, reference):
    zone = Zone.objects.get(number=3)
    SpokespersonFactory(
        zone=zone,
        user=UserFactory(first_name="Maria", last_name="Rossi"),
        role="Sindaca di Orbassano",
        start_date=datetime.date(2022, 1, 28),
    )
    SpokespersonFactory(
        zone=zone,
        user=UserFactory(first_name="Paolo", last_name="Bianchi"),
        start_date=datetime.date(2016, 1, 1),
        end_date=datetime.date(2022, 1, 27),
    )
    piano = ProgrammeFactory(title="Piano Sociale Metropolitano")
    piano.validating_zones.add(zone)
    ProgrammeFactory(title="Patto regionale")  # validated by staff, not by the zones

    response = client.get(detail_url(3))

    assert response.status_code == 200
    page = text(response)
    assert "Zona 3 – AMT Sud" in page and "Area Metropolitana Torino Sud" in page
    assert "Beinasco 18.104" in page  # name and population 2011
    assert "Conosciamo tutti i 18 comuni di questa zona." in page
    assert len(response.context["zone"].municipality_list) == 18
    assert "Maria Rossi" in page and "Sindaca di Orbassano" in page
    assert "in carica dal 28 gennaio 2022".casefold() in page.casefold()
    assert "Portavoce precedenti" in page and "Paolo Bianchi" in page
    assert response.context["zone"].validated_programmes == [piano]  # the menu lists both
    assert "Programmi che la zona valida" in page and "Piano Sociale Metropolitano" in page
    html = response.content.decode()
    assert f'href="{piano.get_absolute_url()}"' in html
    # sources are links named after their site, with their note
    assert 'href="https://docslib.org/doc/4934853/prop-200-804-pub">docslib.org</a>' in html
    assert "DCM Torino 31/01/2019 prot. 804/2019" in page
    assert "Comuni non ancora noti" not in page
    assert "incompleto" not in page


def test_detail_of_a_zone_with_unknown_comuni_says_so(client, reference):
    Zone.objects.get(number=6).municipalities.update(zone=None)

    response = client.get(detail_url(6))

    page = text(response)
    assert "Comuni non ancora noti" in page
    assert "Non conosciamo ancora nessuno dei 40 comuni di questa zona." in page
    assert "non tiriamo a indovinare" in page
    assert "«Elenco Comuni per Zona omogenea»" in page
    assert "Nessun comune assegnato a questa zona nel portale." in page
    assert "Portavoce non indicato." in page
    assert (
        'href="https://www.cittametropolitana.torino.it/istituzionale/zone_omogenee.shtml"'
        in response.content.decode()
    )


def test_detail_of_a_partly_known_zone_says_how_much_is_known(client, reference):
    page = text(client.get(detail_url(6)))

    assert "Elenco dei comuni incompleto" in page
    assert "Conosciamo 2 dei 40 comuni di questa zona." in page
    assert "Comuni oggi 40" in page
    assert "Comuni nella proposta di gennaio 2015 43" in page
    assert "lagenda.news (40 comuni, 104,976 inhabitants)" in page  # where 40 comes from


def test_detail_of_a_zone_whose_count_no_source_states_does_not_guess_it(client, reference):
    page = text(client.get(detail_url(9)))

    assert "Elenco dei comuni incompleto" in page
    assert "Conosciamo 6 comuni di questa zona, ma nessuna fonte dice quanti sono oggi" in page
    assert "La proposta di gennaio 2015 ne contava 59." in page
    assert "Comuni oggi nessuna fonte lo dice" in page


def test_detail_shows_the_note_of_a_source(client, reference):
    response = client.get(detail_url(4))
    page = text(response)

    assert "Mappano" in page
    assert (
        "(DCM n.55 del 4/8/2021: inserimento di Mappano nella zona omogenea n.4 AMT Nord)" in page
    )
    assert "Conosciamo tutti gli 8 comuni di questa zona." in page
    assert "Comuni oggi 8" in page and "Comuni nella proposta di gennaio 2015 7" in page
    # no source address is shown as text: each is a link named after its site
    assert "http://www.torinometropoli.it" not in page
    assert 'href="http://www.torinometropoli.it/cms/territorio-urbanistica/' in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_detail_never_shows_a_spokespersons_email(client):
    SpokespersonFactory(zone=ZoneFactory(number=5), user=UserFactory(email="p@example.org"))

    page = text(client.get(detail_url(5)))

    assert "nome non indicato" in page
    assert "p@example.org" not in page


@pytest.mark.django_db
def test_unknown_zone_is_404(client):
    ZoneFactory(number=1)

    assert client.get(detail_url(99)).status_code == 404


def test_official_list_once_imported_fills_the_gap(client, reference, tmp_path):
    Municipality.objects.filter(istat_code="001086").update(zone=None, zone_source="")
    sheet = tmp_path / "elenco.csv"
    sheet.write_text("zona,codice istat,comune\n7,001086,Ciriè\n", encoding="utf-8")
    call_command("import_zone_membership", str(sheet), stdout=StringIO())

    page = text(search(client, "cirie"))
    assert "Ciriè è nella zona omogenea Zona 7 – Ciriacese - Valli di Lanzo" in page
    assert "Non sappiamo ancora" not in page
    detail = text(client.get(detail_url(7)))
    assert "Ciriè 18.415" in detail
    assert "Conosciamo 22 comuni di questa zona" in detail


# "In quale zona è il mio comune?" ------------------------------------------------------------


@pytest.mark.parametrize("q", ["ciriè", "CIRIE", "cirie", "Ciriè ", "CIRIÈ"])
def test_search_ignores_case_and_accents(client, reference, q):
    response = search(client, q)

    assert result_names(response) == ["Ciriè"]
    assert status(response).startswith("1 comune corrisponde a")


@pytest.mark.parametrize("q", ["albiano d ivrea", "Albiano d'Ivrea", "albiano d’ivrea"])
def test_search_reads_apostrophes_as_spaces(client, reference, q):
    assert result_names(search(client, q)) == ["Albiano d'Ivrea"]


def test_search_result_in_a_zone_links_the_zone(client, reference):
    response = search(client, "beinasco")

    assert "Città Metropolitana di Torino (TO)" in text(response)
    assert "Beinasco è nella zona omogenea Zona 3 – AMT Sud" in text(response)
    assert f'href="{detail_url(3)}"' in response.content.decode()


def test_search_result_in_another_province_says_zones_exist_only_in_torino(client, reference):
    response = search(client, "cuneo")

    assert result_names(response)[0] == "Cuneo"
    page = text(response)
    assert "Provincia di Cuneo (CN)" in page
    assert (
        "Cuneo non è nella Città Metropolitana di Torino: le zone omogenee esistono solo lì."
        in (page)
    )
    assert "Non sappiamo ancora" not in page


def test_search_result_in_torino_without_zone_is_honest_about_the_gap(client, reference):
    response = search(client, "avigliana")
    page = text_beside_map(response)

    assert "Città Metropolitana di Torino (TO)" in page
    assert (
        "Non sappiamo ancora a quale zona appartiene Avigliana: nessuna fonte pubblica in "
        "formato aperto lo dice, e non tiriamo a indovinare." in page
    )
    assert "Non è nella Città Metropolitana" not in page
    assert "Zona 6" not in page  # no guess, not even the likeliest
    assert 'href="/zone/comuni/001013/"' in response.content.decode()


def test_search_without_match_says_so(client, reference):
    response = search(client, "xyzzy")

    assert result_names(response) == []
    assert status(response).startswith("Nessun comune del Piemonte corrisponde a «xyzzy»")


def test_empty_search_shows_only_the_form(client, reference, django_assert_num_queries):
    with django_assert_num_queries(1):  # the menu
        response = client.get(SEARCH_URL)

    html = response.content.decode()
    assert '<input type="search" name="q"' in html
    assert 'role="status"' not in html
    assert "Risultati" not in text(response)
    assert 'role="status"' not in search(client, "   ").content.decode()


@pytest.mark.django_db
def test_search_ranks_prefix_then_word_then_anywhere(client):
    for name in ["Borgonuovo", "Castel Nuovo", "Nuovo Borgo", "Abbanuovo", "Nuovolento"]:
        MunicipalityFactory(name=name)
    MunicipalityFactory(name="Altro")

    names = result_names(search(client, "NUOVO"))

    assert names == ["Nuovo Borgo", "Nuovolento", "Castel Nuovo", "Abbanuovo", "Borgonuovo"]


def test_search_ranks_the_comune_named_like_the_query_first(client, reference):
    names = result_names(search(client, "ivrea"))

    assert names[0] == "Ivrea"
    assert "Albiano d'Ivrea" in names


def test_search_is_capped_and_says_there_are_more(client, reference):
    response = search(client, "a")

    assert len(response.context["results"]) == 50
    assert status(response).startswith("Più di 50 comuni corrispondono a «a»")


# Query counts --------------------------------------------------------------------------------


def build_territory(zones: int, comuni: int, spokespersons: int):
    """``zones`` zones of the Città Metropolitana, each with ``comuni`` comuni and
    ``spokespersons`` current spokespersons (plus one past), a programme they validate, and as
    many comuni of another province."""
    torino = ProvinceFactory()
    cuneo = ProvinceFactory(istat_code="004", name="Cuneo", abbreviation="CN")
    programme = ProgrammeFactory()
    for _ in range(zones):
        zone = ZoneFactory(province=torino, municipality_count=comuni + 1)
        programme.validating_zones.add(zone)
        for _ in range(comuni):
            MunicipalityFactory(
                name="Comune zona", zone=zone, province=torino, zone_source="https://a.example/x"
            )
            MunicipalityFactory(name="Comune altrove", province=cuneo)
        SpokespersonFactory.create_batch(spokespersons, zone=zone)
        SpokespersonFactory(zone=zone, end_date=datetime.date(2017, 1, 1))
    MunicipalityFactory(name="Comune senza zona", province=torino)


SIZES = [(2, 2, 1), (11, 12, 3)]


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_list_query_count(client, django_assert_num_queries, size):
    build_territory(*size)

    # menu, zones with counts, current spokespersons, the comuni on the map, totals of the Città
    # Metropolitana, the official page
    with django_assert_num_queries(6):
        response = client.get(LIST_URL)
    assert len(response.context["zones"]) == size[0]


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_detail_query_count(client, django_assert_num_queries, size):
    build_territory(*size)
    number = Zone.objects.order_by("number").first().number

    # menu, zone, comuni, spokespersons, programmes, their published versions; the map's zones
    # and comuni
    with django_assert_num_queries(9):
        response = client.get(detail_url(number))
    assert len(response.context["zone"].municipality_list) == size[1]
    assert len(response.context["zone"].current_assignments) == size[2]


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_search_query_count(client, django_assert_num_queries, size):
    build_territory(*size)

    # menu, comuni with province and zone; the map's zones and comuni (some are found)
    with django_assert_num_queries(4):
        response = search(client, "comune")
    assert len(response.context["results"]) == min(50, size[0] * size[1] * 2 + 1)


# A comune's page -----------------------------------------------------------------------------


def municipality_url(istat_code: str) -> str:
    return reverse("zone:municipality", args=[istat_code])


def test_comune_with_a_known_zone_leads_to_the_zone_and_the_plan_there(client, reference):
    zone = Zone.objects.get(number=7)
    piano = ProgrammeFactory(title="Piano Sociale Metropolitano", slug="piano")
    piano.validating_zones.add(zone)
    build_version(piano, number=1, status=VersionStatus.PUBLISHED)

    response = client.get(municipality_url("001086"))

    page = text(response)
    assert "Ciriè è nella zona omogenea Zona 7 – Ciriacese - Valli di Lanzo" in page
    assert "Non sappiamo ancora" not in page
    html = response.content.decode()
    assert f'href="{detail_url(7)}"' in html
    assert ">torinoggi.it</a> (sindaca = portavoce Zona 7)" in html  # its source, named
    assert "Cosa fa il piano in vigore nella zona 7: le sue azioni" in page
    actions = reverse("matrice:actions", args=["piano", 1])
    assert f'href="{actions}?zona=7"' in html
    # what happens near them: the zone's next meetings, and all of them
    assert "Per ora nessun incontro in programma per questa zona." in page
    ahead = datetime.date.today() + datetime.timedelta(days=30)
    MeetingFactory(title="Incontro della zona 7", kind="zone", zone=zone, date=ahead)
    # held in one of its comuni: the zone's too, as the meetings list filtered by zone says
    MeetingFactory(
        title="Incontro a Ciriè",
        municipality=Municipality.objects.get(istat_code="001086"),
        date=ahead,
    )
    MeetingFactory(title="Incontro di un'altra zona", kind="zone", date=ahead)
    for url in (municipality_url("001086"), detail_url(7)):
        response = client.get(url)
        assert "Incontro della zona 7" in text(response) and "altra zona" not in text(response)
        assert "Incontro a Ciriè" in text(response)
        assert f'href="{reverse("incontri:list")}?zona=7"' in response.content.decode()


def test_comune_with_no_known_zone_says_so_without_guessing(client, reference):
    response = client.get(municipality_url("001013"))

    page = text_beside_map(response)
    assert (
        "Non sappiamo ancora a quale zona appartiene Avigliana: nessuna fonte pubblica in "
        "formato aperto lo dice, e non tiriamo a indovinare." in page
    )
    assert "«Elenco Comuni per Zona omogenea» della Città Metropolitana di Torino" in page
    assert (
        'href="https://www.cittametropolitana.torino.it/istituzionale/zone_omogenee.shtml"'
        in response.content.decode()
    )
    assert "Cosa fa il piano in questa zona" not in page
    assert not re.search(r"Zona \d+ –", page)  # no zone named, not even a likely one
    assert reverse("redazione:zone_import") not in response.content.decode()


def test_staff_on_a_comune_with_no_known_zone_see_how_to_load_the_official_list(
    staff_client, reference
):
    response = staff_client.get(municipality_url("001013"))

    assert "Per la redazione: carica l'elenco ufficiale (ODS o CSV)" in text(response)
    assert f'href="{reverse("redazione:zone_import")}"' in response.content.decode()


def test_comune_of_another_province_says_zones_exist_only_in_torino(client, reference):
    page = text(client.get(municipality_url("004078")))  # Cuneo

    assert "Provincia di Cuneo (CN)" in page
    assert "Cuneo non è nella Città Metropolitana di Torino" in page
    assert "Non sappiamo ancora" not in page
    # not a dead end: the Regione's programmes, and the meetings in its province
    assert "i programmi della Regione riguardano tutto il Piemonte" in page
    assert "Prossimi incontri in provincia di Cuneo" in page


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["999999", "abc", "1086"])
def test_unknown_comune_is_404(client, code):
    assert client.get(municipality_url(code)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_comune_query_count(client, django_assert_num_queries, size):
    build_territory(*size)
    municipality = Municipality.objects.filter(zone__isnull=False).first()

    # menu, comune with province and zone, the zone's count, programmes, their published
    # versions; the map's zones and comuni; the zone's next meetings
    with django_assert_num_queries(8):
        response = client.get(municipality_url(municipality.istat_code))
    assert response.context["municipality"].zone.assigned_count == size[1]
