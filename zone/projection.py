"""The map's coordinates (see ``zone.geometry``): longitude and latitude projected
equirectangularly at the Città Metropolitana's mean latitude onto a grid ``MAP_WIDTH`` units
wide, north up. Apart from ``zone.geometry`` so that drawing the stored shapes
(``zone.maps``, in every process) does not load shapely and numpy."""

import math

# The extent of the map: the Città Metropolitana (6.63–8.15 E, 44.71–45.60 N) with a margin.
WEST, EAST, SOUTH, NORTH = 6.60, 8.18, 44.69, 45.62
MAP_WIDTH = 1000
_K = math.cos(math.radians((SOUTH + NORTH) / 2))
_SCALE = MAP_WIDTH / ((EAST - WEST) * _K)
MAP_HEIGHT = math.ceil((NORTH - SOUTH) * _SCALE)


def project(lon: float, lat: float) -> tuple[float, float]:
    return (lon - WEST) * _K * _SCALE, (NORTH - lat) * _SCALE
