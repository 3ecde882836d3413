import pytest

from patto.celery import app as celery_app


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in this process unless a test starts a real worker (test_worker): even when
    REDIS_URL is set, which turns eager mode off in the settings."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def fake_renderer(settings):
    settings.PDF_RENDERER = "tests.pdf.fakes.render_version"
