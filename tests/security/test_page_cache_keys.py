"""Finding 2 of the penetration test (issue 21): anyone could fill Redis through the page cache,
since every unknown query string (``?x=1``, ``?x=2``…) stored a page for a day. A page is now
stored once per value of the parameters it reads, the view never sees the others, and the
pages live in a cache of their own (a Redis with a memory limit and LRU eviction in
production), apart from the broker, the sessions and the rate limits."""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patto.cache.pages import page_cache
from tests.factories import ProgrammeFactory
from tests.test_settings import manage

pytestmark = pytest.mark.django_db


def stored_pages() -> int:
    return sum(1 for key in page_cache()._cache if ":page:" in key)


def test_unknown_parameters_share_the_page_of_no_parameters():
    ProgrammeFactory(title="Patto per il sociale")
    client = Client()
    url = reverse("patto:programmes")
    first = client.get(url)
    assert first.status_code == 200
    assert stored_pages() == 1
    for n in range(20):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"x": n, f"y{n}": "z"})
        assert response.status_code == 200
        assert len(queries) == 0  # served from the page stored for no parameters
        assert response.content == first.content
    assert stored_pages() == 1


def test_the_parameters_a_page_reads_still_make_pages_of_their_own(reference_zones):
    client = Client()
    url = reverse("zone:municipality_search")
    pinerolo = client.get(url, {"q": "Pinerolo", "utm_source": "x"})
    ivrea = client.get(url, {"q": "Ivrea", "utm_source": "y"})
    # the query each page answers (every page's map names every comune, Pinerolo too)
    assert "«Pinerolo»" in pinerolo.content.decode()
    assert "«Ivrea»" in ivrea.content.decode() and "«Pinerolo»" not in ivrea.content.decode()
    # the stray parameter is not in the page's links either: the view never saw it
    assert "utm_source" not in pinerolo.content.decode()
    assert stored_pages() == 2


@pytest.fixture
def reference_zones():
    from zone.reference_data import load_reference_data

    load_reference_data(data_dir=settings.REFERENCE_DATA_DIR)


def settings_of(**env) -> dict:
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "import json; from django.conf import settings as s; "
        "print(json.dumps({k: v['LOCATION'] for k, v in s.CACHES.items()}))",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_the_pages_go_to_the_cache_page_cache_url_names():
    caches = settings_of(
        REDIS_URL="redis://127.0.0.1:6379/0", PAGE_CACHE_URL="redis://127.0.0.1:6380/0"
    )
    assert caches == {"default": "redis://127.0.0.1:6379/0", "pages": "redis://127.0.0.1:6380/0"}
