"""A reader of TopoJSON (https://github.com/topojson/topojson-specification), enough for the
boundaries of the comuni shipped in ``data/geo/``: a topology's arcs (quantized and
delta-encoded when the topology has a ``transform``) and the Polygon and MultiPolygon geometries
of one object, with their properties. Geometries of another type, or with no type (the file has
one: a comune whose shape was lost upstream), are read with no rings, so the caller sees them
and can say so.

Arcs are kept apart from the geometries on purpose: a border shared by two comuni is one arc,
so whatever is done to an arc (projected, simplified, rounded) is done to both sides alike and
neighbouring shapes still meet exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

Point = tuple[float, float]


class TopoJSONError(ValueError):
    """The file is not a TopoJSON topology this reader understands."""


@dataclass(frozen=True)
class Geometry:
    """One geometry of the object: its ``properties`` and its rings as lists of arc indexes
    (TopoJSON's convention: ``~i`` is arc ``i`` walked backwards). ``polygons`` has one entry
    per polygon, each a list of rings (the exterior first, then its holes)."""

    type: str | None
    properties: dict
    polygons: tuple[tuple[tuple[int, ...], ...], ...]

    @property
    def rings(self) -> list[tuple[int, ...]]:
        return [ring for polygon in self.polygons for ring in polygon]


@dataclass(frozen=True)
class Topology:
    arcs: list[list[Point]]  # absolute coordinates (longitude, latitude)
    geometries: list[Geometry]

    def ring_points(self, ring: tuple[int, ...], arcs: list[list[Point]] | None = None):
        """The points of a ring, arc after arc, each arc's first point dropped after the first
        arc (it repeats the previous arc's last one). ``arcs``: other coordinates for the same
        arcs, e.g. projected and simplified ones (default: the topology's own)."""
        arcs = self.arcs if arcs is None else arcs
        points: list[Point] = []
        for index in ring:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points


def decode_arcs(topology: dict) -> list[list[Point]]:
    """The arcs as absolute coordinates: undo the delta encoding and apply the transform
    (``scale`` and ``translate``) of a quantized topology; without a transform the positions
    are already absolute."""
    transform = topology.get("transform")
    arcs = []
    if transform is None:
        for arc in topology["arcs"]:
            arcs.append([(float(x), float(y)) for x, y, *_ in arc])
        return arcs
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _geometry(raw: dict, arc_count: int) -> Geometry:
    kind = raw.get("type")
    if kind == "Polygon":
        polygons = [raw["arcs"]]
    elif kind == "MultiPolygon":
        polygons = raw["arcs"]
    else:
        polygons = []
    checked = []
    for polygon in polygons:
        rings = []
        for ring in polygon:
            if not ring or any(not -arc_count <= i < arc_count for i in ring):
                raise TopoJSONError(f"A ring of {raw.get('properties')} names an unknown arc.")
            rings.append(tuple(ring))
        checked.append(tuple(rings))
    return Geometry(kind, dict(raw.get("properties") or {}), tuple(checked))


def read_topology(path: Path, object_name: str) -> Topology:
    """Read the geometries of ``object_name`` (a GeometryCollection) from the file at ``path``.
    Raises ``OSError`` if the file cannot be read and ``TopoJSONError`` if it is not a
    topology with that object."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise TopoJSONError(f"{path} is not JSON: {error}") from error
    if not isinstance(data, dict) or data.get("type") != "Topology":
        raise TopoJSONError(f"{path} is not a TopoJSON topology.")
    collection = (data.get("objects") or {}).get(object_name)
    if not collection or collection.get("type") != "GeometryCollection":
        raise TopoJSONError(f"{path} has no GeometryCollection named {object_name!r}.")
    arcs = decode_arcs(data)
    return Topology(
        arcs=arcs,
        geometries=[_geometry(raw, len(arcs)) for raw in collection.get("geometries", [])],
    )
