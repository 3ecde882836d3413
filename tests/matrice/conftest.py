import pytest

from tests.versions import FAMILIES, build_version


@pytest.fixture
def draft(db):
    """The draft the redazione edits: ``build_version(**FAMILIES)``, one action."""
    return build_version(**FAMILIES)
