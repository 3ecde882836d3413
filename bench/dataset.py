"""Build the benchmark's dataset with bulk inserts, on an already migrated database that holds the
reference data (provinces, zones, all comuni).

At scale N: N programmes, each with two versions (1 archived, 2 published) of 100×N actions
(so 1,000 actions per version at scale 10), 30 meetings and 500 contributions per programme, and
the monitoring of the published version (``add_monitoring``: a state, progress and money for
every action, about two dated updates and 1.5 indicators with three values each per action);
above scale 1, one more programme (``bench-pdf``) of the scale-1 size, whose PDF is measured
beside the largest version's. Each version draws its actions' descriptions, dates, budgets,
tools, targets and zones anew, so nearly every action differs between the two versions of a
programme: the comparison is measured at its worst.

And the people at work and what they work on (``add_consultation``): one more programme,
``bench-consultazione``, with a published version, a version of 100×N actions in validation
(every zone approved the published one; three zones have a spokesperson who has still to decide)
on which the consultation is open, with 290×N online contributions and 60×N comments waiting for
moderation (and 60×N contributions and 30×N comments already approved), and a draft of 100×N
actions; the redazione's account, the three spokespersons (each with a second factor, as
production requires of them) and 6×N citizens with a confirmed e-mail address who wrote them.

A version's content can only be written while the version is a draft (the database's triggers
refuse anything else), so each version is filled as a draft and only then given its status and
fingerprint with a queryset update — the same order the real lifecycle follows.

Run by ``bench/run.py`` with the benchmark's environment: ``python bench/dataset.py --scale N``.
"""

import argparse
import datetime
import hashlib
import os
import random
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patto.settings")

import django
from django.apps import apps

if not apps.ready:  # imported by the tests, Django is already set up
    django.setup()

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from incontri.models import Meeting, MeetingKind, MeetingStatus
from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.models import (
    REDAZIONE_GROUP,
    STATES_WITH_REASON,
    ActionMonitoring,
    ActorCategory,
    ImplementationState,
    IndicatorValue,
    MonitoringIndicator,
    MonitoringUpdate,
    Phase,
    PlanVersion,
    Programme,
    ProgrammeKind,
    UpdateStatus,
    User,
    Validation,
    VersionStatus,
)
from tavoli.models import (
    Body,
    Comment,
    Contribution,
    ContributionChannel,
    ContributionStatus,
    Moderation,
    ThematicTable,
)
from zone.models import Municipality, Province, SpokespersonAssignment, Zone

LOREM = (
    "Rafforzare la rete dei servizi socio-assistenziali del territorio, in collaborazione con gli "
    "enti gestori, le ASL e il terzo settore, per garantire a ogni persona un accesso equo e "
    "tempestivo agli interventi di sostegno, con attenzione alle famiglie fragili, ai giovani e "
    "alle persone anziane sole. "
)
ACTIONS_PER_SCALE = 100  # actions per version, per unit of scale
POLICIES_PER_VERSION = 5
AREAS_PER_POLICY = 4
TOOLS = 12
TARGETS = 10
TABLES = 4
MEETINGS_PER_PROGRAMME = 30
PDF_PROGRAMME = "bench-pdf"
CONTRIBUTIONS_PER_PROGRAMME = 500
# the programme the people at work work on (add_consultation); per unit of scale:
CONSULTATION_PROGRAMME = "bench-consultazione"
CITIZENS = 6
PENDING_CONTRIBUTIONS = 290  # online, waiting for moderation
APPROVED_CONTRIBUTIONS = 60
PENDING_COMMENTS = 60
APPROVED_COMMENTS = 30
SPOKESPERSON_ZONES = (1, 2, 3)  # the zones whose spokesperson has an account here
STAFF_EMAIL = "redazione@bench.invalid"


def spokesperson_email(number: int) -> str:
    """The address of the account of zone ``number``'s spokesperson."""
    return f"portavoce{number}@bench.invalid"


def citizen_email(number: int) -> str:
    """The address of the ``number``-th citizen's account (from 1)."""
    return f"cittadino{number}@bench.invalid"


def text(rng, sentences):
    return " ".join(LOREM.strip() for _ in range(rng.randint(1, sentences)))


def fingerprint(version):
    return hashlib.sha256(f"bench:{version.programme_id}:{version.number}".encode()).hexdigest()


def fill_version(*, version, rng, scale, keys, zones, tables):
    """Insert the content of a draft ``version``. ``keys`` carries the stable keys from the
    previous version so the two can be compared item by item (nearly every action differs: its
    fields are drawn anew; about 5% also get a new title)."""
    n_actions = ACTIONS_PER_SCALE * scale
    tools = Tool.objects.bulk_create(
        Tool(
            version=version,
            key=keys.setdefault(("tool", i), uuid.uuid4()),
            code=f"S{i + 1}",
            position=i,
            name=f"Strumento {i + 1}",
            description=text(rng, 2),
        )
        for i in range(TOOLS)
    )
    targets = Target.objects.bulk_create(
        Target(
            version=version,
            key=keys.setdefault(("target", i), uuid.uuid4()),
            code=f"D{i + 1}",
            position=i,
            name=f"Destinatari {i + 1}",
            description=text(rng, 2),
        )
        for i in range(TARGETS)
    )
    policies = Policy.objects.bulk_create(
        Policy(
            version=version,
            key=keys.setdefault(("policy", p), uuid.uuid4()),
            code=f"{p + 1}",
            position=p,
            title=f"Politica {p + 1}: inclusione e coesione sociale",
            description=text(rng, 4),
        )
        for p in range(POLICIES_PER_VERSION)
    )
    areas = ActionArea.objects.bulk_create(
        ActionArea(
            version=version,
            policy=policy,
            key=keys.setdefault(("area", p, a), uuid.uuid4()),
            code=f"{p + 1}.{a + 1}",
            position=p * AREAS_PER_POLICY + a,
            title=f"Ambito {p + 1}.{a + 1}: servizi di prossimità",
            description=text(rng, 3),
        )
        for p, policy in enumerate(policies)
        for a in range(AREAS_PER_POLICY)
    )
    actions = []
    for i in range(n_actions):
        area = areas[i % len(areas)]
        start = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 365))
        changed = version.number > 1 and rng.random() < 0.05
        actions.append(
            Action(
                version=version,
                area=area,
                key=keys.setdefault(("action", i), uuid.uuid4()),
                code=f"{area.code}.{i // len(areas) + 1}",
                position=i,
                title=f"Azione {i + 1}{' (rivista)' if changed else ''}: sportello territoriale",
                description=text(rng, 5),
                lead_body=f"Ente capofila {i % 40 + 1}",
                partners="ASL, Comuni, terzo settore",
                start_date=start,
                end_date=start + datetime.timedelta(days=rng.randint(30, 700)),
                budget=Decimal(rng.randint(10, 5000) * 1000),
                indicators="Numero di persone raggiunte; tempi di risposta.",
            )
        )
    actions = Action.objects.bulk_create(actions, batch_size=1000)
    through = Action.tools.through
    through.objects.bulk_create(
        through(action=a, tool=t) for a in actions for t in rng.sample(tools, 2)
    )
    through = Action.targets.through
    through.objects.bulk_create(
        through(action=a, target=t) for a in actions for t in rng.sample(targets, 2)
    )
    through = Action.zones.through
    # one action in four applies to the whole territory (no zone)
    through.objects.bulk_create(
        through(action=a, zone=z)
        for a in actions
        if rng.random() > 0.25
        for z in rng.sample(zones, rng.randint(1, 3))
    )
    through = Action.tables.through
    through.objects.bulk_create(
        through(action=a, thematictable=rng.choice(tables)) for a in actions
    )
    return actions


# how often each state of implementation is drawn
STATE_WEIGHTS = {
    ImplementationState.NOT_STARTED: 15,
    ImplementationState.IN_PROGRESS: 60,
    ImplementationState.COMPLETED: 15,
    ImplementationState.SUSPENDED: 6,
    ImplementationState.CANCELLED: 4,
}
UPDATES_PER_ACTION = (0, 4)  # drawn uniformly: about two
INDICATORS_PER_ACTION = (1, 2)
VALUES_PER_INDICATOR = 3
NOON = datetime.time(12, 0)


def add_monitoring(*, programme, actions, rng, staff, published_at):
    """Insert the monitoring of the published version whose ``actions`` are given: a state,
    progress and money (within the action's budget) for every action; 0–4 dated updates after
    the publication (most published by staff, some about one of the action's zones, a few
    proposed or declined); 1–2 indicators with a target and three values at dates. Returns the
    rows inserted per model."""
    today = timezone.localdate()
    start = timezone.localtime(published_at).date()
    span = max((today - start).days, VALUES_PER_INDICATOR)
    zones_of = {}
    for action_id, zone_id in Action.zones.through.objects.filter(action__in=actions).values_list(
        "action_id", "zone_id"
    ):
        zones_of.setdefault(action_id, []).append(zone_id)
    states, weights = list(STATE_WEIGHTS), list(STATE_WEIGHTS.values())
    monitoring, updates, indicators = [], [], []
    for action in actions:
        state = rng.choices(states, weights)[0]
        progress = {
            ImplementationState.NOT_STARTED: 0,
            ImplementationState.COMPLETED: 100,
        }.get(state, rng.randint(5, 95))
        committed = (action.budget * Decimal(rng.randint(20, 100)) / 100).quantize(Decimal("1"))
        spent = (committed * Decimal(progress) / 100).quantize(Decimal("1"))
        monitoring.append(
            ActionMonitoring(
                programme=programme,
                action_key=action.key,
                state=state,
                state_reason=text(rng, 1) if state in STATES_WITH_REASON else "",
                progress=progress,
                committed=None if state == ImplementationState.NOT_STARTED else committed,
                spent=None if state == ImplementationState.NOT_STARTED else spent,
            )
        )
        for u in range(rng.randint(*UPDATES_PER_ACTION)):
            happened_on = start + datetime.timedelta(days=rng.randint(1, span))
            zones = zones_of.get(action.id)
            status = rng.choices(
                (UpdateStatus.PUBLISHED, UpdateStatus.PROPOSED, UpdateStatus.DECLINED),
                (90, 5, 5),
            )[0]
            published = status == UpdateStatus.PUBLISHED
            updates.append(
                MonitoringUpdate(
                    programme=programme,
                    action_key=action.key,
                    zone_id=rng.choice(zones) if zones and rng.random() < 0.3 else None,
                    happened_on=happened_on,
                    title=f"Aggiornamento {u + 1} sull'azione {action.code}",
                    text=text(rng, 3),
                    status=status,
                    decline_reason=text(rng, 1) if status == UpdateStatus.DECLINED else "",
                    author=staff,
                    published_by=staff if published else None,
                    published_at=(
                        timezone.make_aware(datetime.datetime.combine(happened_on, NOON))
                        if published
                        else None
                    ),
                )
            )
        for i in range(rng.randint(*INDICATORS_PER_ACTION)):
            indicators.append(
                MonitoringIndicator(
                    programme=programme,
                    action_key=action.key,
                    name=f"Indicatore {i + 1}: persone raggiunte",
                    unit="persone",
                    baseline=Decimal(rng.randint(0, 50)),
                    target=Decimal(rng.randint(100, 2000)),
                    target_date=action.end_date,
                    position=i,
                )
            )
    ActionMonitoring.objects.bulk_create(monitoring, batch_size=1000)
    MonitoringUpdate.objects.bulk_create(updates, batch_size=1000)
    indicators = MonitoringIndicator.objects.bulk_create(indicators, batch_size=1000)
    values = [
        IndicatorValue(
            indicator=indicator,
            measured_on=start + datetime.timedelta(days=day),
            value=Decimal(rng.randint(0, int(indicator.target))),
            recorded_by=staff,
        )
        for indicator in indicators
        for day in sorted(rng.sample(range(1, span + 1), VALUES_PER_INDICATOR))
    ]
    IndicatorValue.objects.bulk_create(values, batch_size=1000)
    return {
        "monitored actions": len(monitoring),
        "updates": len(updates),
        "indicators": len(indicators),
        "indicator values": len(values),
    }


def accounts(people) -> list[User]:
    """An account for each (e-mail address, first name) of ``people``, with an unusable
    password."""
    return User.objects.bulk_create(
        User(username=email, email=email, first_name=name, password="!") for email, name in people
    )


def add_people(*, scale, staff, zones):
    """The people at work: ``staff`` joins the redazione; the spokespersons of
    ``SPOKESPERSON_ZONES`` and CITIZENS×``scale`` citizens get an account. Every one has a
    confirmed e-mail address (allauth's ``EmailAddress``); the privileged ones (the redazione,
    the spokespersons) a second factor, which production requires before any page of their
    areas. Passwords are unusable: the bench logs them in with sessions of its own
    (``bench/roles.py``). Returns (spokespersons by zone number, citizens)."""
    staff.groups.add(Group.objects.get_or_create(name=REDAZIONE_GROUP)[0])
    spokespersons = accounts(
        (spokesperson_email(number), f"Portavoce della zona {number}")
        for number in SPOKESPERSON_ZONES
    )
    by_number = {zone.number: zone for zone in zones}
    SpokespersonAssignment.objects.bulk_create(
        SpokespersonAssignment(
            zone=by_number[number], user=user, start_date=datetime.date(2016, 1, 1)
        )
        for number, user in zip(SPOKESPERSON_ZONES, spokespersons, strict=True)
    )
    citizens = accounts(
        (citizen_email(number), f"Persona {number}") for number in range(1, CITIZENS * scale + 1)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for user in [staff, *spokespersons, *citizens]
    )
    Authenticator.objects.bulk_create(
        Authenticator(user=user, type=Authenticator.Type.TOTP, data={"secret": "bench"})
        for user in [staff, *spokespersons]
    )
    return dict(zip(SPOKESPERSON_ZONES, spokespersons, strict=True)), citizens


def add_consultation(*, scale, rng, staff, zones, position, now):
    """``CONSULTATION_PROGRAMME`` and the people at work on it (``add_people``): version 1
    published (every zone approved it), version 2 of 100×``scale`` actions in validation, on
    which the consultation is open and no zone has decided yet, version 3 a draft of as many
    actions; the online contributions and comments on version 2, most waiting for moderation.
    Returns the counts of what the people work on."""
    spokespersons, citizens = add_people(scale=scale, staff=staff, zones=zones)
    programme = Programme.objects.create(
        slug=CONSULTATION_PROGRAMME,
        kind=ProgrammeKind.PIANO,
        title="Programma di prova in consultazione",
        promoter="Regione Piemonte",
        summary=text(rng, 2),
        description=text(rng, 6),
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2027, 12, 31),
        position=position,
        contributions_need_approval=True,
    )
    programme.validating_zones.set(zones)
    phases = Phase.objects.bulk_create(
        [
            Phase(programme=programme, position=0, title="Fase 1", description=text(rng, 2)),
            Phase(
                programme=programme,
                position=1,
                title="Consultazione sulla proposta",
                description=text(rng, 2),
                is_consultation=True,
                consultation_opens_at=now - datetime.timedelta(days=7),
                consultation_closes_at=now + datetime.timedelta(days=60),
            ),
        ]
    )
    tables = ThematicTable.objects.bulk_create(
        ThematicTable(
            programme=programme,
            phase=phases[0],
            slug=f"tavolo-{i + 1}",
            title=f"Tavolo {i + 1}",
            position=i,
        )
        for i in range(TABLES)
    )
    # each version is filled as a draft, then frozen (one draft per programme at a time)
    keys = {}
    versions = []
    frozen = {
        1: {
            "status": VersionStatus.PUBLISHED,
            "submitted_at": now - datetime.timedelta(days=100),
            "validated_at": now - datetime.timedelta(days=90),
            "published_at": now - datetime.timedelta(days=90),
        },
        2: {
            "status": VersionStatus.IN_VALIDATION,
            "submitted_at": now - datetime.timedelta(days=7),
            "submitted_by": staff,
        },
    }
    for number in (1, 2, 3):
        version = PlanVersion.objects.create(
            programme=programme,
            number=number,
            based_on=versions[-1] if versions else None,
            change_note=f"Versione {number} del programma.",
        )
        fill_version(version=version, rng=rng, scale=scale, keys=keys, zones=zones, tables=tables)
        if number in frozen:
            PlanVersion.objects.filter(pk=version.pk).update(
                fingerprint=fingerprint(version), **frozen[number]
            )
        versions.append(version)
    published, proposal, _draft = versions
    Validation.objects.bulk_create(
        Validation(
            version=published,
            zone=zone,
            decision="approved",
            decided_by=spokespersons.get(zone.number, staff),
            decided_at=now - datetime.timedelta(days=95),
        )
        for zone in zones
    )
    # what the online contributions are about: the proposal as a whole, a policy, an action
    targets = [{}] + [{"policy_key": keys[("policy", p)]} for p in range(POLICIES_PER_VERSION)]
    targets += [
        {"action_key": keys[("action", i)]} for i in range(0, ACTIONS_PER_SCALE * scale, 10)
    ]
    today = timezone.localdate()
    contributions = []
    for i in range(PENDING_CONTRIBUTIONS * scale + APPROVED_CONTRIBUTIONS * scale):
        author = rng.choice(citizens)
        pending = i < PENDING_CONTRIBUTIONS * scale
        contributions.append(
            Contribution(
                programme=programme,
                version=proposal,
                channel=ContributionChannel.ONLINE,
                moderation=Moderation.PENDING if pending else Moderation.APPROVED,
                moderated_at=None if pending else now,
                moderated_by=None if pending else staff,
                kind=rng.choice(("proposal", "critical_issue", "request")),
                title=f"Contributo online {i + 1}",
                text=text(rng, 2),
                author=author,
                author_name=author.first_name,
                signed_publicly=rng.random() < 0.5,
                actor_category=rng.choice(ActorCategory.values),
                submitted_on=today - datetime.timedelta(days=rng.randint(0, 6)),
                status=ContributionStatus.RECEIVED,
                **rng.choice(targets),
            )
        )
    contributions = Contribution.objects.bulk_create(contributions, batch_size=1000)
    approved = contributions[PENDING_CONTRIBUTIONS * scale :]
    comments = []
    for i in range(PENDING_COMMENTS * scale + APPROVED_COMMENTS * scale):
        author = rng.choice(citizens)
        pending = i < PENDING_COMMENTS * scale
        comments.append(
            Comment(
                contribution=rng.choice(approved),
                author=author,
                author_name=author.first_name,
                text=text(rng, 1),
                moderation=Moderation.PENDING if pending else Moderation.APPROVED,
                moderated_at=None if pending else now,
                moderated_by=None if pending else staff,
            )
        )
    Comment.objects.bulk_create(comments, batch_size=1000)
    return {
        "people": 1 + len(spokespersons) + len(citizens),
        "online contributions": len(contributions),
        "waiting for moderation": PENDING_CONTRIBUTIONS * scale + PENDING_COMMENTS * scale,
    }


@transaction.atomic
def build(scale, seed=7):
    rng = random.Random(seed)
    zones = list(Zone.objects.all())
    municipalities = list(Municipality.objects.all())
    provinces = list(Province.objects.all())
    bodies = Body.objects.bulk_create(
        Body(
            name=f"Ente partecipante {i + 1}",
            category=rng.choice(ActorCategory.values),
            province=rng.choice(provinces),
        )
        for i in range(60)
    )
    now = timezone.now()
    # who records the monitoring (the rows name an author)
    staff = User.objects.create_user(username=STAFF_EMAIL, email=STAFF_EMAIL, is_staff=True)
    programmes = []
    # (slug, title, size): size × 100 actions per version. Above scale 1, one more programme of
    # scale-1 size: the PDF's memory target is about a document of about a hundred pages (its
    # version makes about 170), and a 1,000-action version makes one of some 600 (bench/run.py
    # renders both).
    specs = [(f"bench-{p + 1}", f"Programma di prova {p + 1}", scale) for p in range(scale)]
    if scale > 1:
        specs.append((PDF_PROGRAMME, "Programma di prova per il PDF", 1))
    for p, (slug, title, size) in enumerate(specs):
        programme = Programme.objects.create(
            slug=slug,
            kind=ProgrammeKind.PATTO if p % 2 == 0 else ProgrammeKind.PIANO,
            title=title,
            promoter="Regione Piemonte",
            summary=text(rng, 2),
            description=text(rng, 6),
            start_date=datetime.date(2024, 1, 1),
            end_date=datetime.date(2027, 12, 31),
            position=p,
        )
        programme.validating_zones.set(zones)
        programmes.append(programme)
        phases = Phase.objects.bulk_create(
            Phase(
                programme=programme,
                position=i,
                title=f"Fase {i + 1}",
                description=text(rng, 2),
                start_date=datetime.date(2024 + i, 1, 1),
            )
            for i in range(2)
        )
        tables = ThematicTable.objects.bulk_create(
            ThematicTable(
                programme=programme,
                phase=phases[0],
                slug=f"tavolo-{i + 1}",
                title=f"Tavolo {i + 1}",
                description=text(rng, 2),
                position=i,
            )
            for i in range(TABLES)
        )
        keys = {}
        previous = None
        last_actions = []
        for number, status in ((1, VersionStatus.ARCHIVED), (2, VersionStatus.PUBLISHED)):
            version = PlanVersion.objects.create(
                programme=programme,
                number=number,
                based_on=previous,
                change_note=f"Versione {number} del programma.",
            )
            last_actions = fill_version(
                version=version, rng=rng, scale=size, keys=keys, zones=zones, tables=tables
            )
            stamps = {"submitted_at": now, "validated_at": now}
            if status == VersionStatus.PUBLISHED:
                stamps["published_at"] = now
            else:
                stamps["published_at"] = now - datetime.timedelta(days=200)
                stamps["archived_at"] = now
            PlanVersion.objects.filter(pk=version.pk).update(
                status=status, fingerprint=fingerprint(version), **stamps
            )
            previous = version
        # the monitoring of the plan in force (version 2's actions): its own random draws, so
        # the rest of the dataset is the same as without it
        add_monitoring(
            programme=programme,
            actions=last_actions,
            rng=random.Random(seed * 1000 + p),
            staff=staff,
            # since the first version was published: monitoring follows an action's stable key
            published_at=now - datetime.timedelta(days=200),
        )
        today = timezone.localdate()
        meetings = []
        for i in range(MEETINGS_PER_PROGRAMME):
            date = today + datetime.timedelta(days=rng.randint(-300, 300))
            held = date < today
            municipality = rng.choice(municipalities)
            meetings.append(
                Meeting(
                    programme=programme,
                    phase=phases[0],
                    kind=rng.choice(MeetingKind.values),
                    title=f"Incontro {i + 1} sul programma {p + 1}",
                    date=date,
                    start_time=datetime.time(9, 30),
                    end_time=datetime.time(12, 30),
                    venue="Sala consiliare",
                    address="Piazza del Municipio 1",
                    municipality=municipality,
                    province_id=municipality.province_id,
                    zone_id=municipality.zone_id,
                    audiences=rng.sample(ActorCategory.values, 3),
                    agenda=text(rng, 3),
                    status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
                    minutes=text(rng, 4) if held else "",
                    attendance=rng.randint(10, 120) if held else None,
                )
            )
        meetings = Meeting.objects.bulk_create(meetings)
        through = Meeting.tables.through
        through.objects.bulk_create(
            through(meeting=m, thematictable=rng.choice(tables)) for m in meetings
        )
        contributions = []
        for i in range(CONTRIBUTIONS_PER_PROGRAMME):
            status = rng.choice(ContributionStatus.values)
            answered = status in ("accepted", "partly_accepted", "not_accepted")
            contributions.append(
                Contribution(
                    programme=programme,
                    table=rng.choice(tables),
                    meeting=rng.choice(meetings),
                    kind=rng.choice(("proposal", "critical_issue", "request")),
                    title=f"Contributo {i + 1}",
                    text=text(rng, 3),
                    author_name=f"Persona {i + 1}",
                    body=rng.choice(bodies),
                    actor_category=rng.choice(ActorCategory.values),
                    submitted_on=today - datetime.timedelta(days=rng.randint(0, 400)),
                    status=status,
                    response=text(rng, 1) if answered else "",
                    answered_at=now if answered else None,
                )
            )
        contributions = Contribution.objects.bulk_create(contributions, batch_size=1000)
        through = Contribution.led_to.through
        through.objects.bulk_create(
            through(contribution=c, action=rng.choice(last_actions))
            for c in contributions
            if c.status in ("accepted", "partly_accepted")
        )
    # its own random draws: the rest of the dataset is the same as without it
    add_consultation(
        scale=scale,
        rng=random.Random(seed * 7919),
        staff=staff,
        zones=zones,
        position=len(specs),
        now=now,
    )
    return programmes


def analyze():
    """Give PostgreSQL's planner the statistics of the tables just filled, as after a restore
    (``pg_restore`` leaves this to the operator too): otherwise the first minutes of the run
    are planned from empty tables' estimates until autovacuum happens to analyze them, and the
    same run measures different plans."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    build(args.scale)
    analyze()
    counts = {
        "programmes": Programme.objects.count(),
        "versions": PlanVersion.objects.count(),
        "actions": Action.objects.count(),
        "meetings": Meeting.objects.count(),
        "contributions": Contribution.objects.count(),
        "monitored actions": ActionMonitoring.objects.count(),
        "monitoring updates": MonitoringUpdate.objects.count(),
        "indicator values": IndicatorValue.objects.count(),
        "comuni": Municipality.objects.count(),
        "people": User.objects.count(),
        "waiting for moderation": Contribution.objects.filter(moderation=Moderation.PENDING).count()
        + Comment.objects.filter(moderation=Moderation.PENDING).count(),
    }
    print(
        "dataset: "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        + f" ({time.perf_counter() - started:.1f} s)"
    )


if __name__ == "__main__":
    main()
