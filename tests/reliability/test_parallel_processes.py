"""Concurrency against PostgreSQL with parallel processes (issue 8): several processes edit the
same matrix item, decide on the same version, or register for the same meeting at the same
instant. Afterwards the invariants hold exactly: one edit wins and the others get the conflict;
with retries no edit is lost; one decision per zone; the version validated once; registrations
never beyond the capacity, one per person."""

import datetime
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from incontri.models import Registration
from matrice.models import Policy
from patto.models import PdfStatus, PlanVersion, Validation, VersionStatus
from patto.pdf import document as pdf
from patto.programme import services
from tests.factories import (
    MeetingFactory,
    PlanVersionFactory,
    PolicyFactory,
    ProgrammeFactory,
    UserFactory,
    ZoneFactory,
)
from tests.people import someone
from tests.reliability.parallel import run_processes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

EDIT = """
from django.contrib.auth import get_user_model
from matrice import services
from matrice.models import Policy
from patto.core.locking import ConflictError
staff = get_user_model().objects.get(pk=args["staff"])
outcomes = []
for n in range(args["edits"]):
    while True:
        policy = Policy.objects.get(pk=args["policy"])
        try:
            services.update_policy(
                policy=policy, by=staff, revision=args.get("revision", policy.revision),
                code=policy.code, title=f"Titolo scritto da {args['name']}",
                description=(policy.description + f"\\n[{args['name']}-{n}]").strip(),
            )
            outcomes.append("saved")
            break
        except ConflictError:
            outcomes.append("conflict")
            if not args["retry"]:
                break
print(json.dumps(outcomes))
"""


@pytest.fixture
def policy():
    version = PlanVersionFactory(number=1)
    return PolicyFactory(version=version, code="1", title="Titolo iniziale", description="")


def test_simultaneous_edits_of_one_item_one_wins_the_others_get_the_conflict(postgres, policy):
    staff = someone("staff")
    names = [f"p{i}" for i in range(6)]
    results = run_processes(
        EDIT,
        [
            {
                "staff": staff.pk,
                "policy": policy.pk,
                "name": name,
                "edits": 1,
                "retry": False,
                "revision": policy.revision,
            }
            for name in names
        ],
    )
    assert sorted(r[0] for r in results) == ["conflict"] * 5 + ["saved"]
    winner = names[[r[0] for r in results].index("saved")]
    policy = Policy.objects.get(pk=policy.pk)
    assert policy.title == f"Titolo scritto da {winner}"
    assert policy.description == f"[{winner}-0]"
    assert policy.revision == 2
    assert policy.history.count() == 2  # created, then the one saved edit


def test_with_retries_on_conflict_no_edit_is_lost(postgres, policy):
    staff = someone("staff")
    processes, edits = 4, 5
    results = run_processes(
        EDIT,
        [
            {"staff": staff.pk, "policy": policy.pk, "name": f"p{i}", "edits": edits, "retry": True}
            for i in range(processes)
        ],
    )
    assert all(r.count("saved") == edits for r in results)
    policy = Policy.objects.get(pk=policy.pk)
    lines = policy.description.splitlines()
    expected = {f"[p{i}-{n}]" for i in range(processes) for n in range(edits)}
    assert sorted(lines) == sorted(expected)  # every edit is there, once
    assert policy.revision == 1 + processes * edits
    conflicts = sum(r.count("conflict") for r in results)
    assert conflicts > 0  # they did collide


DECIDE = """
from django.contrib.auth import get_user_model
from patto.models import PlanVersion
from patto.validation import services
from zone.models import Zone
try:
    services.decide_validation(
        version=PlanVersion.objects.get(pk=args["version"]),
        zone=Zone.objects.get(pk=args["zone"]),
        by=get_user_model().objects.get(pk=args["user"]),
        decision="approved",
    )
    print(json.dumps("decided"))
except Exception as exc:
    print(json.dumps(type(exc).__name__))
"""


def test_simultaneous_decisions_one_per_zone_validated_once(postgres):
    programme = ProgrammeFactory()
    zones = [ZoneFactory() for _ in range(5)]
    programme.validating_zones.set(zones)
    people = [someone("spokesperson", zone=z) for z in zones]
    version = PlanVersionFactory(programme=programme, number=1)
    PolicyFactory(version=version)
    services.submit_version(version=version, by=someone("staff"))
    # every zone decides twice at the same instant (a double click, two tabs)
    jobs = [
        {"version": version.pk, "zone": z.pk, "user": p.pk}
        for z, p in zip(zones, people, strict=True)
        for _twice in range(2)
    ]
    results = run_processes(DECIDE, jobs)
    assert results.count("decided") == len(zones)
    assert Validation.objects.filter(version=version).count() == len(zones)
    for zone in zones:
        assert Validation.objects.filter(version=version, zone=zone).count() == 1
    version = PlanVersion.objects.get(pk=version.pk)
    assert version.status == VersionStatus.VALIDATED
    # validated once: one render, by the process whose approval was the last (eager there)
    assert version.pdf_status == PdfStatus.READY, version.pdf_error
    directory = Path(default_storage.path(pdf.PDF_DIRECTORY))
    assert [p.name for p in directory.iterdir()] == [Path(version.pdf_file.name).name]


REGISTER = """
from django.contrib.auth import get_user_model
from incontri import services
from incontri.models import Meeting
from django.core.exceptions import ValidationError
try:
    registration = services.register(
        meeting=Meeting.objects.get(pk=args["meeting"]),
        user=get_user_model().objects.get(pk=args["user"]),
    )
    print(json.dumps(registration.status))
except ValidationError as exc:
    print(json.dumps(" ".join(exc.messages)))
"""


def test_simultaneous_registrations_at_the_capacity_limit(postgres):
    meeting = MeetingFactory(date=timezone.localdate() + datetime.timedelta(days=5), capacity=3)
    users = [UserFactory() for _ in range(8)]
    # eight people at once for three places, two of them clicking twice (two tabs)
    jobs = [{"meeting": meeting.pk, "user": u.pk} for u in users + users[:2]]
    results = run_processes(REGISTER, jobs)
    assert results.count("confirmed") == 3
    assert results.count("waiting") == 5
    refused = [r for r in results if r not in ("confirmed", "waiting")]
    # "already registered" or "already on the waiting list", whichever the first click got
    assert len(refused) == 2 and all(
        r.startswith(("Sei già in lista", "La tua iscrizione")) for r in refused
    ), results
    rows = Registration.objects.filter(meeting=meeting)
    assert rows.count() == 8
    assert rows.filter(status="confirmed").count() == 3  # never more than the capacity
    assert sorted(rows.values_list("user_id", flat=True)) == sorted(u.pk for u in users)
