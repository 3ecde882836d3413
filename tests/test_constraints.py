"""The rules the database holds, as named constraints: each one refuses bad data even when no
form or service stands in the way."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from incontri.models import Registration
from matrice.models import Action, Policy, Tool
from patto.models import Decision, PlanVersion, Validation, VersionStatus
from tests.factories import (
    ActionFactory,
    ContributionFactory,
    MeetingFactory,
    MunicipalityFactory,
    PlanVersionFactory,
    PolicyFactory,
    ProgrammeFactory,
    SpokespersonFactory,
    UserFactory,
    ZoneFactory,
)
from zone.models import Municipality

pytestmark = pytest.mark.django_db


def refused(constraint_name):
    """Expect an IntegrityError; the name is what the test is about (and documents it)."""
    assert constraint_name
    return pytest.raises(IntegrityError)


def test_one_validation_per_version_and_zone():
    version = PlanVersionFactory()
    PlanVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.IN_VALIDATION, fingerprint="a" * 64
    )
    zone, user = ZoneFactory(), UserFactory()
    Validation.objects.create(
        version=version, zone=zone, decision=Decision.APPROVED, decided_by=user
    )
    with refused("validation_one_per_zone_and_version"), transaction.atomic():
        Validation.objects.create(
            version=version,
            zone=zone,
            decision=Decision.CHANGES_REQUESTED,
            reason="No",
            decided_by=user,
        )


def test_asking_for_changes_needs_a_reason():
    version = PlanVersionFactory()
    with refused("validation_changes_need_reason"), transaction.atomic():
        Validation.objects.create(
            version=version,
            zone=ZoneFactory(),
            decision=Decision.CHANGES_REQUESTED,
            reason="",
            decided_by=UserFactory(),
        )


def test_istat_codes_are_unique_and_six_digits():
    MunicipalityFactory(istat_code="001272", name="Torino")
    with refused("unique istat_code"), transaction.atomic():
        MunicipalityFactory(istat_code="001272", name="Altro")
    with refused("municipality_istat_six_digits"), transaction.atomic():
        MunicipalityFactory(istat_code="12AB")
    assert Municipality.objects.count() == 1


def test_item_codes_are_unique_within_a_version_only():
    policy = PolicyFactory(code="1")
    with refused("policy_unique_code"), transaction.atomic():
        Policy.objects.create(version=policy.version, code="1", title="Doppione")
    PolicyFactory(code="1")  # another version may reuse it
    action = ActionFactory(code="1.1.1")
    with refused("action_unique_code"), transaction.atomic():
        Action.objects.create(
            version=action.version, area=action.area, code="1.1.1", title="Doppione"
        )
    Tool.objects.create(version=action.version, code="S1", name="Sportello")
    with refused("tool_unique_code"), transaction.atomic():
        Tool.objects.create(version=action.version, code="S1", name="Altro")


def test_a_meeting_ends_after_it_starts():
    with refused("meeting_ends_after_it_starts"), transaction.atomic():
        MeetingFactory(start_time=datetime.time(10), end_time=datetime.time(9))
    with refused("meeting_ends_after_it_starts"), transaction.atomic():
        MeetingFactory(start_time=datetime.time(10), end_time=datetime.time(10))
    MeetingFactory(start_time=datetime.time(10), end_time=datetime.time(12, 30))


def test_a_meeting_time_needs_a_date():
    with refused("meeting_time_needs_date"), transaction.atomic():
        MeetingFactory(date=None, start_time=datetime.time(10))
    MeetingFactory(date=None, date_note="ottobre–novembre 2017")


def test_a_spokesperson_assignment_ends_after_it_starts():
    with refused("spokesperson_end_not_before_start"), transaction.atomic():
        SpokespersonFactory(
            start_date=datetime.date(2020, 5, 1), end_date=datetime.date(2020, 4, 30)
        )
    SpokespersonFactory(start_date=datetime.date(2020, 5, 1), end_date=datetime.date(2021, 5, 1))


def test_only_one_draft_and_one_published_version_per_programme():
    programme = ProgrammeFactory()
    PlanVersionFactory(programme=programme, number=1)
    with refused("version_one_draft_per_programme"), transaction.atomic():
        PlanVersionFactory(programme=programme, number=2)
    with refused("version_unique_number"), transaction.atomic():
        PlanVersion.objects.filter(programme=programme).update(
            status="published", fingerprint="b" * 64
        )
        PlanVersionFactory(programme=programme, number=1, status="archived", fingerprint="c" * 64)


def test_a_frozen_version_has_a_fingerprint():
    with refused("version_frozen_has_fingerprint"), transaction.atomic():
        PlanVersionFactory(status=VersionStatus.PUBLISHED, fingerprint="")


def test_an_answered_contribution_has_a_response():
    with refused("contribution_outcome_needs_response"), transaction.atomic():
        ContributionFactory(status="accepted", response="")
    ContributionFactory(status="under_review", response="")


def test_one_registration_per_person_and_meeting():
    meeting, user = MeetingFactory(), UserFactory()
    Registration.objects.create(meeting=meeting, user=user)
    with refused("registration_one_per_person"), transaction.atomic():
        Registration.objects.create(meeting=meeting, user=user)


def test_emails_are_unique_whatever_the_case():
    UserFactory(email="Maria.Rossi@example.org")
    with refused("user_email_ci_unique"), transaction.atomic():
        UserFactory(email="maria.rossi@example.org")
