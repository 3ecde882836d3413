"""Shared fixtures. Tests that need a real service (PostgreSQL, Redis) use the ``postgres`` or
``redis`` fixture: without the service they are skipped on a developer's machine, and under
``CI=true`` they fail — CI must never pass by skipping.

The suite runs on two processes (pytest-xdist, ``-n 2`` in pyproject's addopts). Each has its
own test database (pytest-django's ``test_<name>_gw<k>``) and its own Redis database: worker
``gw<k>`` uses REDIS_URL's database + k, and what it starts (Celery workers, the browser tests'
portal) the database 8 above that, so one process never reads, consumes or flushes another's
keys (up to 8 processes)."""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.utils import translation

IN_CI = os.environ.get("CI", "").lower() == "true"


def _redis_database(url: str, offset: int) -> str:
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0) + offset
    return urlunsplit(parts._replace(path=f"/{db % 16}"))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config, specs):
    """Give each xdist worker its own REDIS_URL, in the environment its process starts with
    (Django's settings are read before any conftest is imported)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return
    if len(specs) > 8:
        raise pytest.UsageError("With REDIS_URL set the suite runs on at most 8 processes.")
    for spec in specs:
        spec.env["REDIS_URL"] = _redis_database(url, int(spec.id.removeprefix("gw")))


# Run first, each as one unit of work: what starts processes and waits on them. The browser tests
# all go to one process (one portal for all of them).
START_FIRST = (
    "tests/e2e/",
    "tests/reliability/",
    "tests/test_setup.py",
    "tests/test_production.py",
    "tests/pdf/test_worker.py",
)
# Then the modules of few tests that take long all the same (a crawl, the demo loaded, an outside
# tool, a server started, a PDF rendered, hypothesis): ordered by their number of tests alone they
# would come last, and one process would go on alone with them while the other has finished.
LONG_FOR_THEIR_SIZE = (
    "tests/test_demo.py",  # with the crawl of tests/page_titles.py
    "tests/spid/",
    "tests/pdf/",
    "tests/fuzz/",
    "tests/test_gunicorn.py",
    "tests/test_proxy.py",
    "tests/test_celery_tasks.py",
    "tests/test_translations.py",
    "tests/test_demo_production.py",
    "tests/test_register.py",
    "tests/test_settings.py",
    "tests/patto/test_dcat_catalogue.py",
)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Units of work: a test module each (a module's fixtures are set up once), and the browser
    tests together; the slow units of START_FIRST first, then LONG_FOR_THEIR_SIZE, then the
    largest modules, so the processes finish together on short modules instead of one waiting
    on a long test that came last."""
    if config.getoption("dist") != "load":  # another --dist asked for explicitly
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        ordered = False

        def _split_scope(self, nodeid):
            module = nodeid.split("::", 1)[0]
            return "tests/e2e/" if module.startswith("tests/e2e/") else module

        def _assign_work_unit(self, node):
            if not self.ordered:  # the queue is complete, largest units first

                def rank(scope):  # START_FIRST, LONG_FOR_THEIR_SIZE in its order, the others
                    if scope.startswith(START_FIRST):
                        return 0, 0
                    for i, prefix in enumerate(LONG_FOR_THEIR_SIZE):
                        if scope.startswith(prefix):
                            return 1, i
                    return 2, 0

                for scope in sorted(self.workqueue, key=rank):  # a stable sort
                    self.workqueue.move_to_end(scope)
                self.ordered = True
            super()._assign_work_unit(node)

    return Scheduling(config, log)


def _missing(message: str):
    if IN_CI:
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)


def pytest_sessionstart(session):
    if not IN_CI:
        return
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit("CI=true requires DATABASE_URL pointing at PostgreSQL.", returncode=3)
    if not settings.REDIS_URL:
        pytest.exit("CI=true requires REDIS_URL pointing at Redis.", returncode=3)


@pytest.fixture
def postgres():
    """The test database is PostgreSQL (DATABASE_URL=postgres://...)."""
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        _missing("DATABASE_URL does not point at PostgreSQL")


@pytest.fixture(scope="session")
def redis_url():
    """A reachable Redis (REDIS_URL)."""
    import redis

    if not settings.REDIS_URL:
        _missing("REDIS_URL is not set")
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _missing(f"Redis at {settings.REDIS_URL} does not answer: {exc}")
    return settings.REDIS_URL


@pytest.fixture(autouse=True)
def _test_settings(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    # hashing strength is not under test; the slow default would dominate the suite's time
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # a cache of each test's own: pages cached by one test never answer another's requests
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }
    # a request to an /en/ page leaves English active in this thread: start each test in Italian
    translation.activate(settings.LANGUAGE_CODE)


# The personas: the same people in every module (tests/people.py makes them).


@pytest.fixture
def staff(db):
    """Anna Bianchi, of the redazione."""
    from tests.people import someone

    return someone("staff", first_name="Anna", last_name="Bianchi")


@pytest.fixture
def other_staff(db):
    """Bruno Revisore, of the redazione too: the second of two people at work on one item."""
    from tests.people import someone

    return someone("staff", first_name="Bruno", last_name="Revisore")


@pytest.fixture
def staff_client(client, staff):
    """The test's ``client``, logged in as ``staff``."""
    client.force_login(staff)
    return client


@pytest.fixture
def eager_celery():
    """Run Celery tasks in the test's own process, whatever REDIS_URL says: for tests about
    what a task does, not about the queue (those start a real worker)."""
    from patto.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
