"""A version's PDF carries only what belongs to that version (issue 22): its annex of
contributions leaves out those about a later version and those presented after the day the
version was frozen (sent to the zones). The demo's version 1, validated in 2016, listed a
contribution of 2026 about version 2."""

import datetime

import pytest
from django.utils import timezone

from matrice.models import Action
from patto.models import VersionStatus
from patto.pdf.document import answered_contributions
from tavoli.models import ContributionStatus
from tests.factories import ContributionFactory, PlanVersionFactory, ProgrammeFactory
from tests.versions import freeze

pytestmark = pytest.mark.django_db


def answered(programme, title, **fields):
    return ContributionFactory(
        programme=programme,
        title=title,
        status=ContributionStatus.NOT_ACCEPTED,
        response="Non accolto.",
        **fields,
    )


def titles(version):
    actions = list(Action.objects.filter(version=version))
    return sorted(c.title for c in answered_contributions(version, actions))


def test_the_annex_of_a_version_leaves_out_what_came_after_it():
    programme = ProgrammeFactory()
    first = PlanVersionFactory(programme=programme, number=1)
    frozen = timezone.make_aware(datetime.datetime(2016, 5, 10, 12, 0))
    freeze(first, VersionStatus.PUBLISHED, submitted_at=frozen)
    second = PlanVersionFactory(programme=programme, number=2)
    answered(programme, "Prima del 2016", submitted_on=datetime.date(2015, 11, 3))
    answered(programme, "Il giorno stesso", submitted_on=datetime.date(2016, 5, 10))
    answered(programme, "Senza data")
    answered(
        programme,
        "Sulla versione 2",
        version=second,
        submitted_on=datetime.date(2026, 3, 1),
    )
    answered(programme, "Del 2026", submitted_on=datetime.date(2026, 3, 2))
    assert titles(first) == ["Il giorno stesso", "Prima del 2016", "Senza data"]
    # the draft that follows answers everything so far
    assert titles(second) == [
        "Del 2026",
        "Il giorno stesso",
        "Prima del 2016",
        "Senza data",
        "Sulla versione 2",
    ]
