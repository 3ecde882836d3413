"""The map of the zone omogenee: the TopoJSON decoder, the comuni's shapes and the zones'
union computed when the reference data is loaded and when the membership changes, and the map
on the zone pages (with its text alternative, its highlights, its honesty about what is not
known or not drawn, and a fixed number of queries)."""

import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from shapely.geometry import Point

from zone import geometry
from zone.geometry import MAP_HEIGHT, MAP_WIDTH, path_geometry, read_boundaries
from zone.maps import (
    BORDER,
    COMUNE_BORDER,
    FAINT_FILL,
    HATCH,
    HIGHLIGHT,
    ZONE_FILLS,
    zone_fill,
)
from zone.models import Municipality, Zone
from zone.reference_data import load_reference_data
from zone.services import import_zone_membership, update_zone_shapes
from zone.topojson import TopoJSONError, decode_arcs, read_topology

GEO = settings.REFERENCE_DATA_DIR / geometry.GEO_FILE
LIST_URL = reverse("zone:list")
CIRIE, AVIGLIANA = "001086", "001013"


@pytest.fixture(scope="module")
def reference(django_db_setup, django_db_blocker):
    """The reference data (and so the map's shapes) loaded once for the module, rolled back at
    its end."""
    cache = override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    )
    with cache, django_db_blocker.unblock(), transaction.atomic():
        load_reference_data(data_dir=settings.REFERENCE_DATA_DIR)
        yield
        transaction.set_rollback(True)


def svg_of(response) -> str:
    html = response.content.decode()
    match = re.search(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', html, flags=re.S)
    assert match, "the page has no map"
    return match.group()


# The decoder ---------------------------------------------------------------------------------


def topology_file(tmp_path, geometries, arcs=None):
    path = tmp_path / "t.topo.json"
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 2], "translate": [10, 20]},
        # quantized and delta-encoded: (2,0)→(2,2), and (2,2)→(0,2)→(0,0)→(2,0)
        "arcs": arcs or [[[2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2], [2, 0]]],
        "objects": {"comuni": {"type": "GeometryCollection", "geometries": geometries}},
    }
    path.write_text(json.dumps(topology))
    return path


def test_the_decoder_undoes_the_delta_encoding_and_the_transform(tmp_path):
    path = topology_file(
        tmp_path,
        [
            {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "A"}},
            {"type": None, "properties": {"name": "lost"}},
        ],
    )

    topology = read_topology(path, "comuni")

    assert topology.arcs[0] == [(11.0, 20.0), (11.0, 24.0)]
    a, lost = topology.geometries
    assert a.properties == {"name": "A"} and a.rings == [(0, 1)]
    assert topology.ring_points(a.rings[0]) == [
        (11.0, 20.0),
        (11.0, 24.0),
        (10.0, 24.0),
        (10.0, 20.0),
        (11.0, 20.0),
    ]
    assert topology.ring_points((~0,)) == [(11.0, 24.0), (11.0, 20.0)]  # ~i: arc i backwards
    assert lost.polygons == ()  # read, with nothing to draw: the caller sees it
    assert decode_arcs({"arcs": [[[1, 2], [3, 4]]]}) == [[(1.0, 2.0), (3.0, 4.0)]]  # absolute


def test_the_decoder_refuses_what_is_not_a_topology(tmp_path):
    with pytest.raises(TopoJSONError):
        read_topology(topology_file(tmp_path, [{"type": "Polygon", "arcs": [[7]]}]), "comuni")
    with pytest.raises(TopoJSONError):
        read_topology(topology_file(tmp_path, []), "province")
    (tmp_path / "t.topo.json").write_text('{"type": "FeatureCollection"}')
    with pytest.raises(TopoJSONError):
        read_topology(tmp_path / "t.topo.json", "comuni")


def test_the_boundaries_file_gives_every_comune_of_the_citta_metropolitana():
    topology = read_topology(GEO, "comuni")
    assert len(topology.geometries) == 1179

    boundaries = read_boundaries(GEO)
    assert boundaries.read == 1179
    assert len(boundaries.shapes) == 312  # every comune of the Città Metropolitana
    # the known gaps: merged in 2023 into Moransengo-Tonengo, and one geometry with no shape
    assert {"005079", "005110"}.isdisjoint(boundaries.present)
    assert boundaries.empty == ["096034"]  # Miagliano (Biella)
    for code, shape in boundaries.shapes.items():
        area = path_geometry(shape.path)
        assert area.is_valid and area.area > 0, code
        minx, miny, maxx, maxy = area.bounds
        assert minx >= 0 and maxx <= MAP_WIDTH and miny >= 0 and maxy <= MAP_HEIGHT, code
        assert 0 <= shape.x <= MAP_WIDTH and 0 <= shape.y <= MAP_HEIGHT
    assert sum(len(s.path) for s in boundaries.shapes.values()) < 40_000  # simplified


@pytest.mark.django_db
def test_the_loader_reports_what_has_no_boundary(reference):
    out = StringIO()
    call_command("load_reference_data", stdout=out)

    text = out.getvalue()
    assert "Confini: 1179 geometrie lette dal file, 312 comuni della Città Metropolitana" in text
    assert "senza confini nel file: Moransengo (005079), Tonengo (005110), Miagliano" in text
    assert "Nessuna modifica" in text  # the shapes were already there


# The zones: the union of their comuni ------------------------------------------------------


@pytest.mark.django_db
def test_each_zone_is_the_union_of_its_comuni_and_no_other(reference):
    comuni = list(Municipality.objects.filter(province__istat_code="001"))
    unknown = [path_geometry(c.map_path) for c in comuni if c.zone_id is None]
    assert len(comuni) == 312 and len(unknown) == 104
    for zone in Zone.objects.all():
        area = path_geometry(zone.map_path)
        own = [path_geometry(c.map_path) for c in comuni if c.zone_id == zone.pk]
        assert own, zone
        for comune in own:
            assert area.buffer(0.01).covers(comune), zone
        # as large as its comuni together, and over none of the others: to within a few square
        # units of the grid (one is about 120 × 120 m), what rounding the borders leaves
        assert area.area == pytest.approx(sum(c.area for c in own), abs=5), zone
        assert all(area.intersection(c).area < 2 for c in unknown), zone
        assert area.buffer(0.5).contains(Point(zone.map_x, zone.map_y))  # its number


@pytest.mark.django_db
def test_importing_the_official_list_redraws_the_zones(reference, client):
    before = path_geometry(Zone.objects.get(number=6).map_path).area
    avigliana = Municipality.objects.get(istat_code=AVIGLIANA)

    import_zone_membership(rows=[{"zona": "6", "comune": "Avigliana"}])

    zone = Zone.objects.get(number=6)
    assert path_geometry(zone.map_path).area == pytest.approx(
        before + path_geometry(avigliana.map_path).area
    )
    svg = svg_of(client.get(LIST_URL))
    avigliana_link = re.search(rf'<a href="/zone/comuni/{AVIGLIANA}/"[^>]*><path [^>]*>', svg)
    assert "-unknown)" not in avigliana_link.group()  # no longer hatched
    assert svg.count('-unknown)" fill-opacity="1"') == 103


@pytest.mark.django_db
def test_update_zone_shapes_writes_only_what_changed(reference, django_assert_num_queries):
    # the comuni's shapes and the zones, in a savepoint (its start and end): nothing written
    with django_assert_num_queries(4):
        assert update_zone_shapes() == 0
    Zone.objects.filter(number=3).update(map_path="")
    assert update_zone_shapes() == 1
    assert Zone.objects.get(number=3).map_path


# The pages -----------------------------------------------------------------------------------


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two colours "#rrggbb"."""

    def luminance(colour):
        r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_borders_and_hatch_stand_out_from_every_fill():
    # WCAG 1.4.11: at least 3:1 for what identifies a zone, a comune and an unknown comune
    for fill in [*ZONE_FILLS, FAINT_FILL, "#ffffff"]:
        assert contrast(BORDER, fill) >= 4.5, fill  # also the zones' numbers on white
        assert contrast(COMUNE_BORDER, fill) >= 3, fill
    assert contrast(HATCH, "#ffffff") >= 3
    assert contrast(HIGHLIGHT, "#ffffff") >= 3  # the ring: blue within white
    for fill in [*ZONE_FILLS, FAINT_FILL]:  # a comune looked up, filled, on its zone's colour
        assert contrast(HIGHLIGHT, fill) >= 3, fill
    assert len(set(ZONE_FILLS)) == 11


@pytest.mark.django_db
def test_the_zones_page_shows_the_map_with_its_legend_and_text_alternative(reference, client):
    response = client.get(LIST_URL)
    html = response.content.decode()
    svg = svg_of(response)

    # a group named by its title, with one link per zone, named after it: 11 tab stops
    assert 'role="group" aria-labelledby="zone-map-title"' in svg
    assert '<title id="zone-map-title">Mappa delle zone omogenee' in svg
    zone_links = re.findall(r'<a href="/zone/(\d+)/"><title>([^<]+)</title>', svg)
    assert [int(n) for n, _ in zone_links] == list(range(1, 12))
    assert ("3", "Zona 3 – AMT Sud") in zone_links
    # every comune drawn, a link for the pointer only: out of the tab order, hidden from screen
    # readers, which get the same links in the list next to the map
    comune_links = re.findall(r'<a href="/zone/comuni/(\d{6})/" tabindex="-1">', svg)
    assert len(comune_links) == len(set(comune_links)) == 312
    assert '<g class="zone-map-comuni" aria-hidden="true"' in svg
    assert svg.count('-unknown)" fill-opacity="1"') == 104  # hatched: zone not known
    for number in range(1, 12):  # each zone in its own colour
        assert f'<use href="#zone-map-z{number}" fill="{zone_fill(number)}"/>' in svg
    # nothing the Content-Security-Policy would block
    assert "style" not in svg and "<script" not in svg and "javascript:" not in svg

    legend = html[html.index('class="list-unstyled zone-map-legend"') :]
    legend = legend[: legend.index("</section>")]
    assert re.findall(r'href="/zone/comuni/(\d{6})/"', legend) == comune_links
    assert "Zona 3 – AMT Sud <span" in legend and "(18 comuni noti)" in legend
    assert "Zona non nota" in legend and "(104 comuni, tratteggiati)" in legend
    assert "Confini dei comuni: ISTAT, openpolis" in html
    assert "Non disegnati sulla mappa" not in html
    assert len(response.content) < 150_000


@pytest.mark.django_db
def test_a_comune_with_no_boundary_is_listed_under_the_map(reference, client):
    Municipality.objects.filter(istat_code=AVIGLIANA).update(map_path="", map_x=None, map_y=None)

    response = client.get(LIST_URL)

    assert len(re.findall(r'href="/zone/comuni/\d{6}/" tabindex="-1"', svg_of(response))) == 311
    html = response.content.decode()
    assert re.search(
        r"Non disegnati sulla mappa, perché la fonte dei confini non li ha: "
        rf'<a href="/zone/comuni/{AVIGLIANA}/">Avigliana</a>',
        html,
    )
    assert f'href="/zone/comuni/{AVIGLIANA}/">Avigliana</a></li>' in html  # still listed


@pytest.mark.django_db
def test_a_zone_page_shows_its_zone_in_colour_and_the_others_faint(reference, client):
    svg = svg_of(client.get(reverse("zone:detail", args=[3])))

    assert "in evidenza la Zona 3 – AMT Sud" in svg
    assert f'<use href="#zone-map-z3" fill="{zone_fill(3)}"/>' in svg
    assert f'<use href="#zone-map-z5" fill="{FAINT_FILL}"/>' in svg
    assert '<use href="#zone-map-z3" stroke-width="4.5"/>' in svg  # its border stands out


@pytest.mark.django_db
def test_my_comune_is_highlighted_after_a_search(reference, client):
    cirie = Municipality.objects.get(istat_code=CIRIE)

    response = client.get(reverse("zone:municipality_search"), {"q": "ciriè"})
    svg = svg_of(response)

    assert f'fill="{HIGHLIGHT}"' in svg
    assert f'<path d="{cirie.map_path}"/>' in svg  # filled dark, over the others
    assert f'<circle cx="{cirie.map_x}" cy="{cirie.map_y}" r="20"' in svg  # and ringed
    assert "In blu scuro, cerchiato, il comune trovato" in response.content.decode()

    # its page: the same, with its zone in colour
    svg = svg_of(client.get(reverse("zone:municipality", args=[CIRIE])))
    assert f'<circle cx="{cirie.map_x}" cy="{cirie.map_y}" r="20"' in svg
    assert f'<use href="#zone-map-z7" fill="{zone_fill(7)}"/>' in svg
    assert f'<use href="#zone-map-z1" fill="{FAINT_FILL}"/>' in svg

    # comuni elsewhere in Piemonte are not on the map: no map for them
    html = client.get(reverse("zone:municipality_search"), {"q": "cuneo"}).content.decode()
    assert "Cuneo" in html and "<svg xmlns" not in html
    html = client.get(reverse("zone:municipality", args=["004003"])).content.decode()
    assert "<svg xmlns" not in html


@pytest.mark.django_db
def test_the_map_speaks_english_too(reference, client):
    svg = svg_of(client.get("/en/zone/"))
    assert "Map of the homogeneous zones" in svg
    assert '<a href="/en/zone/comuni/001001/" tabindex="-1">' in svg
