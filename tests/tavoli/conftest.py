import datetime
from dataclasses import dataclass, field

import pytest

from patto.models import ActorCategory
from tavoli.models import ContributionKind, ContributionStatus
from tests.factories import (
    BodyFactory,
    ContributionFactory,
    MeetingFactory,
    PhaseFactory,
    ProgrammeFactory,
    ThematicTableFactory,
    UserFactory,
)
from tests.tavoli.factories import TableMembershipFactory, answered
from tests.versions import build_version


@dataclass
class World:
    """A programme as the 2017 Patto has it: two phases with their tables, member bodies, a
    meeting, contributions with every outcome, and actions in a published and a draft version."""

    programme: object
    phases: list
    tables: dict
    bodies: dict
    meeting: object
    published_actions: list
    draft_actions: list
    contributions: dict = field(default_factory=dict)


@pytest.fixture
def world(db):
    programme = ProgrammeFactory(slug="patto", title="Patto per il sociale")
    phase_2015 = PhaseFactory(programme=programme, position=1, title="Patto per il sociale 2015")
    phase_2017 = PhaseFactory(
        programme=programme,
        position=2,
        title="Nuovo patto 2017",
        start_date=datetime.date(2017, 7, 5),
    )
    tables = {
        "povertà-2015": ThematicTableFactory(
            programme=programme,
            phase=phase_2015,
            slug="2015-poverta",
            title="Contrasto alla povertà (2015)",
            position=1,
        ),
        "famiglie-2015": ThematicTableFactory(
            programme=programme,
            phase=phase_2015,
            slug="2015-famiglie",
            title="Responsabilità familiari",
            position=2,
        ),
        "abitare": ThematicTableFactory(
            programme=programme,
            phase=phase_2017,
            slug="2017-abitare",
            title="Politiche per l'abitare",
            description="Dalla politica della **casa** alle politiche per l'abitare.",
            position=1,
        ),
        "famiglie-2017": ThematicTableFactory(
            programme=programme,
            phase=phase_2017,
            slug="2017-famiglie",
            title="Responsabilità familiari",
            position=2,
        ),
    }
    bodies = {
        "regione": BodyFactory(name="Regione Piemonte", category=ActorCategory.PUBLIC_BODY),
        "coop": BodyFactory(name="Cooperativa Il Ponte", category=ActorCategory.COOPERATIVE),
        "asl": BodyFactory(name="ASL Città di Torino", category=ActorCategory.HEALTH_AUTHORITY),
    }
    TableMembershipFactory(table=tables["abitare"], body=bodies["regione"], role="Coordinamento")
    TableMembershipFactory(table=tables["abitare"], body=bodies["coop"], role="Componente")
    TableMembershipFactory(table=tables["abitare"], body=bodies["asl"], role="")
    TableMembershipFactory(table=tables["famiglie-2017"], body=bodies["regione"])
    meeting = MeetingFactory(programme=programme, title="Incontro provinciale di Cuneo")
    meeting.tables.set([tables["abitare"], tables["famiglie-2017"]])
    MeetingFactory(programme=programme, title="Incontro provinciale di Asti")  # no table
    published_actions = build_version(
        programme, actions=["2.2.2", "2.2.5"], status="published"
    ).actions
    draft_actions = build_version(programme, number=2, actions=["9.9.9"]).actions
    w = World(
        programme,
        [phase_2015, phase_2017],
        tables,
        bodies,
        meeting,
        published_actions,
        draft_actions,
    )
    author = UserFactory(username="mario.rossi", email="mario.rossi@example.org")
    w.contributions["sfratti"] = ContributionFactory(
        programme=programme,
        table=tables["abitare"],
        meeting=meeting,
        kind=ContributionKind.CRITICAL_ISSUE,
        title="Famiglie sotto sfratto senza soluzioni ponte",
        text="Tra lo sfratto e la casa popolare passano mesi.",
        author=author,
        author_name="Comitato inquilini",
        signed_publicly=True,  # asked to be cited with this name
        body=bodies["coop"],
        actor_category=ActorCategory.COOPERATIVE,
        submitted_on=datetime.date(2017, 10, 19),
        **answered(
            status=ContributionStatus.ACCEPTED,
            response="Accolto: ne è nato il fondo per le locazioni.",
            answered_by=author,
        ),
    )
    w.contributions["sfratti"].led_to.set([*published_actions, *draft_actions])
    w.contributions["affitti"] = ContributionFactory(
        programme=programme,
        table=tables["abitare"],
        kind=ContributionKind.REQUEST,
        title="Fondi per gli affitti più rapidi",
        actor_category=ActorCategory.HOUSING,
        submitted_on=datetime.date(2017, 10, 26),
        **answered(status=ContributionStatus.PARTLY_ACCEPTED, response="Accolto in parte."),
    )
    w.contributions["centri"] = ContributionFactory(
        programme=programme,
        table=tables["famiglie-2017"],
        kind=ContributionKind.PROPOSAL,
        title="Centri per le famiglie aperti il sabato",
        actor_category=ActorCategory.FAMILY_CENTRE,
        submitted_on=datetime.date(2017, 11, 22),
        status=ContributionStatus.UNDER_REVIEW,
    )
    w.contributions["servizio-civile"] = ContributionFactory(
        programme=programme,
        table=tables["famiglie-2017"],
        kind=ContributionKind.REQUEST,
        title="Un contributo per ogni posto di servizio civile",
        actor_category=ActorCategory.CIVIL_SERVICE,
        body=bodies["asl"],
        submitted_on=datetime.date(2017, 11, 6),
        **answered(status=ContributionStatus.NOT_ACCEPTED, response="Non accolto: è statale."),
    )
    w.contributions["montagna"] = ContributionFactory(
        programme=programme,
        meeting=meeting,
        kind=ContributionKind.CRITICAL_ISSUE,
        title="Assistenti sociali troppo pochi in montagna",
        text="Nelle valli un'assistente sociale copre molti comuni.",
        actor_category=ActorCategory.SOCIAL_WORKER,
        status=ContributionStatus.RECEIVED,
    )
    # Another programme's contribution, never shown with this one's.
    w.contributions["altro"] = ContributionFactory(title="Contributo del Piano metropolitano")
    return w


@pytest.fixture
def consultation(db):
    from tests.tavoli.consultation import make_consultation

    return make_consultation()
