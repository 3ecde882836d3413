"""Shared fixtures. Tests that need a real service (PostgreSQL, Redis) use the ``postgres`` or
``redis`` fixture: without the service they are skipped on a developer's machine, and under
``CI=true`` they fail — CI must never pass by skipping."""

import os

import pytest
from django.conf import settings
from django.utils import translation

IN_CI = os.environ.get("CI", "").lower() == "true"


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


@pytest.fixture
def staff_user(db):
    from tests.factories import StaffFactory

    return StaffFactory()


@pytest.fixture
def eager_celery():
    """Run Celery tasks in the test's own process, whatever REDIS_URL says: for tests about
    what a task does, not about the queue (those start a real worker)."""
    from patto.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
