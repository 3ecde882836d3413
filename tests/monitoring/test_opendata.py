"""The monitoring's open data (``patto.monitoring.opendata``): the three files of a programme's
plan in force as CSV, CSV for Excel and JSON, with exactly the columns /dati-aperti/ documents,
only what is public (no proposed or declined update), and their place in the DCAT-AP_IT
catalogue with the date the monitoring last changed."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS

from patto.models import PlanVersion, VersionStatus
from patto.monitoring import services
from patto.monitoring.opendata import DATASETS, FILES
from tests.people import someone
from tests.versions import build_version

pytestmark = pytest.mark.django_db

DCAT = Namespace("http://www.w3.org/ns/dcat#")


@pytest.fixture
def plan(staff):
    content = build_version(
        slug="piano", actions=3, zones=1, status=VersionStatus.PUBLISHED, action={"budget": 2500}
    )
    PlanVersion.objects.filter(pk=content.version.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=30)
    )
    programme, first = content.programme, content.actions[0]
    common = {"programme": programme, "action_key": first.key}
    services.record_implementation(
        **common, state="suspended", state_reason="=Fondi in arrivo", progress=40,
        committed=Decimal("1200.50"), spent=Decimal(300), expected_revision=None, by=staff,
    )  # fmt: skip
    indicator = services.add_indicator(
        **common, name="Famiglie accolte", target=Decimal(50), by=staff
    )
    services.add_indicator(**common, name="Sportelli aperti", target=Decimal(3), by=staff)
    services.record_indicator_value(
        indicator=indicator, measured_on=timezone.localdate(), value=Decimal(12), by=staff
    )
    services.add_update(
        **common, happened_on=timezone.localdate(), title="Aperto lo sportello", text="Ecco.",
        by=staff,
    )  # fmt: skip
    zone = content.zones[0]
    spokesperson = someone("spokesperson", zone=zone)
    programme.validating_zones.add(zone)
    services.add_update(
        **common, happened_on=timezone.localdate(), title="Proposta non pubblicata", text="No.",
        zone=zone, by=spokesperson,
    )  # fmt: skip
    return content


def download(client, file, format):
    return client.get(reverse(f"monitoring:opendata_{file}_{format}", args=["piano"]))


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_three_files_hold_what_is_public(client, plan):
    response = download(client, "azioni", "csv")
    assert response["Content-Disposition"].endswith('"attuazione-piano-azioni.csv"')
    assert 'rel="license"' in response["Link"]
    actions = rows(response)
    assert [r["code"] for r in actions] == [a.code for a in plan.actions]
    first = actions[0]
    assert (first["state"], first["progress_percent"]) == ("suspended", "40")
    assert first["state_reason"] == "'=Fondi in arrivo"  # no formula in a spreadsheet
    assert (first["budget_eur"], first["committed_eur"], first["spent_eur"]) == (
        "2500.00",
        "1200.50",
        "300.00",
    )
    assert actions[1]["state"] == "not_started" and actions[1]["committed_eur"] == ""

    updates = rows(download(client, "aggiornamenti", "csv"))
    assert [u["title"] for u in updates] == ["Aperto lo sportello"]
    assert updates[0]["action_code"] == plan.actions[0].code

    document = download(client, "indicatori", "json").json()
    values = document["indicator_values"]
    assert [(v["indicator"], v["value"]) for v in values] == [
        ("Famiglie accolte", 12.0),
        ("Sportelli aperti", None),  # no value yet: its target, an empty value
    ]
    assert document["documentation"].endswith("/dati-aperti/#colonne-attuazione-indicatori")
    excel = download(client, "azioni", "excel")
    assert excel.content.startswith(b"\xef\xbb\xbf") and b"1200,50" in excel.content


def test_each_file_has_the_columns_the_page_documents(client, plan):
    page = client.get(reverse("patto:open_data")).content.decode()
    for file, (dataset, _records) in FILES.items():
        header = download(client, file, "csv").content.decode().splitlines()[0]
        assert header.split(",") == dataset.names
        assert f'id="{dataset.anchor}"' in page
        assert reverse(f"monitoring:opendata_{file}_json", args=["piano"]) in page
    assert len(DATASETS) == 3


def test_without_a_plan_in_force_there_is_no_file(client):
    build_version(slug="bozza")
    response = client.get(reverse("monitoring:opendata_azioni_csv", args=["bozza"]))
    assert response.status_code == 404


def test_the_catalogue_dates_the_monitoring_by_its_last_change(client, plan, settings):
    settings.IPA_CODE = "cmto"
    graph = Graph().parse(data=client.get("/dati-aperti/catalogo.ttl").content, format="turtle")
    node = URIRef(f"{settings.SITE_URL.rstrip('/')}/dati-aperti/catalogo#attuazione-azioni-piano")
    assert (None, DCAT.dataset, node) in graph
    assert str(graph.value(node, DCTERMS.modified)) == timezone.localdate().isoformat()
    assert len(list(graph.objects(node, DCAT.distribution))) == 3


@pytest.mark.parametrize("more", [0, 4])
def test_the_files_take_the_same_queries_whatever_the_data(
    client, plan, staff, more, django_assert_num_queries
):
    for action in plan.actions[1:] * more:
        services.add_update(
            programme=plan.programme, action_key=action.key, happened_on=timezone.localdate(),
            title=f"Aggiornamento {action.code}", text="Testo.", by=staff,
        )  # fmt: skip
    # the programme, its plan in force, the actions, then the file's own rows (and their
    # attachments for the updates, the values for the indicators)
    for file, queries in (("azioni", 4), ("aggiornamenti", 5), ("indicatori", 5)):
        with django_assert_num_queries(queries):
            assert download(client, file, "json").status_code == 200
