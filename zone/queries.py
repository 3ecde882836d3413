"""Reads for the public zone pages. Each function runs a fixed number of queries, whatever the
number of zones, comuni and spokespersons.

The reference data does not assign every comune of the Città Metropolitana to its zone (see
``data/SOURCES.md``): ``coverage`` tells the pages how much of a zone's membership is known, so
that they can say so instead of showing a short list as if it were complete."""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, Sum, Value, When
from django.utils import timezone

from patto.models import Programme
from zone.models import Municipality, SpokespersonAssignment, Zone, search_key

SEARCH_LIMIT = 50

# How much of a zone's membership the portal knows.
UNKNOWN = "unknown"  # no comune assigned: the official list has not been loaded
PARTIAL = "partial"  # fewer comuni than the 2015 deliberation counts
KNOWN = "known"


def coverage(zone: Zone) -> str:
    """``UNKNOWN``, ``PARTIAL`` or ``KNOWN``, from ``zone.assigned_count`` (set by the functions
    below) and the 2015 count. More comuni than in 2015 counts as known: the membership has
    changed since (Mappano joined zone 4 in 2021)."""
    if not zone.assigned_count:
        return UNKNOWN
    expected = zone.municipality_count_2015
    if expected and zone.assigned_count < expected:
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
    """Where a zone membership comes from: a web address and an optional note, as stored in
    ``Municipality.zone_source`` ("https://… + DCM n.55 4/8/2021 (Mappano)")."""

    number: int
    url: str
    note: str

    @property
    def is_link(self) -> bool:
        return self.url.startswith(("https://", "http://"))


def _split_source(text: str) -> tuple[str, str]:
    url, _sep, note = text.strip().partition(" ")
    note = note.strip()
    return url, note.removeprefix("+").strip()


def zone_detail(number: int) -> Zone | None:
    """The zone with this number, or None, with ``municipalities`` (a list, by name, each with
    ``source`` — a ``Source`` or None), ``assigned_count``, ``assigned_population``,
    ``coverage``, ``sources`` (the distinct sources of its comuni, numbered),
    ``current_assignments``, ``past_assignments``, ``upcoming_assignments`` and
    ``validated_programmes``. Four queries."""
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
                queryset=Programme.objects.order_by("position", "title"),
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

    sources: dict[str, Source] = {}
    for municipality in municipalities:
        municipality.source = None
        if municipality.zone_source:
            if municipality.zone_source not in sources:
                url, note = _split_source(municipality.zone_source)
                sources[municipality.zone_source] = Source(len(sources) + 1, url, note)
            municipality.source = sources[municipality.zone_source]
    zone.sources = list(sources.values())

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
