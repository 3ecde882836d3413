"""The map of the 11 zone omogenee and the comuni of the Città Metropolitana di Torino, drawn on
the server as SVG from the shapes stored with each zone and comune (``zone.geometry``): no tile
server, nothing fetched from elsewhere, no script, no style element or attribute (the
Content-Security-Policy forbids them; SVG presentation attributes are not styles).

What it draws, bottom to top: each zone filled with its colour; each comune with a thin border
(a link to its page on the portal), hatched when its zone is not known; the zones' borders,
thick and dark; what is highlighted (a comune looked up: filled dark and ringed, so even the
smallest shows); and each zone's number in a white disc, a link to the zone's page. Colour is
never the only clue: every zone carries its number, the unknown comuni a hatch.

For keyboard and screen-reader users the map is a group named by its title with 11 links, one
per zone; the 312 links of the comuni are for the pointer only (out of the tab order and hidden
from assistive technology), because the pages put the list of the zones and their comuni, with
the same links, right next to the map (its text alternative).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zone.projection import MAP_HEIGHT, MAP_WIDTH
from zone.queries import MapData, map_data

# ColorBrewer's Set3 (light, for categories) without its grey, one colour per zone: dark text,
# the dark borders and the hatch keep a contrast of at least 3:1 on every one of them.
ZONE_FILLS = (
    "#8dd3c7",
    "#ffffb3",
    "#bebada",
    "#fb8072",
    "#80b1d3",
    "#fdb462",
    "#b3de69",
    "#fccde5",
    "#bc80bd",
    "#ccebc5",
    "#ffed6f",
)
FAINT_FILL = "#f2f2f2"  # the other zones, on a zone's own map
BORDER = "#1b1b1b"  # the zones' borders and labels
COMUNE_BORDER = "#3d3d3d"
HATCH = "#6b6b6b"  # the comuni whose zone is not known
HIGHLIGHT = "#06305c"  # 4.4:1 or more on every fill, 13:1 within its white ring


def zone_fill(number: int) -> str:
    return ZONE_FILLS[(number - 1) % len(ZONE_FILLS)]


def _a(value) -> str:
    """An attribute value, escaped."""
    return escape(str(value))


@dataclass(frozen=True)
class ZoneMap:
    """A map for a page: its ``svg`` (empty when there is nothing to draw) and the ``data`` it
    was drawn from, whose zones carry their ``map_fill`` for the legend; ``highlighted``: the
    comuni highlighted on it."""

    svg: SafeString
    data: MapData
    highlighted: list


def zone_map(data: MapData | None = None, *, highlight: Iterable[str] = (), **options) -> ZoneMap:
    """``zone_map_svg`` with what the page shows around it (the legend and the text
    alternative): the same arguments."""
    data = data if data is not None else map_data()
    highlight = set(highlight)
    for zone in data.zones:
        zone.map_fill = zone_fill(zone.number)
    comuni = [c for z in data.zones for c in z.map_comuni] + data.unknown
    return ZoneMap(
        svg=zone_map_svg(data, highlight=highlight, **options),
        data=data,
        highlighted=[c for c in comuni if c.istat_code in highlight and c.map_path],
    )


def zone_map_svg(
    data: MapData | None = None,
    *,
    zone=None,
    highlight: Iterable[str] = (),
    links: bool = True,
    title: str = "",
    id_prefix: str = "zone-map",
) -> SafeString:
    """The map as an ``<svg>`` element (with its namespace, so it also stands alone as a file
    or an ``<img>``).

    ``data``: from ``zone.queries.map_data`` (read here, two queries, when not given). ``zone``:
    that zone in its colour and the others faint. ``highlight``: ISTAT codes of comuni to
    show (filled dark and ringed, so that even the smallest shows). ``links``: the comuni and
    the zone numbers link to their pages (off for the PDF). ``title``: the map's accessible
    name (default: the whole map's). ``id_prefix``: for the ids inside the SVG, unique per
    page. Returns "" when there is nothing to draw (no boundaries loaded)."""
    data = data if data is not None else map_data()
    if not data.drawable:
        return mark_safe("")
    highlight = set(highlight)
    zone_number = getattr(zone, "number", zone)
    title = title or _("Mappa delle zone omogenee della Città Metropolitana di Torino")
    p = _a(id_prefix)
    # only a map with links reads the URLs (a PDF's map is drawn without loading them)
    municipality_url = reverse("zone:municipality", args=["000000"]) if links else ""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH} {MAP_HEIGHT}" '
        f'class="zone-map" role="{"group" if links else "img"}" '
        f'aria-labelledby="{p}-title" font-family="Titillium Web, Helvetica, Arial, sans-serif">'
        f'<title id="{p}-title">{escape(title)}</title>',
        # the hatch of the comuni with no known zone: grey lines at 45° on white
        f'<defs><pattern id="{p}-unknown" width="9" height="9" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="9" height="9" fill="#fff"/>'
        f'<path d="M0 0v9" stroke="{HATCH}" stroke-width="3"/></pattern></defs>',
    ]

    # 1. the zones' colours (each shape is defined once and drawn twice: filled here, its
    # border over the comuni's in 3.)
    out.append("<defs>")
    for z in data.zones:
        if z.map_path:
            out.append(f'<path id="{p}-z{z.number}" d="{z.map_path}" fill-rule="evenodd"/>')
    out.append('</defs><g aria-hidden="true" stroke="none">')
    for z in data.zones:
        if z.map_path:
            fill = zone_fill(z.number) if zone_number in (None, z.number) else FAINT_FILL
            out.append(f'<use href="#{p}-z{z.number}" fill="{fill}"/>')
    out.append("</g>")

    # 2. the comuni: borders, hatch where the zone is not known, links for the pointer
    out.append(
        f'<g class="zone-map-comuni" aria-hidden="true" fill="#fff" fill-opacity="0" '
        f'fill-rule="evenodd" stroke="{COMUNE_BORDER}" stroke-width=".6" '
        f'stroke-linejoin="round">'
    )
    known = [c for z in data.zones for c in z.map_comuni]
    for comune, unknown in [(c, False) for c in known] + [(c, True) for c in data.unknown]:
        if not comune.map_path:
            continue
        fill = f' fill="url(#{p}-unknown)" fill-opacity="1"' if unknown else ""
        shape = f'<path d="{comune.map_path}"{fill}><title>{escape(comune.name)}</title></path>'
        if links:
            href = municipality_url.replace("000000", comune.istat_code)
            shape = f'<a href="{_a(href)}" tabindex="-1">{shape}</a>'
        out.append(shape)
    out.append("</g>")

    # 3. the zones' borders, over the comuni's
    out.append(
        f'<g aria-hidden="true" fill="none" stroke="{BORDER}" stroke-width="2.4" '
        f'stroke-linejoin="round">'
    )
    for z in data.zones:
        if z.map_path:
            out.append(f'<use href="#{p}-z{z.number}"/>')
    if zone_number is not None and any(z.number == zone_number and z.map_path for z in data.zones):
        out.append(f'<use href="#{p}-z{zone_number}" stroke-width="4.5"/>')
    out.append("</g>")

    # 4. what is highlighted
    found = [c for c in [*known, *data.unknown] if c.istat_code in highlight and c.map_path]
    if found:
        out.append(
            f'<g aria-hidden="true" fill="{HIGHLIGHT}" stroke="#fff" stroke-width="1.2" '
            f'fill-rule="evenodd">'
        )
        for comune in found:
            out.append(f'<path d="{comune.map_path}"/>')
        for comune in found:
            out.append(
                f'<circle cx="{comune.map_x}" cy="{comune.map_y}" r="20" fill="none" '
                f'stroke="#fff" stroke-width="11"/><circle cx="{comune.map_x}" '
                f'cy="{comune.map_y}" r="20" fill="none" stroke="{HIGHLIGHT}" stroke-width="6"/>'
            )
        out.append("</g>")

    # 5. the zones' numbers: the keyboard's and screen readers' way into the map
    out.append('<g class="zone-map-labels" text-anchor="middle" font-weight="700">')
    for z in data.zones:
        if z.map_x is None:
            continue
        label = (
            f'<circle cx="{z.map_x}" cy="{z.map_y}" r="24" fill="#fff" stroke="{BORDER}" '
            f'stroke-width="2.5"/><text x="{z.map_x}" y="{z.map_y + 10}" font-size="29" '
            f'fill="{BORDER}">{z.number}</text>'
        )
        if links:
            out.append(
                f'<a href="{_a(z.get_absolute_url())}"><title>{escape(str(z))}</title>{label}</a>'
            )
        else:
            out.append(f'<g aria-hidden="true">{label}</g>')
    out.append("</g></svg>")
    return mark_safe("".join(out))


def document_map(data: MapData | None = None) -> ZoneMap:
    """The map for a printed document (the plan's PDF): the whole Città Metropolitana, no
    links, and a title that says what it shows, which a tagged PDF gives as the figure's
    alternative text. Two queries without ``data``."""
    data = data if data is not None else map_data()
    parts = [
        _(
            "Mappa delle %(zones)s zone omogenee della Città Metropolitana di Torino: ogni "
            "zona ha un colore e il suo numero."
        )
        % {"zones": len(data.zones)}
    ]
    if data.unknown:
        parts.append(
            ngettext(
                "Tratteggiato il comune di cui non si conosce ancora la zona.",
                "Tratteggiati i %(count)s comuni di cui non si conosce ancora la zona.",
                len(data.unknown),
            )
            % {"count": len(data.unknown)}
        )
    parts.append(_("L'elenco delle zone e dei loro comuni segue la mappa."))
    title = " ".join(parts)
    return zone_map(data, links=False, title=title, id_prefix="zone-map-document")
