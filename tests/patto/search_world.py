"""The content the search's tests look for: a programme with a published version (the plan in
force), a proposal copied from it with one more action, a draft with one more still; approved,
waiting and hidden contributions; a meeting, a table with a member body, a zone and comuni.
Each item that must never be found carries a word of its own."""

from dataclasses import dataclass

from matrice.models import Action
from patto.models import VersionStatus
from patto.programme.services import create_version
from tavoli.models import Moderation, TableMembership
from tests.factories import (
    ActionFactory,
    BodyFactory,
    ContributionFactory,
    MeetingFactory,
    MunicipalityFactory,
    ThematicTableFactory,
    ZoneFactory,
)
from tests.versions import build_version, freeze


@dataclass
class World:
    programme: object
    in_force: object
    proposal: object
    draft: object


def make_world(staff) -> World:
    content = build_version(
        slug="piano",
        actions=2,
        policy={"title": "Famiglie e minori"},
        area={"title": "Sostegno alle famiglie"},
        action=lambda i, code: {
            "title": f"Centri per le famiglie {i + 1}",
            "description": "Servizi per la **disabilità** e l'autonomia." if i == 0 else "",
        },
    )
    programme, in_force = content.programme, content.version
    freeze(in_force, VersionStatus.PUBLISHED)
    proposal = create_version(programme=programme, by=staff)
    ActionFactory(
        version=proposal,
        area=proposal.action_areas.get(),
        code="1.1.9",
        title="Sportello casa per anziani",
    )
    freeze(proposal, VersionStatus.IN_VALIDATION)
    draft = create_version(programme=programme, by=staff)
    ActionFactory(version=draft, area=draft.action_areas.get(), code="1.1.8", title="Bozzasegreta")

    ContributionFactory(
        programme=programme,
        title="Più asili nido per le famiglie",
        text="Chiediamo <script>alert('x')</script> più posti.",
        response="Accolto: nuovi posti per le famiglie del territorio.",
        status="accepted",
        author_name="Mario Riservatissimo",
        signed_publicly=False,
    )
    ContributionFactory(
        programme=programme,
        title="Attesamoderazione",
        moderation=Moderation.PENDING,
    )
    ContributionFactory(
        programme=programme,
        title="Nascostissimo",
        moderation=Moderation.HIDDEN,
        hidden_reason="Fuori tema.",
    )
    MeetingFactory(
        programme=programme,
        title="Incontro provinciale sulle famiglie",
        agenda="Servizi per la disabilita nel Pinerolese.",
        venue="Sala consiliare",
    )
    table = ThematicTableFactory(programme=programme, slug="famiglie", title="Tavolo famiglie")
    TableMembership.objects.create(table=table, body=BodyFactory(name="Cooperativa Girasole"))
    BodyFactory(name="Girasole senza tavolo")
    zone = ZoneFactory(name="Pinerolese", full_name="Zona omogenea del Pinerolese")
    MunicipalityFactory(name="Pinerolo", zone=zone)
    MunicipalityFactory(name="Torino")
    assert Action.objects.filter(title__startswith="Centri").count() == 6  # 2 per version
    return World(programme=programme, in_force=in_force, proposal=proposal, draft=draft)
