"""Distinct addresses of public pages, read from the benchmark's dataset, for traffic in which
every request is a cache miss (``bench/run.py`` drives them with ``bench/paths.lua``, each
address once): action pages of every public version, the action list filtered by combinations
of policy, area, tool, target, zone and text (a zone with a text search among them), meeting
pages, comune searches. Mixed in a fixed proportion (``MIX``) and a fixed order (seeded).

Run by ``bench/run.py`` with the benchmark's environment:
``python bench/misses.py COUNT`` prints the addresses, one a line.
"""

import itertools
import os
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patto.settings")

import django
from django.apps import apps

if not apps.ready:  # imported by the tests, Django is already set up
    django.setup()

from django.urls import reverse

from incontri.models import Meeting
from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.models import PlanVersion
from zone.models import Municipality, Zone

# words of the dataset's texts (bench/dataset.py's LOREM and titles) a person might search for
WORDS = (
    "servizi",
    "famiglie",
    "giovani",
    "anziane",
    "sportello",
    "territoriale",
    "rete",
    "terzo settore",
    "sostegno",
    "accesso",
    "fragili",
    "enti gestori",
)
# the share of each kind of page in the traffic
MIX = {"action": 30, "filtered list": 20, "zone + text": 15, "meeting": 15, "comune": 20}


def action_pages(versions) -> list[str]:
    rows = Action.objects.filter(version__in=versions).values_list(
        "version__programme__slug", "version__number", "code"
    )
    return [reverse("matrice:action", args=row) for row in rows]


def filtered_lists(versions, rng, zone_numbers) -> tuple[list[str], list[str]]:
    """(combinations of two or three filters, zone + text ones) of every public version."""
    combos, zone_text = [], []
    for version in versions:
        base = reverse("matrice:actions", args=[version.programme.slug, version.number])
        catalogues = {
            "politica": list(Policy.objects.filter(version=version).values_list("code", flat=True)),
            "ambito": list(
                ActionArea.objects.filter(version=version).values_list("code", flat=True)
            ),
            "strumento": list(Tool.objects.filter(version=version).values_list("code", flat=True)),
            "destinatari": list(
                Target.objects.filter(version=version).values_list("code", flat=True)
            ),
            "zona": zone_numbers,
        }
        names = [name for name, values in catalogues.items() if values]
        for first, second in itertools.combinations(names, 2):
            for a, b in itertools.product(catalogues[first], catalogues[second]):
                combos.append(f"{base}?{urlencode({first: a, second: b})}")
        for zone, word in itertools.product(zone_numbers, WORDS):
            query = {"zona": zone, "q": word}
            if catalogues["politica"] and rng.random() < 0.5:
                query["politica"] = rng.choice(catalogues["politica"])
            zone_text.append(f"{base}?{urlencode(query)}")
    return combos, zone_text


def comune_searches() -> list[str]:
    """A search for every comune's name and for the first three, four… letters of it."""
    base = reverse("zone:municipality_search")
    queries = set()
    for name in Municipality.objects.values_list("name", flat=True):
        name = name.lower()
        queries.update(name[:length] for length in range(3, len(name) + 1))
    return [f"{base}?{urlencode({'q': q})}" for q in sorted(queries)]


def miss_paths(count: int, seed: int = 7) -> list[str]:
    """Up to ``count`` distinct addresses, mixed as ``MIX`` says while each kind lasts."""
    rng = random.Random(seed)
    versions = list(PlanVersion.objects.public().select_related("programme").order_by("pk"))
    zone_numbers = list(Zone.objects.order_by("number").values_list("number", flat=True))
    combos, zone_text = filtered_lists(versions, rng, zone_numbers)
    pools = {
        "action": action_pages(versions),
        "filtered list": combos,
        "zone + text": zone_text,
        "meeting": [
            reverse("incontri:detail", args=[pk])
            for pk in Meeting.objects.values_list("pk", flat=True)
        ],
        "comune": comune_searches(),
    }
    for pool in pools.values():
        rng.shuffle(pool)
    paths, seen = [], set()
    while len(paths) < count:
        kinds = [kind for kind in MIX if pools[kind]]
        if not kinds:
            break
        kind = rng.choices(kinds, [MIX[k] for k in kinds])[0]
        path = pools[kind].pop()
        if path not in seen:
            seen.add(path)
            paths.append(path)
    return paths


if __name__ == "__main__":
    print("\n".join(miss_paths(int(sys.argv[1]))))
