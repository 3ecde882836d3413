import datetime

import pytest
from django.utils import timezone, translation

from tests.factories import ProvinceFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def days(today):
    """``days(n)``: the date ``n`` days from today (negative: in the past)."""
    return lambda n: today + datetime.timedelta(days=n)


@pytest.fixture
def torino(db):
    return ProvinceFactory(istat_code="001", name="Torino", abbreviation="TO")


@pytest.fixture
def cuneo(db):
    return ProvinceFactory(
        istat_code="004", name="Cuneo", abbreviation="CN", is_metropolitan_city=False
    )


@pytest.fixture(autouse=True)
def _italian():
    """Pages in Italian, and no language left active by a request to an /en/ page."""
    with translation.override("it"):
        yield
