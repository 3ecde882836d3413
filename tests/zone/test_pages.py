"""The public zone pages: the 11 zone omogenee, one zone, and "in quale zona è il mio comune?"."""

import datetime
import html as html_lib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import (
    MunicipalityFactory,
    ProgrammeFactory,
    ProvinceFactory,
    SpokespersonFactory,
    UserFactory,
    ZoneFactory,
)
from zone.models import Zone

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
    assert page.count("AMT Sud") == 1 and "Area Metropolitana Torino Sud" in page
    sud = zones[2]
    assert (sud.assigned_count, sud.municipality_count_2015) == (18, 18)
    assert "264.419" in page  # population 2011 of the 18 comuni of zone 3
    assert "Maria Rossi – Sindaca di Orbassano" in page
    assert "Paolo Bianchi" not in page
    assert "m.rossi@example.org" not in page
    # every other zone has no spokesperson in the reference data
    assert page.count("non indicato") == 10
    assert response.content.decode().count(f'href="{detail_url(1)}"') == 1


def test_list_says_which_zones_have_unknown_comuni_and_points_to_the_official_source(
    client, reference
):
    response = client.get(LIST_URL)

    page = text(response)
    assert page.count("Comuni non ancora noti") == 4  # zones 2, 6, 7 and 9
    assert page.count("Elenco forse incompleto") == 1  # zone 11: 22 of 23
    assert "Il portale conosce la zona di 164 dei 312 comuni della Città Metropolitana" in page
    assert "per gli altri 148" in page
    assert "«Elenco Comuni per Zona omogenea»" in page
    official = "https://www.cittametropolitana.torino.it/istituzionale/zone_omogenee.shtml"
    assert f'href="{official}"' in response.content.decode()
    assert "import_zone_membership" not in page  # operator instructions are for staff only


def test_list_tells_staff_how_to_load_the_official_list(client, reference, staff):
    staff.is_staff = True
    staff.save()
    client.force_login(staff)

    assert "manage.py import_zone_membership" in text(client.get(LIST_URL))


@pytest.mark.django_db
def test_list_without_gaps_has_no_incomplete_note(client):
    zone = ZoneFactory(municipality_count_2015=2)
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
    assert "Beinasco 001024 18.104" in page  # name, ISTAT code and population 2011
    assert len(response.context["zone"].municipality_list) == 18
    assert "Maria Rossi" in page and "Sindaca di Orbassano" in page
    assert "in carica dal 28 gennaio 2022".casefold() in page.casefold()
    assert "Portavoce precedenti" in page and "Paolo Bianchi" in page
    assert response.context["zone"].validated_programmes == [piano]  # the menu lists both
    assert "Programmi che la zona valida" in page and "Piano Sociale Metropolitano" in page
    html = response.content.decode()
    assert f'href="{piano.get_absolute_url()}"' in html
    assert 'href="https://www.ecodelchisone.it/news/2022-01-28/' in html
    assert "Comuni non ancora noti" not in page
    assert "forse incompleto" not in page


def test_detail_of_a_zone_with_unknown_comuni_says_so(client, reference):
    response = client.get(detail_url(2))

    page = text(response)
    assert "Comuni non ancora noti" in page
    assert "La delibera del 2015 assegna a questa zona 11 comuni" in page
    assert "«Elenco Comuni per Zona omogenea»" in page
    assert "Nessun comune assegnato a questa zona nel portale." in page
    assert "Portavoce non indicato." in page
    assert (
        'href="https://www.cittametropolitana.torino.it/istituzionale/zone_omogenee.shtml"'
        in response.content.decode()
    )


def test_detail_of_a_partly_known_zone_says_how_much_is_known(client, reference):
    page = text(client.get(detail_url(11)))

    assert "Elenco dei comuni forse incompleto" in page
    assert "Il portale conosce 22 dei 23 comuni" in page


def test_detail_shows_the_note_of_a_source(client, reference):
    page = text(client.get(detail_url(4)))

    assert "Mappano" in page
    assert "DCM n.55 4/8/2021 (Mappano)" in page
    assert "La zona ha oggi 8 comuni, 7 secondo la delibera del 2015" in page


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
    sheet = tmp_path / "elenco.csv"
    sheet.write_text("zona,codice istat,comune\n7,001086,Ciriè\n", encoding="utf-8")
    call_command("import_zone_membership", str(sheet), stdout=StringIO())

    page = text(search(client, "cirie"))
    assert "Zona omogenea: Zona 7 – Ciriacese - Valli di Lanzo" in page
    assert "Zona non ancora nota" not in page
    detail = text(client.get(detail_url(7)))
    assert "Ciriè 001086" in detail
    assert "Il portale conosce 1 dei 40 comuni" in detail


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
    assert "Zona omogenea: Zona 3 – AMT Sud" in text(response)
    assert f'href="{detail_url(3)}"' in response.content.decode()


def test_search_result_in_another_province_says_zones_exist_only_in_torino(client, reference):
    response = search(client, "cuneo")

    assert result_names(response)[0] == "Cuneo"
    page = text(response)
    assert "Provincia di Cuneo (CN)" in page
    assert "Non è nella Città Metropolitana di Torino: le zone omogenee esistono solo lì." in page
    assert "Zona non ancora nota" not in page


def test_search_result_in_torino_without_zone_is_honest_about_the_gap(client, reference):
    page = text(search(client, "ciriè"))

    assert "Città Metropolitana di Torino (TO)" in page
    assert "Zona non ancora nota" in page
    assert "L'elenco ufficiale dei comuni per zona non è ancora stato caricato nel portale." in page
    assert "Non è nella Città Metropolitana" not in page


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
        zone = ZoneFactory(province=torino, municipality_count_2015=comuni + 1)
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

    # menu, zones with counts, current spokespersons, totals of the Città Metropolitana
    with django_assert_num_queries(4):
        response = client.get(LIST_URL)
    assert len(response.context["zones"]) == size[0]


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_detail_query_count(client, django_assert_num_queries, size):
    build_territory(*size)
    number = Zone.objects.order_by("number").first().number

    # menu, zone, comuni, spokespersons, programmes
    with django_assert_num_queries(5):
        response = client.get(detail_url(number))
    assert len(response.context["zone"].municipality_list) == size[1]
    assert len(response.context["zone"].current_assignments) == size[2]


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_search_query_count(client, django_assert_num_queries, size):
    build_territory(*size)

    # menu, comuni with province and zone
    with django_assert_num_queries(2):
        response = search(client, "comune")
    assert len(response.context["results"]) == min(50, size[0] * size[1] * 2 + 1)
