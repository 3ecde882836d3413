"""The DCAT-AP_IT catalogue of the open data (``patto.programme.catalogue``), as a harvester
such as dati.gov.it reads it: it validates against DCAT-AP's SHACL shapes (both files, loaded
together, kept in ``data/standards/dcat-ap/``), it describes every file /dati-aperti/ offers and
each of its addresses answers, its three serialisations are one graph, it names the publisher
with its IPA code, its dates come from the data, drafts and hidden contributions stay out, and
it is built in the same number of queries whatever the amount of data."""

import datetime
import re
from pathlib import Path
from urllib.parse import urlsplit

import pyshacl
import pytest
from django.conf import settings
from django.utils import timezone
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SH

from patto.models import PlanVersion, VersionStatus
from patto.programme.catalogue import DCATAPIT
from tavoli.models import Moderation
from tests.factories import ContributionFactory, MeetingFactory, PlanVersionFactory
from tests.versions import build_version, freeze

pytestmark = pytest.mark.django_db

DCAT = Namespace("http://www.w3.org/ns/dcat#")  # open: pytest's collection reads module names
SHAPES_DIR = Path(settings.BASE_DIR) / "data" / "standards" / "dcat-ap"
SHAPE_FILES = ("dcat-ap.shapes.ttl", "dcat-ap-mandatory-classes.shapes.ttl")
EXTENSIONS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}
SITE = "https://patto.example.org"
IPA = "cmto"
OWNER = "Città Metropolitana di Torino"
HIDDEN_TITLE = "Contributo nascosto dalla moderazione"


def moment(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T10:00"))


@pytest.fixture(autouse=True)
def publisher(settings):
    settings.SITE_URL = SITE
    settings.IPA_CODE = IPA
    settings.PORTAL_OWNER = OWNER
    settings.CONTACT_EMAIL = "dati@patto.example.org"


def build(size: int = 1) -> None:
    """``size`` programmes, each with a published version (submitted 2017-10-19, published
    2017-12-15), a version under validation, a draft, an approved and a hidden contribution,
    and a meeting."""
    for i in range(size):
        content = build_version(
            slug=f"piano-{i}", actions=2, status=VersionStatus.PUBLISHED, zones=1
        )
        programme = content.programme
        PlanVersion.objects.filter(pk=content.version.pk).update(
            submitted_at=moment("2017-10-19"), published_at=moment("2017-12-15")
        )
        freeze(
            PlanVersionFactory(programme=programme, number=2),
            VersionStatus.IN_VALIDATION,
            submitted_at=moment("2018-03-01"),
        )
        PlanVersionFactory(programme=programme, number=3)  # a draft
        ContributionFactory(programme=programme, title=f"Proposta pubblica {i}")
        ContributionFactory(
            programme=programme,
            title=HIDDEN_TITLE,
            moderation=Moderation.HIDDEN,
            hidden_reason="Fuori tema.",
        )
        MeetingFactory(programme=programme, title=f"Incontro {i}")


def catalogue(client, extension: str = "ttl") -> Graph:
    response = client.get(f"/dati-aperti/catalogo.{extension}")
    assert response.status_code == 200
    return Graph().parse(data=response.content, format=EXTENSIONS[extension])


def shapes() -> Graph:
    """Both shape files, with what their ``owl:imports`` (the DCAT vocabulary) would add and
    pyshacl does not fetch: that ``dcat:Catalog``, ``dcat:Dataset``… are classes. A node shape
    applies to the instances of its own IRI only when that IRI is a class in the shapes graph
    (SHACL's implicit class targets): without these four triples pyshacl checks the mandatory
    classes and no property at all (the first test shows both)."""
    graph = Graph()
    for name in SHAPE_FILES:
        graph.parse(SHAPES_DIR / name, format="turtle")
    for shape in set(graph.subjects(RDF.type, SH.NodeShape)):
        if str(shape).startswith(str(DCAT)):
            graph.add((shape, RDF.type, RDFS.Class))
    return graph


def validate(graph: Graph) -> tuple[bool, str]:
    conforms, _results, text = pyshacl.validate(graph, shacl_graph=shapes(), inference="rdfs")
    return conforms, text


def node(name: str) -> URIRef:
    return URIRef(f"{SITE}/dati-aperti/catalogo#{name}")


def test_the_catalogue_validates_against_both_dcat_ap_shape_files(client):
    build()
    graph = catalogue(client)
    conforms, report = validate(graph)
    assert conforms, report
    # the shapes do check properties: a dataset without a description fails them…
    graph.remove((node("azioni-piano-0-1"), DCTERMS.description, None))
    conforms, report = validate(graph)
    assert not conforms
    assert "dct:description" in report
    # …which the two files alone, without the classes their imports declare, would not see
    bare = Graph()
    for name in SHAPE_FILES:
        bare.parse(SHAPES_DIR / name, format="turtle")
    assert pyshacl.validate(graph, shacl_graph=bare, inference="rdfs")[0]


def test_the_demo_catalogue_validates_too(client):
    """The content the demo loads (a programme with two public versions, contributions at
    tables and meetings of 2017): the same validation."""
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    conforms, report = validate(catalogue(client))
    assert conforms, report


def test_every_file_of_the_open_data_page_is_a_distribution_whose_address_answers(client):
    build()
    page = client.get("/dati-aperti/").content.decode()
    downloads = {
        SITE + href
        for href in re.findall(r'href="([^"]+)"', page)
        if re.search(r"\.(csv|json|ods|xlsx)$", href)
    }
    graph = catalogue(client)
    addresses = {str(url) for url in graph.objects(None, DCAT.downloadURL)}
    assert addresses == downloads
    # two public versions, contributions, meetings, the monitoring of the plan in force
    assert len(addresses) == 5 + 5 + 3 + 3 + 3 * 3
    for url in addresses:
        assert client.get(urlsplit(url).path).status_code == 200, url
    # each distribution belongs to a dataset, with its format, media type and licence
    for distribution in graph.subjects(RDF.type, DCAT.Distribution):
        assert (distribution, RDF.type, DCATAPIT.Distribution) in graph
        assert (None, DCAT.distribution, distribution) in graph
        assert graph.value(distribution, DCAT.accessURL) == graph.value(
            distribution, DCAT.downloadURL
        )
        assert str(graph.value(distribution, DCTERMS.format)).rsplit("/", 1)[-1] in {
            "CSV",
            "JSON",
            "ODS",
            "XLSX",
        }
        assert graph.value(distribution, DCAT.mediaType) is not None
        assert graph.value(distribution, DCTERMS.license) == URIRef(
            "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
        )
    # and the page links the catalogue
    assert 'href="/dati-aperti/catalogo.ttl"' in page
    assert "Catalogo dei dati (DCAT-AP_IT) per dati.gov.it" in page


def test_the_three_serialisations_are_the_same_graph(client):
    build()
    turtle, rdf_xml, json_ld = (catalogue(client, extension) for extension in EXTENSIONS)
    assert len(turtle) > 100
    assert isomorphic(turtle, rdf_xml)
    assert isomorphic(turtle, json_ld)
    for extension, media_type in (
        ("ttl", "text/turtle"),
        ("rdf", "application/rdf+xml"),
        ("jsonld", "application/ld+json"),
    ):
        response = client.get(f"/dati-aperti/catalogo.{extension}")
        assert response["Content-Type"].startswith(media_type)
        assert 'rel="license"' in response["Link"]
        assert f'<{SITE}/dati-aperti/>; rel="describedby"' in response["Link"]
    # the address the nodes are named in leads to the catalogue
    response = client.get("/dati-aperti/catalogo")
    assert response.status_code == 302
    assert response["Location"] == "/dati-aperti/catalogo.ttl"


def test_publisher_contact_languages_themes_and_dates(client):
    build()
    graph = catalogue(client)
    catalogue_node = node("catalogo")
    assert (catalogue_node, RDF.type, DCATAPIT.Catalog) in graph
    agent = graph.value(catalogue_node, DCTERMS.publisher)
    assert (agent, RDF.type, DCATAPIT.Agent) in graph
    assert graph.value(agent, DCTERMS.identifier) == Literal(IPA)
    assert graph.value(agent, FOAF.name) == Literal(OWNER, lang="it")

    dataset = node("azioni-piano-0-1")
    assert (dataset, RDF.type, DCATAPIT.Dataset) in graph
    assert graph.value(dataset, DCTERMS.identifier) == Literal(f"{IPA}:azioni-piano-0-1")
    assert graph.value(dataset, DCTERMS.publisher) == agent
    assert graph.value(dataset, DCTERMS.rightsHolder) == agent
    titles = {t.language: str(t) for t in graph.objects(dataset, DCTERMS.title)}
    assert titles == {
        "it": "Le azioni di «Piano di prova», versione 1",
        "en": "The actions of «Piano di prova», version 1",
    }
    # the dates of the version: submitted (issued) and its last change of status (modified)
    assert str(graph.value(dataset, DCTERMS.issued)) == "2017-10-19"
    assert str(graph.value(dataset, DCTERMS.modified)) == "2017-12-15"
    assert str(graph.value(node("azioni-piano-0-2"), DCTERMS.issued)) == "2018-03-01"
    email = graph.value(
        graph.value(dataset, DCAT.contactPoint), URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")
    )
    assert email == URIRef("mailto:dati@patto.example.org")
    eu = "http://publications.europa.eu/resource/authority/"
    assert set(graph.objects(dataset, DCAT.theme)) == {
        URIRef(eu + "data-theme/SOCI"),
        URIRef(eu + "data-theme/GOVE"),
    }
    assert graph.value(dataset, DCTERMS.language) == URIRef(eu + "language/ITA")
    assert graph.value(dataset, DCAT.landingPage) == URIRef(f"{SITE}/programmi/piano-0/versioni/1/")
    # the catalogue changed when its latest dataset did: today's contributions and meeting
    today = timezone.localdate().isoformat()
    assert str(graph.value(catalogue_node, DCTERMS.modified)) == today


def test_drafts_and_hidden_contributions_are_not_in_the_catalogue(client):
    build()
    response = client.get("/dati-aperti/catalogo.ttl")
    text = response.content.decode()
    graph = Graph().parse(data=text, format="turtle")
    datasets = {str(d).rsplit("#", 1)[-1] for d in graph.subjects(RDF.type, DCAT.Dataset)}
    assert datasets == {
        "azioni-piano-0-1",
        "azioni-piano-0-2",
        "contributi-piano-0",
        "incontri",
        "attuazione-azioni-piano-0",
        "attuazione-aggiornamenti-piano-0",
        "attuazione-indicatori-piano-0",
    }
    assert "versioni/3/" not in text
    assert HIDDEN_TITLE not in text


def test_without_an_ipa_code_no_catalogue_is_published(client, settings):
    """Production without ``IPA_CODE``: no catalogue with a publisher nobody can identify."""
    build()
    settings.IPA_CODE = ""
    for address in ("/dati-aperti/catalogo", "/dati-aperti/catalogo.ttl"):
        assert client.get(address).status_code == 404
    assert "catalogo.ttl" not in client.get("/dati-aperti/").content.decode()


@pytest.mark.parametrize("size", [1, 6])
def test_the_catalogue_takes_the_same_queries_whatever_the_data(
    client, django_assert_num_queries, size
):
    build(size)
    # programmes, their public versions, contributions', meetings' and monitoring's dates
    with django_assert_num_queries(5):
        graph = catalogue(client)
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 6 * size + 1
    # then from the page cache, until the data changes
    with django_assert_num_queries(0):
        assert isomorphic(catalogue(client), graph)
    build_version(slug="nuovo", status=VersionStatus.PUBLISHED)
    graph = catalogue(client)
    assert node("azioni-nuovo-1") in set(graph.subjects(RDF.type, DCAT.Dataset))
