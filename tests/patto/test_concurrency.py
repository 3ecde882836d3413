"""Decisions that arrive at the same instant, against the real PostgreSQL: each thread has its
own connection and they are released together by a barrier."""

import pytest

from patto.models import Decision, PlanVersion, Validation, VersionStatus
from patto.programme import services as programme_services
from patto.validation import services as validation_services
from tests.concurrency import run_together
from tests.factories import (
    ProgrammeFactory,
    ZoneFactory,
)
from tests.people import someone
from tests.versions import build_version

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]


@pytest.fixture
def in_validation():
    programme = ProgrammeFactory()
    zones = [ZoneFactory() for _ in range(3)]
    programme.validating_zones.set(zones)
    spokespersons = [someone("spokesperson", zone=z) for z in zones]
    version = build_version(programme, tools=0, targets=0).version
    programme_services.submit_version(version=version, by=someone("staff"))
    return version, zones, spokespersons


def test_two_requests_deciding_for_the_same_zone_record_one_decision(in_validation):
    version, zones, spokespersons = in_validation
    results = run_together(
        lambda: validation_services.decide_validation(
            version=version, zone=zones[0], by=spokespersons[0], decision=Decision.APPROVED
        ),
        lambda: validation_services.decide_validation(
            version=version, zone=zones[0], by=spokespersons[0], decision=Decision.APPROVED
        ),
    )
    assert sum(isinstance(r, Validation) for r in results) == 1
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and "ha già deciso" in str(refused[0])
    assert Validation.objects.filter(version=version, zone=zones[0]).count() == 1


def test_the_last_two_zones_approving_at_once_validate_the_version_once(in_validation, monkeypatch):
    version, zones, spokespersons = in_validation
    validation_services.decide_validation(
        version=version, zone=zones[0], by=spokespersons[0], decision=Decision.APPROVED
    )
    validated_events = []
    original = programme_services.mark_validated

    def counting(v):
        validated_events.append(v.pk)
        return original(v)

    monkeypatch.setattr(validation_services, "mark_validated", counting)
    results = run_together(
        *[
            (
                lambda i=i: validation_services.decide_validation(
                    version=version, zone=zones[i], by=spokespersons[i], decision=Decision.APPROVED
                )
            )
            for i in (1, 2)
        ]
    )
    assert all(isinstance(r, Validation) for r in results), results
    assert validated_events == [version.pk]
    version = PlanVersion.objects.get(pk=version.pk)
    assert version.status == VersionStatus.VALIDATED
    assert version.validations.count() == 3
