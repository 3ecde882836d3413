"""SQL queries per request, measured in-process with Django's test client against the benchmark's
database and settings: for each path, once with an empty cache (cold) and once right after (warm,
what most visitors of a published version get), with the time of each request (after a first
round that warms the process up). Prints a JSON object path → figures.

Run by ``bench/run.py`` with the benchmark's environment: ``python bench/queries.py PATH...``.
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patto.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
)


def count(client, path):
    # the floor lives in bench/floor.py's URLs, as gunicorn serves it
    urlconf = "bench.floor" if path == "/__floor__" else settings.ROOT_URLCONF
    with override_settings(ROOT_URLCONF=urlconf), CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
    return response.status_code, len(captured), len(response.content), elapsed


def clear_caches():
    """The default cache and the pages' (a Redis of its own when PAGE_CACHE_URL says so)."""
    for cache in caches.all():
        cache.clear()


def main(paths):
    setup_test_environment()
    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for path in paths:  # a first round warms up the process (imports, URL resolvers)
        count(client, path)
    for path in paths:
        clear_caches()
        status, cold, size, ms_cold = count(client, path)
        _, warm, _, ms_warm = count(client, path)
        results[path] = {
            "status": status,
            "queries_cold": cold,
            "queries_warm": warm,
            "bytes": size,
            "ms_cold": round(ms_cold, 1),
            "ms_warm": round(ms_warm, 1),
        }
    clear_caches()
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
