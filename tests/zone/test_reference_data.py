"""Loading the reference data: provinces, comuni, zone omogenee and the known memberships."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zone.models import Municipality, Province, Zone
from zone.reference_data import load_reference_data


def _load():
    return load_reference_data(data_dir=settings.REFERENCE_DATA_DIR)


@pytest.mark.django_db
def test_load_creates_every_row():
    counts = _load()

    assert counts["provinces"] == {"created": 8, "updated": 0, "unchanged": 0}
    assert counts["zones"] == {"created": 11, "updated": 0, "unchanged": 0}
    assert counts["municipalities"] == {"created": 1181, "updated": 0, "unchanged": 0}
    assert counts["memberships"] == {"created": 208, "updated": 0, "unchanged": 0, "kept": 0}
    assert Province.objects.count() == 8
    assert Zone.objects.count() == 11
    assert Municipality.objects.count() == 1181
    assert Municipality.objects.filter(zone__isnull=False).count() == 208
    assert Municipality.objects.filter(province__istat_code="001").count() == 312


@pytest.mark.django_db
def test_load_keeps_codes_as_strings_and_links_the_rows():
    _load()

    torino = Province.objects.get(istat_code="001")
    assert torino.is_metropolitan_city
    assert list(Province.objects.filter(is_metropolitan_city=True)) == [torino]
    assert Province.objects.get(istat_code="096").abbreviation == "BI"
    assert set(Zone.objects.values_list("province", flat=True)) == {torino.pk}

    aglie = Municipality.objects.get(istat_code="001001")
    assert (aglie.name, aglie.province, aglie.population_2011) == ("Agliè", torino, 2644)
    assert Municipality.objects.get(name="Ciriè").search_name == "cirie"
    assert Municipality.objects.get(name="Avigliana").zone is None  # no public source yet

    beinasco = Municipality.objects.get(istat_code="001024")
    assert beinasco.zone.number == 3
    assert beinasco.zone_source.startswith("https://docslib.org/doc/4934853/prop-200-804-pub ")
    assert "https://www.ecodelchisone.it/" in beinasco.zone_source  # both sources kept
    assert beinasco.zone_origin == Municipality.ZoneOrigin.REFERENCE
    assert Municipality.objects.get(istat_code="001272").zone.name == "Torino"


@pytest.mark.django_db
def test_load_is_fast(django_assert_max_num_queries):
    # Bulk reads and writes: the number of queries does not grow with the number of comuni
    # (the zones' shapes on the map: three of them).
    with django_assert_max_num_queries(33):
        _load()


@pytest.mark.django_db
def test_second_run_changes_nothing():
    _load()

    with CaptureQueriesContext(connection) as queries:
        counts = _load()

    for kind in ("provinces", "zones", "municipalities", "memberships"):
        assert counts[kind]["created"] == 0, kind
        assert counts[kind]["updated"] == 0, kind
    assert counts["municipalities"]["unchanged"] == 1181
    assert counts["memberships"]["unchanged"] == 208
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []


@pytest.mark.django_db
def test_second_run_repairs_what_differs():
    _load()
    Municipality.objects.filter(istat_code="001001").update(name="Aglie", population_2011=1)
    Municipality.objects.filter(istat_code="001003").delete()
    Municipality.objects.filter(istat_code="001024").update(zone=None, zone_source="")
    Municipality.objects.filter(istat_code="001038").update(zone_source="")
    Zone.objects.filter(number=5).update(name="Pinerolo")

    counts = _load()

    assert counts["municipalities"] == {"created": 1, "updated": 1, "unchanged": 1179}
    assert counts["zones"] == {"created": 0, "updated": 1, "unchanged": 10}
    assert counts["memberships"] == {"created": 1, "updated": 1, "unchanged": 206, "kept": 0}
    aglie = Municipality.objects.get(istat_code="001001")
    assert (aglie.name, aglie.search_name, aglie.population_2011) == ("Agliè", "aglie", 2644)
    assert Municipality.objects.get(istat_code="001003").search_name == "ala di stura"
    assert Municipality.objects.get(istat_code="001024").zone.number == 3
    assert Municipality.objects.get(istat_code="001038").zone_source
    assert Zone.objects.get(number=5).name == "Pinerolese"


@pytest.mark.django_db
@pytest.mark.parametrize("origin", [Municipality.ZoneOrigin.OFFICIAL, ""])  # "": before 0004
def test_reload_keeps_a_zone_set_by_the_official_spreadsheet(origin):
    _load()
    amt_ovest = Zone.objects.get(number=2)
    Municipality.objects.filter(istat_code="001024").update(
        zone=amt_ovest, zone_source="https://example.org/elenco.ods", zone_origin=origin
    )

    counts = _load()

    assert counts["memberships"]["kept"] == 1
    assert counts["memberships"]["created"] == 0
    beinasco = Municipality.objects.get(istat_code="001024")
    assert (beinasco.zone, beinasco.zone_source) == (amt_ovest, "https://example.org/elenco.ods")


@pytest.mark.django_db
def test_memberships_per_zone_and_counts_of_today_and_of_2015():
    _load()

    known = {
        zone.number: (
            zone.municipalities.count(),
            zone.municipality_count,
            zone.municipality_count_2015,
        )
        for zone in Zone.objects.all()
    }
    # comuni known, comuni today (None: no source states it), comuni of the January 2015 proposal
    assert known == {
        1: (1, 1, 1),
        2: (14, 14, 11),
        3: (18, 18, 18),
        4: (8, 8, 7),
        5: (45, 45, 45),
        6: (2, 40, 43),
        7: (22, None, 40),
        8: (46, 46, 45),
        9: (6, None, 59),
        10: (24, 24, 23),
        11: (22, 22, 23),
    }
    assert Zone.objects.get(number=4).municipality_count_source.startswith(
        "https://docslib.org/doc/4934853/prop-200-804-pub (7 comuni) + http://www.torinometropoli.it"
    )
    assert Zone.objects.get(number=7).municipality_count_source == ""
    # a source for every membership, each starting with a web address
    sources = Municipality.objects.filter(zone__isnull=False).values_list("zone_source", flat=True)
    assert len(sources) == 208
    assert all(source.startswith(("https://", "http://")) for source in sources)
    mappano = Municipality.objects.get(name="Mappano")
    assert mappano.zone.number == 4
    assert "inserimento di Mappano" in mappano.zone_source


@pytest.mark.django_db
def test_a_newer_copy_of_the_data_brings_its_sources_along():
    _load()
    # as loaded from the earlier copy of data/, which cited one article only
    Municipality.objects.filter(istat_code="001024").update(
        zone_source="https://www.ecodelchisone.it/news/2022-01-28/nominati"
    )

    counts = _load()

    assert counts["memberships"]["updated"] == 1
    assert Municipality.objects.get(istat_code="001024").zone_source.startswith(
        "https://docslib.org/"
    )


@pytest.mark.django_db
def test_reload_never_touches_a_membership_from_the_official_list():
    _load()
    Municipality.objects.filter(istat_code="001038").update(
        zone_source="https://example.org/elenco.ods",
        zone_origin=Municipality.ZoneOrigin.OFFICIAL,
    )

    counts = _load()

    assert counts["memberships"]["kept"] == 1
    bruino = Municipality.objects.get(istat_code="001038")
    assert (bruino.zone.number, bruino.zone_source) == (3, "https://example.org/elenco.ods")


@pytest.mark.django_db
def test_command_prints_the_counts():
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    text = out.getvalue()
    assert "Province: 8 nuove, 0 aggiornate, 0 invariate" in text
    assert "Zone omogenee: 11 nuove" in text
    assert "Comuni: 1181 nuovi, 0 aggiornati, 0 invariati" in text
    assert "Comuni assegnati a una zona: 208 nuovi" in text

    out = StringIO()
    call_command("load_reference_data", f"--data-dir={settings.REFERENCE_DATA_DIR}", stdout=out)
    text = out.getvalue()
    assert "Comuni: 0 nuovi, 0 aggiornati, 1181 invariati" in text
    assert "Nessuna modifica" in text


@pytest.mark.django_db
def test_command_fails_on_a_missing_directory(tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_reference_data", f"--data-dir={tmp_path / 'nowhere'}", stderr=err)
    assert "province_piemonte.csv" in err.getvalue()
    assert not Province.objects.exists()
