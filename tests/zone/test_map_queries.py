"""The map of the zone omogenee on the zone pages with made-up shapes: no map where no
boundary was loaded, and a fixed number of queries whatever the number of zones and comuni."""

import re

import pytest
from django.urls import reverse

from tests.factories import (
    MunicipalityFactory,
    ProgrammeFactory,
    ProvinceFactory,
    ZoneFactory,
)
from zone.models import Municipality, Zone
from zone.services import update_zone_shapes

LIST_URL = reverse("zone:list")


def svg_of(response) -> str:
    html = response.content.decode()
    match = re.search(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', html, flags=re.S)
    assert match, "the page has no map"
    return match.group()


@pytest.mark.django_db
def test_no_map_without_boundaries(client):
    MunicipalityFactory(zone=ZoneFactory(province=ProvinceFactory()), province=ProvinceFactory())

    html = client.get(LIST_URL).content.decode()

    assert "<svg xmlns" not in html and "La mappa delle zone" not in html


def build_drawn_territory(zones: int, comuni: int) -> None:
    """``zones`` zones of ``comuni`` square comuni each, side by side, and as many comuni of
    no known zone; the zones drawn as their union, and a programme they validate."""
    torino = ProvinceFactory()
    programme = ProgrammeFactory()
    for z in range(zones):
        zone = ZoneFactory(province=torino)
        programme.validating_zones.add(zone)
        for i in range(comuni):
            x, y = 60 * z + 10 * (i % 5), 10 * (i // 5)
            MunicipalityFactory(
                name="Comune zona", zone=zone, province=torino, map_path=f"M{x} {y}l10 0 0 10-10 0z"
            )
            MunicipalityFactory(
                name="Comune ignoto", province=torino, map_path=f"M{x} {y + 500}l10 0 0 10-10 0z"
            )
    update_zone_shapes()


SIZES = [(2, 2), (11, 30)]


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_the_map_pages_run_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    build_drawn_territory(*size)
    zone = Zone.objects.order_by("number").first()
    comune = Municipality.objects.filter(zone=zone).first()
    pages = [
        # as in test_pages.py's query counts, where no boundary is loaded: the same queries
        # draw the map at any size (the list reads the comuni; the others the zones too)
        (LIST_URL, 6),
        (reverse("zone:detail", args=[zone.number]), 9),  # with its next meetings
        (reverse("zone:municipality", args=[comune.istat_code]), 8),
        (reverse("zone:municipality_search") + "?q=comune", 4),
    ]
    for url, queries in pages:
        with django_assert_num_queries(queries):
            response = client.get(url)
        svg = svg_of(response)
        assert svg.count('tabindex="-1"') == size[0] * size[1] * 2, url
        assert len(re.findall(r'<a href="/zone/\d+/">', svg)) == size[0], url
