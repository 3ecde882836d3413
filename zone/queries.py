"""Reads for the public zone pages. Each function runs a fixed number of queries, whatever the
number of zones, comuni and spokespersons.

The reference data does not assign every comune of the Città Metropolitana to its zone (see
``data/SOURCES.md``): ``coverage`` tells the pages how much of a zone's membership is known, so
that they can say so instead of showing a short list as if it were complete."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Case, Count, IntegerField, Prefetch, Sum, Value, When
from django.utils import timezone

from patto.models import PlanVersion, Programme
from zone.models import Municipality, SpokespersonAssignment, Zone, search_key

SEARCH_LIMIT = 50

# How much of a zone's membership the portal knows.
UNKNOWN = "unknown"  # no comune assigned: the official list has not been loaded
PARTIAL = "partial"  # fewer comuni than the zone has today, or no source says how many it has
KNOWN = "known"


def coverage(zone: Zone) -> str:
    """``UNKNOWN``, ``PARTIAL`` or ``KNOWN``, from ``zone.assigned_count`` (set by the functions
    below) and today's count of the zone's comuni (``municipality_count``). A zone whose count
    today no source states is never called complete: the 2015 proposal's count is no proof."""
    if not zone.assigned_count:
        return UNKNOWN
    expected = zone.municipality_count
    if expected is None or zone.assigned_count < expected:
        return PARTIAL
    return KNOWN


def _current_spokespersons() -> Prefetch:
    return Prefetch(
        "spokespersons",
        queryset=SpokespersonAssignment.objects.current()
        .select_related("user")
        .order_by("start_date", "pk"),
        to_attr="current_assignments",
    )


def _programmes_with_published_version():
    return Programme.objects.order_by("position", "title").prefetch_related(
        Prefetch(
            "versions",
            queryset=PlanVersion.objects.published().order_by("-number"),
            to_attr="published",
        )
    )


def _set_published_version(programmes) -> None:
    for programme in programmes:
        programme.published_version = next(iter(programme.published), None)


def zone_list() -> list[Zone]:
    """The zones in order, each with ``assigned_count`` and ``assigned_population`` (comuni
    assigned in the portal and their 2011 population), ``current_assignments`` and
    ``coverage``. Two queries."""
    zones = list(
        Zone.objects.annotate(
            assigned_count=Count("municipalities"),
            assigned_population=Sum("municipalities__population_2011"),
        )
        .prefetch_related(_current_spokespersons())
        .order_by("number")
    )
    for zone in zones:
        zone.coverage = coverage(zone)
    return zones


def metropolitan_totals() -> dict[str, int]:
    """How many comuni the Città Metropolitana has, and how many of them have a zone. One
    query."""
    totals = Municipality.objects.filter(province__is_metropolitan_city=True).aggregate(
        total=Count("pk"), assigned=Count("zone")
    )
    totals["unassigned"] = totals["total"] - totals["assigned"]
    return totals


@dataclass(frozen=True)
class Source:
    """Where a zone membership comes from: a web address and an optional note. One stored
    ``Municipality.zone_source`` may hold several, separated by " ; " ("https://… (DCM …) ;
    http://… (portavoce Zona 2)")."""

    number: int
    url: str
    note: str

    @property
    def is_link(self) -> bool:
        return self.url.startswith(("https://", "http://"))

    @property
    def site(self) -> str:
        """The site's name, shown as the link's text instead of a long address."""
        return urlsplit(self.url).hostname.removeprefix("www.") if self.is_link else self.url


_URL = re.compile(r"https?://\S+")
_JOINERS = ";+, "  # what separates one source from the next: "url (note) ; also url + note"


def split_sources(text: str) -> list[tuple[str, str]]:
    """The ``(url, note)`` pairs of a stored source, in order: "https://a (note) ; also
    https://b + note" gives ``[("https://a", "(note)"), ("https://b", "note")]``. Text with no
    web address is one source with no link."""
    text = " ".join(text.split())
    matches = list(_URL.finditer(text))
    if not matches:
        return [(text, "")] if text else []
    pairs = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        note = text[match.end() : following.start() if following else len(text)]
        note = note.strip(_JOINERS).removesuffix("also").strip(_JOINERS)
        pairs.append((match.group().rstrip(".,;"), note.lstrip(_JOINERS)))
    return pairs


def zone_detail(number: int) -> Zone | None:
    """The zone with this number, or None, with ``municipality_list`` (by name),
    ``assigned_count``, ``assigned_population``, ``coverage``, ``sources`` (the distinct
    sources of its comuni, numbered; each comune has its ``sources``),
    ``current_assignments``, ``past_assignments``, ``upcoming_assignments`` and
    ``validated_programmes`` (each with its ``published_version`` or None), and
    ``count_sources`` (where today's count of its comuni comes from). Five queries."""
    zone = (
        Zone.objects.filter(number=number)
        .select_related("province")
        .prefetch_related(
            Prefetch(
                "municipalities",
                queryset=Municipality.objects.order_by("search_name", "istat_code"),
                to_attr="municipality_list",
            ),
            Prefetch(
                "spokespersons",
                queryset=SpokespersonAssignment.objects.select_related("user").order_by(
                    "-start_date", "pk"
                ),
                to_attr="assignments",
            ),
            Prefetch(
                "programmes",
                queryset=_programmes_with_published_version(),
                to_attr="validated_programmes",
            ),
        )
        .first()
    )
    if zone is None:
        return None

    municipalities = zone.municipality_list
    zone.assigned_count = len(municipalities)
    zone.assigned_population = sum(m.population_2011 or 0 for m in municipalities)
    zone.coverage = coverage(zone)

    sources: dict[tuple[str, str], Source] = {}
    for municipality in municipalities:
        municipality.sources = []
        for pair in split_sources(municipality.zone_source):
            if pair not in sources:
                sources[pair] = Source(len(sources) + 1, *pair)
            municipality.sources.append(sources[pair])
    zone.sources = list(sources.values())
    zone.count_sources = [
        Source(0, *pair) for pair in split_sources(zone.municipality_count_source)
    ]
    _set_published_version(zone.validated_programmes)

    today = timezone.localdate()
    zone.current_assignments = sorted(
        (a for a in zone.assignments if a.is_current(today)), key=lambda a: (a.start_date, a.pk)
    )
    zone.upcoming_assignments = [a for a in zone.assignments if a.start_date > today][::-1]
    zone.past_assignments = [
        a for a in zone.assignments if a.end_date is not None and a.end_date < today
    ]
    return zone


def search_municipalities(query: str, limit: int = SEARCH_LIMIT) -> tuple[list[Municipality], bool]:
    """The comuni of Piemonte whose name contains ``query``, ignoring case, accents and
    apostrophes: first those whose name starts with it, then those with a word starting with
    it, then the rest, each group alphabetically. Returns at most ``limit`` comuni (with their
    province and zone) and whether there were more. One query, none for an empty query."""
    key = search_key(query)
    if not key:
        return [], False
    rank = Case(
        When(search_name__startswith=key, then=Value(0)),
        When(search_name__contains=f" {key}", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    found = list(
        Municipality.objects.filter(search_name__contains=key)
        .select_related("province", "zone")
        .annotate(rank=rank)
        .order_by("rank", "search_name", "istat_code")[: limit + 1]
    )
    return found[:limit], len(found) > limit


def municipality_detail(istat_code: str) -> Municipality | None:
    """The comune with this ISTAT code, or None, with its province, its zone and
    ``zone_sources`` (``Source`` list); when it has a zone, ``zone.assigned_count``,
    ``zone.coverage`` and ``zone.validated_programmes`` (each with ``published_version``) are
    set; a comune of the Città Metropolitana with no zone has ``official_page``, where the
    official list is published. At most four queries."""
    municipality = (
        Municipality.objects.select_related("province", "zone")
        .filter(istat_code=istat_code)
        .first()
    )
    if municipality is None:
        return None
    municipality.zone_sources = [
        Source(number, *pair)
        for number, pair in enumerate(split_sources(municipality.zone_source), start=1)
    ]
    municipality.official_page = ""
    if municipality.zone is None and municipality.province.is_metropolitan_city:
        municipality.official_page = official_page()
    if municipality.zone is not None:
        municipality.zone.assigned_count = municipality.zone.municipalities.count()
        municipality.zone.coverage = coverage(municipality.zone)
        programmes = list(
            _programmes_with_published_version().filter(validating_zones=municipality.zone)
        )
        _set_published_version(programmes)
        municipality.zone.validated_programmes = programmes
    return municipality


def official_page() -> str:
    """The Città Metropolitana's page on the zone omogenee, where the official list is
    published (the zones' own source in the reference data), or "". One query."""
    return (
        Zone.objects.exclude(source_url="")
        .order_by("number")
        .values_list("source_url", flat=True)
        .first()
        or ""
    )


@dataclass
class MapData:
    """What the map of the Città Metropolitana draws (``zone.maps``): ``zones`` in order, each
    with ``map_comuni`` (its comuni, by name), and ``unknown`` (the comuni of the Città
    Metropolitana with no known zone); every comune has ``istat_code``, ``name``, ``zone_id``
    and its ``map_path``/``map_x``/``map_y`` (empty when the boundaries' source has no shape
    for it: ``not_drawn`` lists those)."""

    zones: list[Zone]
    unknown: list
    not_drawn: list

    @property
    def drawable(self) -> bool:
        """Whether there is anything to draw (not in a database without the boundaries)."""
        return any(zone.map_path for zone in self.zones) or any(c.map_path for c in self.unknown)


def map_data(zones: list[Zone] | None = None) -> MapData:
    """The zones (``zones`` if the caller already has them, in order) and the comuni of the
    Città Metropolitana with their shapes. One query, two without ``zones``."""
    if zones is None:
        zones = list(
            Zone.objects.only("number", "name", "full_name", "map_path", "map_x", "map_y").order_by(
                "number"
            )
        )
    comuni = Municipality.objects.filter(province__is_metropolitan_city=True).order_by(
        "search_name", "istat_code"
    )
    by_zone: dict[int, list] = {zone.pk: [] for zone in zones}
    unknown, not_drawn = [], []
    for comune in comuni.values_list(
        "istat_code", "name", "zone_id", "map_path", "map_x", "map_y", named=True
    ):
        by_zone.get(comune.zone_id, unknown).append(comune)
        if not comune.map_path:
            not_drawn.append(comune)
    for zone in zones:
        zone.map_comuni = by_zone[zone.pk]
    return MapData(zones=zones, unknown=unknown, not_drawn=not_drawn)
