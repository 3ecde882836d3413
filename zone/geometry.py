"""The shapes of the map of the Città Metropolitana di Torino, computed once and stored (never
per request): each comune's outline from the ISTAT boundaries in ``data/geo/`` (TopoJSON,
``zone.topojson``), and each zone's outline as the union ("dissolve") of its known comuni.

The map's coordinates: longitude and latitude are projected equirectangularly at the
Città Metropolitana's mean latitude (over 100 km the difference from a conformal projection is
far below a pixel) onto a grid ``MAP_WIDTH`` units wide, north up, and rounded to whole units
(about 120 m). That rounding is the simplification: the source is already simplified
(openpolis), and each shared border (one TopoJSON arc) is simplified and rounded once, so
neighbouring comuni still meet exactly and their union leaves no slivers. Shapes are stored as
SVG path data ("M x y l dx dy … z", one subpath per ring, drawn with the even-odd rule, so a
hole or an enclave needs no winding order).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.ops import polylabel

from zone.projection import MAP_HEIGHT, MAP_WIDTH, project  # noqa: F401 (the map's size, here too)
from zone.topojson import Topology, read_topology

GEO_FILE = Path("geo") / "comuni_piemonte.topo.json"
GEO_OBJECT = "comuni"
METRO_PROVINCE = "001"  # ISTAT code of the Città Metropolitana di Torino

# Douglas-Peucker tolerance, in map units, applied to each arc before rounding.
TOLERANCE = 0.5


@dataclass(frozen=True)
class Shape:
    """A shape on the map: its SVG path data and a point well inside it (for a label or a
    marker; on the largest part of a shape in several parts)."""

    path: str
    x: int
    y: int


@dataclass
class Boundaries:
    """What the boundaries file gives: ``shapes`` of the comuni of the Città Metropolitana by
    ISTAT code, ``read`` (how many geometries the file has), ``present`` (the ISTAT codes,
    anywhere in Piemonte, that have a boundary) and ``empty`` (codes of geometries with no
    shape at all)."""

    shapes: dict[str, Shape] = field(default_factory=dict)
    read: int = 0
    present: set[str] = field(default_factory=set)
    empty: list[str] = field(default_factory=list)


# Path data ------------------------------------------------------------------------------


def path_data(rings: Iterable[list[tuple[int, int]]]) -> str:
    """SVG path data for ``rings`` of whole-unit points: absolute move, relative lines,
    closed. A ring whose last point repeats the first is written without it."""
    parts = []
    for ring in rings:
        if len(ring) > 1 and ring[0] == ring[-1]:
            ring = ring[:-1]
        if len(ring) < 3:
            continue
        (px, py), steps = ring[0], []
        for x, y in ring[1:]:
            steps.append(f" {x - px} {y - py}")
            px, py = x, y
        # "1 -2 -3 4" needs no space before a minus sign: "1-2-3 4"
        parts.append(f"M{ring[0][0]} {ring[0][1]}l{''.join(steps)[1:].replace(' -', '-')}z")
    return "".join(parts)


_COMMAND = re.compile(r"([Mlz])([^Mlz]*)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def parse_path(data: str) -> list[list[tuple[float, float]]]:
    """The rings of path data written by ``path_data``."""
    rings: list[list[tuple[float, float]]] = []
    for command, arguments in _COMMAND.findall(data):
        values = [float(v) for v in _NUMBER.findall(arguments)]
        if command == "M":
            rings.append([(values[0], values[1])])
        elif command == "l":
            x, y = rings[-1][-1]
            for dx, dy in zip(values[::2], values[1::2], strict=True):
                x, y = x + dx, y + dy
                rings[-1].append((x, y))
    return rings


@functools.lru_cache(maxsize=2048)
def path_geometry(data: str):
    """The area ``data`` fills with the even-odd rule, as a valid shapely geometry (on the
    whole-unit grid)."""
    area = Polygon()
    for ring in parse_path(data):
        if len(ring) >= 3:
            ring_area = shapely.make_valid(Polygon(ring))
            area = shapely.symmetric_difference(area, ring_area, grid_size=1)
    return area


def geometry_path(geometry) -> str:
    """Path data for a shapely (Multi)Polygon on the whole-unit grid."""
    polygons = list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]
    rings = []
    for polygon in polygons:
        if not isinstance(polygon, Polygon) or polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            rings.append([(round(x), round(y)) for x, y in ring.coords])
    return path_data(rings)


def label_point(geometry) -> tuple[int, int]:
    """The pole of inaccessibility of the largest part: the point farthest inside it."""
    parts = [p for p in getattr(geometry, "geoms", [geometry]) if isinstance(p, Polygon) and p.area]
    largest = max(parts, key=lambda p: p.area)
    point = polylabel(largest, tolerance=0.5)
    return round(point.x), round(point.y)


# The comuni ------------------------------------------------------------------------------


def _map_arcs(topology: Topology, used: set[int]) -> dict[int, list[tuple[int, int]]]:
    """The arcs in ``used``, projected, simplified and rounded to whole units, with repeated
    points dropped."""
    arcs = {}
    for index in used:
        points = [project(lon, lat) for lon, lat in topology.arcs[index]]
        if len(points) > 2:
            simplified = list(LineString(points).simplify(TOLERANCE).coords)
            # a closed arc (a comune ringed by one neighbour) keeps enough points to stay a ring
            if points[0] != points[-1] or len(simplified) >= 4:
                points = simplified
        rounded: list[tuple[int, int]] = []
        for x, y in points:
            point = (round(x), round(y))
            if not rounded or rounded[-1] != point:
                rounded.append(point)
        arcs[index] = rounded
    return arcs


def read_boundaries(path: Path) -> Boundaries:
    """The shapes of the comuni of the Città Metropolitana from the boundaries file at
    ``path``. Raises ``OSError`` or ``zone.topojson.TopoJSONError`` when it cannot be read.
    Kept for the life of the process per file version (its path, size and time): decoding
    and projecting take a few tens of milliseconds, and the loader runs in many tests."""
    stat = Path(path).stat()
    return _read_boundaries(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _read_boundaries(path: str, size: int, mtime: int) -> Boundaries:
    topology = read_topology(Path(path), GEO_OBJECT)
    result = Boundaries(read=len(topology.geometries))
    metro = []
    for geometry in topology.geometries:
        code = str(geometry.properties.get("com_istat_code", ""))
        if not geometry.polygons:
            result.empty.append(code)
            continue
        result.present.add(code)
        if str(geometry.properties.get("prov_istat_code", "")) == METRO_PROVINCE:
            metro.append((code, geometry))
    used = {i if i >= 0 else ~i for _, g in metro for ring in g.rings for i in ring}
    arcs = _map_arcs(topology, used)
    for code, geometry in metro:
        rings = []
        for ring in geometry.rings:
            points = []
            for index in ring:
                arc = arcs[index] if index >= 0 else arcs[~index][::-1]
                points.extend(arc if not points else arc[1:])
            rings.append(points)
        data = path_data(rings)
        shape = path_geometry(data)
        if shape.is_empty:  # too small for the grid: drawn as the square it falls in
            x, y = project(*topology.ring_points(geometry.rings[0])[0])
            x, y = round(x), round(y)
            data = path_data([[(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]])
            shape = path_geometry(data)
        result.shapes[code] = Shape(data, *label_point(shape))
    return result


# The zones -------------------------------------------------------------------------------


def dissolve(paths: Iterable[str]):
    """The union of the shapes drawn by ``paths`` (shapely geometry; empty for none)."""
    geometries = [path_geometry(p) for p in paths if p]
    if not geometries:
        return MultiPolygon()
    return shapely.union_all(geometries, grid_size=1)


def zone_shape(paths: Iterable[str]) -> Shape | None:
    """A zone's shape: the union of its comuni's ``paths``, or None when none is drawn. Kept
    for the life of the process per set of paths: the loader of the reference data, which
    many tests run, redraws the zones each time and mostly finds them unchanged."""
    return _zone_shape(tuple(sorted(p for p in paths if p)))


@functools.lru_cache(maxsize=64)
def _zone_shape(paths: tuple[str, ...]) -> Shape | None:
    union = dissolve(paths)
    if union.is_empty:
        return None
    return Shape(geometry_path(union), *label_point(union))
