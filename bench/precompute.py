"""What the portal computes when a version is submitted, validated or published, done for the
bulk-inserted dataset (which sends no signals and runs no service): the comparison each version's
page links to, computed and kept in every language by the function the Celery task runs
(``compare_views.precompute_comparisons``). First it times the comparison of two versions of the
first programme computed cold (nothing cached: both versions read and compared), the figure of
the issue's "comparison of two 1,000-action versions".

Run by ``bench/run.py`` with the benchmark's environment: ``python bench/precompute.py``. Prints
one JSON object.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patto.settings")

import django

django.setup()

from django.utils import translation  # noqa: E402

from matrice.models import Action  # noqa: E402
from patto.models import PlanVersion  # noqa: E402
from patto.programme.compare import compare_versions  # noqa: E402
from patto.programme.compare_views import precompute_comparisons  # noqa: E402

ROUNDS = 5


def cold_comparison(slug: str) -> dict:
    old, new = (
        PlanVersion.objects.select_related("programme")
        .filter(programme__slug=slug, number__in=(1, 2))
        .order_by("number")
    )
    walls, cpus = [], []
    with translation.override("it"):
        for _ in range(ROUNDS):
            wall, cpu = time.perf_counter(), time.process_time()
            compare_versions(old, new)  # not cached_comparison: computed every time
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
    return {
        "actions": Action.objects.filter(version=new).count(),
        "first_ms": round(walls[0], 1),
        "median_ms": round(statistics.median(walls), 1),
        "cpu_median_ms": round(statistics.median(cpus), 1),
        "rounds": ROUNDS,
    }


def main():
    figures = {"cold": cold_comparison("bench-1")}
    started = time.perf_counter()
    versions = PlanVersion.objects.public().select_related("programme").order_by("pk")
    figures["precomputed"] = sum(precompute_comparisons(version) for version in versions)
    figures["precompute_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
