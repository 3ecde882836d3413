"""What the portal says to machines: robots.txt, the sitemap (well-formed XML, every address in
both languages, absolute from SITE_URL, every one of them answering 200, nothing that is not
public) and /favicon.ico."""

import urllib.robotparser
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from patto.models import VersionStatus
from patto.programme.sitemaps import SECTIONS
from tavoli.models import Moderation
from tests.factories import (
    ContributionFactory,
    MeetingFactory,
    MunicipalityFactory,
    ThematicTableFactory,
    ZoneFactory,
)
from tests.versions import build_version

pytestmark = pytest.mark.django_db

SITE = "https://patto.example.org"
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def world(size: int = 1):
    """``size`` programmes, each with an archived and a published version (two actions each)
    and a draft, a table, an approved, a pending and a hidden contribution, a meeting; and a
    zone."""
    for i in range(size):
        published = build_version(slug=f"piano-{i}", actions=2, status=VersionStatus.ARCHIVED)
        programme = published.programme
        build_version(programme, number=2, actions=2, status=VersionStatus.PUBLISHED)
        build_version(programme, number=3, actions=["9.9.9"])  # a draft
        ThematicTableFactory(programme=programme, slug="casa")
        ContributionFactory(programme=programme, title=f"Approvato {i}")
        ContributionFactory(programme=programme, moderation=Moderation.PENDING)
        ContributionFactory(
            programme=programme, moderation=Moderation.HIDDEN, hidden_reason="Fuori tema."
        )
        MeetingFactory(programme=programme)
        zone = ZoneFactory()
        MunicipalityFactory(zone=zone, province=zone.province, istat_code=f"0010{i:02d}")


def path_of(url: str) -> str:
    assert url.startswith(SITE + "/"), url
    return url.removeprefix(SITE)


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return ET.fromstring(response.content)  # well-formed, or this raises


def sitemap_urls(client) -> list[ET.Element]:
    index = parse(client.get("/sitemap.xml"))
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    locations = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    assert len(locations) == len(SECTIONS)
    urls = []
    for location in locations:
        urlset = parse(client.get(path_of(location)))
        assert urlset.tag == f"{{{NS['s']}}}urlset"
        urls += urlset.findall("s:url", NS)
    return urls


def test_the_sitemap_lists_every_public_page_in_both_languages_and_each_answers(client):
    world()
    urls = sitemap_urls(client)
    locations = [url.find("s:loc", NS).text for url in urls]
    assert len(locations) == len(set(locations))
    paths = {path_of(location) for location in locations}
    for expected in [
        "/",
        "/en/",
        "/dati-aperti/",
        "/programmi/piano-0/",
        "/en/programmi/piano-0/versioni/2/",
        "/programmi/piano-0/versioni/1/matrice/",
        "/programmi/piano-0/versioni/2/azioni/1.1.1/",
        "/en/programmi/piano-0/tavoli/casa/",
        "/zone/",
    ]:
        assert expected in paths, expected
    assert any(p.startswith("/programmi/piano-0/contributi/") and p[-2].isdigit() for p in paths)
    assert any(p.startswith("/incontri/") and p[-2].isdigit() for p in paths)
    assert any(p.startswith("/zone/") and p[-2].isdigit() for p in paths)
    assert "/zone/comuni/001000/" in paths and "/en/zone/comuni/001000/" in paths
    # nothing that is not public: the draft and its action, contributions not approved
    assert not any("/versioni/3/" in p or "9.9.9" in p for p in paths)
    for url in urls:
        alternates = {
            link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)
        }
        assert set(alternates) == {"it", "en", "x-default"}
        assert alternates["x-default"] == alternates["it"]
        assert alternates["en"] == SITE + "/en" + path_of(alternates["it"])
        assert url.find("s:loc", NS).text in alternates.values()
    for path in sorted(paths):
        assert client.get(path).status_code == 200, path
    contributions = [p for p in paths if "/contributi/" in p and p[-2].isdigit()]
    assert len(contributions) == 2  # the approved one, in Italian and in English


@pytest.mark.parametrize("size", [1, 4])
def test_the_sitemap_reads_one_query_per_section(client, django_assert_num_queries, size):
    world(size)
    # every section but the fixed pages ("pagine") reads its items
    with django_assert_num_queries(len(SECTIONS) - 1):
        assert client.get("/sitemap.xml").status_code == 200
    for section in SECTIONS:
        with django_assert_num_queries(0 if section == "pagine" else 1):
            response = client.get(reverse("sitemap_section", args=[section]))
            assert response.status_code == 200, section


def test_bad_sitemap_addresses_are_not_found(client):
    world()
    for address in [
        "/sitemap-nessuna.xml",
        "/sitemap-azioni.xml?p=2",
        "/sitemap-azioni.xml?p=abc",
        "/sitemap-azioni.xml?p=-1",
    ]:
        assert client.get(address).status_code == 404, address
    # a NUL character is refused before any view (patto.core.guards)
    assert client.get("/sitemap-azioni.xml?p=%00").status_code == 400


def test_robots_txt_keeps_crawlers_out_of_private_areas_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in text.splitlines()
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(text.splitlines())
    for path in ["/redazione/", "/portavoce/", "/account/", "/admin/", "/profilo/"]:
        for prefix in ("", "/en"):
            assert not robots.can_fetch("*", SITE + prefix + path + "x/"), prefix + path
    for path in [
        "/",
        "/en/",
        "/programmi/piano/versioni/1/azioni/",
        "/dati-aperti/",
        "/programmi/piano/contributi-excel.csv",
        "/incontri/",
        "/zone/3/",
        "/sitemap.xml",
    ]:
        assert robots.can_fetch("*", SITE + path), path


def test_the_favicon_is_served_at_its_conventional_address(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "public" in response["Cache-Control"]
