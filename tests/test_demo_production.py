"""``manage.py load_demo`` refuses to run in production unless told to (on an empty database: the
demo that tests/test_demo.py loads once is not there)."""

import pytest
from django.core.management.base import CommandError

from patto.models import Programme, User
from tests.test_demo import run_load_demo

pytestmark = pytest.mark.django_db


def test_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="--allow-production"):
        run_load_demo()
    assert not Programme.objects.exists()
    assert not User.objects.exists()


def test_runs_in_production_only_when_allowed(settings):
    settings.PRODUCTION = True
    run_load_demo("--allow-production")
    assert Programme.objects.count() == 2
