"""A programme with a draft to edit, for the tests of the redazione's pages and services."""

from dataclasses import dataclass

from patto.models import PlanVersion, VersionStatus
from tests.factories import (
    ActionAreaFactory,
    ActionFactory,
    PlanVersionFactory,
    PolicyFactory,
    ProgrammeFactory,
    TargetFactory,
    ThematicTableFactory,
    ToolFactory,
    ZoneFactory,
)


@dataclass
class Draft:
    programme: object
    version: object
    policy: object
    area: object
    action: object
    tools: list
    targets: list
    zones: list
    table: object


def build_draft(*, actions=1, programme=None, number=1, slug="piano") -> Draft:
    """A draft with one policy, one area, ``actions`` actions (the first uses the first tool
    and the first target), two tools, two targets, two zones and one table."""
    programme = programme or ProgrammeFactory(slug=slug, title="Piano di prova")
    version = PlanVersionFactory(programme=programme, number=number)
    tools = [
        ToolFactory(version=version, code="S1", name="Sportelli", position=1),
        ToolFactory(version=version, code="S2", name="Voucher", position=2),
    ]
    targets = [
        TargetFactory(version=version, code="D1", name="Famiglie", position=1),
        TargetFactory(version=version, code="D2", name="Anziani", position=2),
    ]
    policy = PolicyFactory(version=version, code="1", title="Famiglie e minori", position=1)
    area = ActionAreaFactory(
        policy=policy, version=version, code="1.1", title="Sostegno alle famiglie", position=1
    )
    created = []
    for i in range(actions):
        action = ActionFactory(
            area=area,
            version=version,
            code=f"1.1.{i + 1}",
            title=f"Centri per le famiglie {i + 1}",
            position=i + 1,
        )
        action.tools.add(tools[i % 2])
        action.targets.add(targets[i % 2])
        created.append(action)
    zones = [ZoneFactory(), ZoneFactory()]
    table = ThematicTableFactory(programme=programme, slug="famiglie", title="Tavolo famiglie")
    return Draft(
        programme,
        version,
        policy,
        area,
        created[0] if created else None,
        tools,
        targets,
        zones,
        table,
    )


def freeze(version, status=VersionStatus.IN_VALIDATION):
    """Move ``version`` out of the draft state, as the lifecycle services do."""
    PlanVersion.objects.filter(pk=version.pk).update(status=status, fingerprint="f" * 64)
    version.refresh_from_db()
    return version
