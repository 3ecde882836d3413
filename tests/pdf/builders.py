"""The world of the PDF tests: a programme validated by three zones, each with its
spokesperson, and a member of the redazione (``plan_programme``); its drafts filled with every
text a PDF shows (``fill_draft``, on ``tests.versions.build_version``, whose ``validate`` takes
them through the real services); and the contributions a PDF annexes."""

import datetime
from dataclasses import dataclass, field

from matrice.models import Action
from patto.models import PlanVersion
from tavoli.models import ContributionStatus
from tests.factories import BodyFactory, ContributionFactory, ProgrammeFactory, ZoneFactory
from tests.people import someone
from tests.versions import build_version

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
        someone("spokesperson", zone=zone, first_name="Portavoce", last_name=zone.name)
        for zone in zones
    ]
    return Plan(
        programme=programme, zones=zones, spokespersons=spokespersons, staff=someone("staff")
    )


def fill_draft(plan: Plan, *, policies=2, areas=2, actions=3, number=1) -> PlanVersion:
    """A draft of ``plan.programme`` with ``policies`` policies × ``areas`` action areas ×
    ``actions`` actions (``build_version``), each action with two tools, a target, a zone and
    the table, and every text a PDF shows filled in."""
    content = build_version(
        plan.programme,
        number=number,
        policies=policies,
        areas=areas,
        actions=policies * areas * actions,
        tools=[f"Strumento di prova {i}" for i in range(1, 5)],
        targets=[f"Destinatari di prova {i}" for i in range(1, 5)],
        zones=plan.zones,
        tables=[{"title": "Tavolo casa e lavoro"}],
        policy={
            "title": "Politica numero {code} per la coesione sociale",
            "description": "La politica in breve.\n\n## Un titolo nel testo\n\nAltro testo.",
        },
        area={"title": "Ambito {code} dell'inclusione"},
        action={
            "title": "Azione {code} di accompagnamento",
            "description": (
                "Un'azione di accompagnamento delle famiglie e dei minori, con "
                "interventi personalizzati di presa in carico e di orientamento."
            ),
            "lead_body": "Città Metropolitana di Torino",
            "start_date": datetime.date(2018, 1, 1),
            "end_date": datetime.date(2019, 12, 31),
        },
        link=_link_everything,
    )
    plan.policies = content.policies
    return content.version


def _link_everything(i, action, content):
    """Two tools, a target and a zone in turn, and the table."""
    tools, targets, zones = content.tools, content.targets, content.zones
    action.tools.add(tools[(i + 1) % len(tools)], tools[(i + 2) % len(tools)])
    action.targets.add(targets[(i + 1) % len(targets)])
    action.zones.add(zones[(i + 1) % len(zones)])
    action.tables.add(content.table)


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
