"""Plan versions for the PDF tests, built through the real services: a draft filled with
factories, submitted, and approved by every zone."""

import datetime
from dataclasses import dataclass, field

from matrice.models import Action
from patto.models import Decision, PlanVersion
from patto.programme import services as programme_services
from patto.validation import services as validation_services
from tavoli.models import ContributionStatus
from tests.factories import (
    ActionAreaFactory,
    ActionFactory,
    BodyFactory,
    ContributionFactory,
    PlanVersionFactory,
    PolicyFactory,
    ProgrammeFactory,
    SpokespersonFactory,
    StaffFactory,
    TargetFactory,
    ThematicTableFactory,
    ToolFactory,
    UserFactory,
    ZoneFactory,
)

ZONE_NAMES = ["Pinerolese", "Eporediese", "Chierese"]


@dataclass
class Plan:
    """A programme with validating zones and their spokespersons, and a staff member."""

    programme: object
    zones: list
    spokespersons: list
    staff: object
    policies: list = field(default_factory=list)


def plan_programme(slug="piano-sociale-metropolitano", title="Piano Sociale Metropolitano"):
    programme = ProgrammeFactory(slug=slug, title=title, subtitle="Un cantiere aperto")
    zones = [ZoneFactory(name=name, full_name=f"Zona {name}") for name in ZONE_NAMES]
    programme.validating_zones.set(zones)
    spokespersons = [
        SpokespersonFactory(
            zone=zone, user=UserFactory(first_name="Portavoce", last_name=zone.name)
        ).user
        for zone in zones
    ]
    return Plan(programme=programme, zones=zones, spokespersons=spokespersons, staff=StaffFactory())


def fill_draft(plan: Plan, *, policies=2, areas=2, actions=3, number=1) -> PlanVersion:
    """A draft of ``plan.programme`` with ``policies`` policies × ``areas`` action areas ×
    ``actions`` actions, each action with tools, targets, a zone and a table."""
    version = PlanVersionFactory(programme=plan.programme, number=number)
    tools = [
        ToolFactory(version=version, code=f"S{i}", name=f"Strumento di prova {i}")
        for i in range(1, 5)
    ]
    targets = [
        TargetFactory(version=version, code=f"D{i}", name=f"Destinatari di prova {i}")
        for i in range(1, 5)
    ]
    table = ThematicTableFactory(programme=plan.programme, title="Tavolo casa e lavoro")
    plan.policies = []
    count = 0
    for p in range(1, policies + 1):
        policy = PolicyFactory(
            version=version,
            code=str(p),
            position=p,
            title=f"Politica numero {p} per la coesione sociale",
            description="La politica in breve.\n\n## Un titolo nel testo\n\nAltro testo.",
        )
        plan.policies.append(policy)
        for a in range(1, areas + 1):
            area = ActionAreaFactory(
                policy=policy,
                version=version,
                code=f"{p}.{a}",
                position=a,
                title=f"Ambito {p}.{a} dell'inclusione",
            )
            for x in range(1, actions + 1):
                count += 1
                action = ActionFactory(
                    area=area,
                    version=version,
                    code=f"{p}.{a}.{x}",
                    position=x,
                    title=f"Azione {p}.{a}.{x} di accompagnamento",
                    description=(
                        "Un'azione di accompagnamento delle famiglie e dei minori, con "
                        "interventi personalizzati di presa in carico e di orientamento."
                    ),
                    lead_body="Città Metropolitana di Torino",
                    start_date=datetime.date(2018, 1, 1),
                    end_date=datetime.date(2019, 12, 31),
                )
                action.tools.add(tools[count % 4], tools[(count + 1) % 4])
                action.targets.add(targets[count % 4])
                action.zones.add(plan.zones[count % len(plan.zones)])
                action.tables.add(table)
    return version


def validate(plan: Plan, version: PlanVersion) -> PlanVersion:
    """Submit ``version`` and have every zone approve it, through the services."""
    programme_services.submit_version(version=version, by=plan.staff)
    for zone, spokesperson in zip(plan.zones, plan.spokespersons, strict=True):
        validation_services.decide_validation(
            version=version, zone=zone, by=spokesperson, decision=Decision.APPROVED
        )
    version.refresh_from_db()
    return version


def contributions(plan: Plan, version: PlanVersion) -> dict:
    """One contribution that led to an action of ``version``, one answered without an action,
    one still waiting (which the PDF leaves out)."""
    body = BodyFactory(name="Consorzio socio-assistenziale del Pinerolese")
    led = ContributionFactory(
        programme=plan.programme,
        title="Più sportelli nei comuni piccoli",
        body=body,
        status=ContributionStatus.ACCEPTED,
        response="Accolto: ne è nata un'azione.",
        submitted_on=datetime.date(2017, 10, 19),
    )
    led.led_to.set([Action.objects.filter(version=version).order_by("position", "code").first()])
    answered = ContributionFactory(
        programme=plan.programme,
        title="Un reddito minimo metropolitano",
        status=ContributionStatus.NOT_ACCEPTED,
        response="Non accolto: è materia statale.",
    )
    waiting = ContributionFactory(programme=plan.programme, title="Una proposta ancora in esame")
    return {"led": led, "answered": answered, "waiting": waiting}
