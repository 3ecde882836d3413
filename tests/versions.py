"""Plan versions for the tests, made one way: ``build_version`` fills a draft with policies,
action areas, actions, tools and targets; ``freeze`` puts a version in a frozen status in one
write; ``validate`` takes a draft through the real services (submitted, then approved by every
zone that validates its programme)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from patto.models import Decision, PlanVersion, VersionStatus
from patto.programme import services as programme_services
from patto.validation import services as validation_services
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

# The fingerprint of a version frozen by ``freeze``: a made-up one, the same for every version.
FINGERPRINT = "e" * 64

# The draft the redazione's tests edit (``build_version(**FAMILIES)``): policy «1. Famiglie e
# minori» with area «1.1 Sostegno alle famiglie» and its actions «Centri per le famiglie 1, 2…»,
# tools S1 «Sportelli» and S2 «Voucher», targets D1 «Famiglie» and D2 «Anziani», two zones and
# the programme's table «Tavolo famiglie».
FAMILIES = {
    "policy": {"title": "Famiglie e minori"},
    "area": {"title": "Sostegno alle famiglie"},
    "action": {"title": "Centri per le famiglie {n}"},
    "tools": ["Sportelli", "Voucher"],
    "targets": ["Famiglie", "Anziani"],
    "zones": 2,
    "tables": [{"slug": "famiglie", "title": "Tavolo famiglie"}],
}


@dataclass
class Content:
    """What ``build_version`` made, each kind in the order it was made."""

    programme: object
    version: PlanVersion
    policies: list
    areas: list
    actions: list
    tools: list
    targets: list
    zones: list
    tables: list

    @property
    def policy(self):
        return self.policies[0]

    @property
    def area(self):
        return self.areas[0]

    @property
    def action(self):
        return self.actions[0] if self.actions else None

    @property
    def table(self):
        return self.tables[0] if self.tables else None


def in_turn(i, action, content: Content) -> None:
    """Action ``i`` (from 0) uses tool ``i`` and target ``i``, counting round each catalogue."""
    if content.tools:
        action.tools.add(content.tools[i % len(content.tools)])
    if content.targets:
        action.targets.add(content.targets[i % len(content.targets)])


Fields = dict | Callable[..., dict] | None


def build_version(
    programme=None,
    *,
    slug: str = "piano",
    number: int = 1,
    policies: int = 1,
    areas: int | Sequence[str] = 1,
    actions: int | Sequence[str] = 1,
    tools: int | Sequence = 2,
    targets: int | Sequence = 2,
    zones: int | Sequence = 0,
    tables: int | Sequence = 0,
    policy: Fields = None,
    area: Fields = None,
    action: Fields = None,
    link: Callable = in_turn,
    status: str = VersionStatus.DRAFT,
) -> Content:
    """Version ``number`` of ``programme`` (by default a new «Piano di prova» at ``slug``),
    filled while a draft (the content of a frozen version cannot be written), then put in
    ``status`` with ``freeze``.

    - ``policies`` policies coded 1, 2, …; in each, ``areas`` action areas (1.1, 1.2, …), or
      the areas of the codes given (``["1.1", "1.2", "2.1"]``);
    - ``actions`` actions given to the areas in turn (the first to 1.1, the next to 1.2, … then
      again from 1.1: 1.1.1, 1.2.1, 1.1.2…), or one action for each code given;
    - ``tools`` and ``targets``: how many (S1 «Strumento 1», D1 «Destinatari 1», …), or their
      names (coded in order), or their ``(code, name)``;
    - ``zones``: how many new zones, or the zones; ``tables``: how many new thematic tables of
      the programme, or their fields (``{"slug": …, "title": …}``). Nothing is linked to them
      unless ``link`` does it;
    - ``policy``, ``area``, ``action``: fields of each item over the defaults (titles «Politica
      1», «Ambito 1.1», «Azione 1.1.1»), as a dict whose texts may name ``{code}``, ``{n}`` (1,
      2, … in the order made) and ``{i}`` (0, 1, …), or as a function of ``i`` and ``code``
      returning that dict;
    - ``link(i, action, content)`` links action ``i`` to the catalogues: by default ``in_turn``.
    """
    programme = programme or ProgrammeFactory(slug=slug, title="Piano di prova")
    version = PlanVersionFactory(programme=programme, number=number)
    content = Content(
        programme=programme,
        version=version,
        policies=[],
        areas=[],
        actions=[],
        tools=_catalogue(ToolFactory, version, tools, "S", "Strumento"),
        targets=_catalogue(TargetFactory, version, targets, "D", "Destinatari"),
        zones=[ZoneFactory() for _ in range(zones)] if isinstance(zones, int) else list(zones),
        tables=_tables(programme, tables),
    )
    for p in range(1, policies + 1):
        code = str(p)
        fields = _fields(policy, {"title": "Politica {code}"}, p - 1, code)
        content.policies.append(PolicyFactory(version=version, code=code, position=p, **fields))
    by_code = {p.code: p for p in content.policies}
    area_codes = (
        [f"{p.code}.{a}" for p in content.policies for a in range(1, areas + 1)]
        if isinstance(areas, int)
        else list(areas)
    )
    for i, code in enumerate(area_codes):
        parent = by_code[code.split(".")[0]]
        fields = _fields(area, {"title": "Ambito {code}"}, i, code)
        position = sum(a.policy == parent for a in content.areas) + 1
        content.areas.append(
            ActionAreaFactory(
                policy=parent, version=version, code=code, position=position, **fields
            )
        )
    codes = [None] * actions if isinstance(actions, int) else list(actions)
    for i, given in enumerate(codes):
        parent = content.areas[i % len(content.areas)]
        position = i // len(content.areas) + 1
        code = given or f"{parent.code}.{position}"
        fields = _fields(action, {"title": "Azione {code}"}, i, code)
        made = ActionFactory(area=parent, version=version, code=code, position=position, **fields)
        link(i, made, content)
        content.actions.append(made)
    if status != VersionStatus.DRAFT:
        freeze(version, status)
    return content


def _catalogue(factory, version, spec, prefix, noun) -> list:
    if isinstance(spec, int):
        spec = [(f"{prefix}{n}", f"{noun} {n}") for n in range(1, spec + 1)]
    entries = [
        entry if isinstance(entry, tuple) else (f"{prefix}{n}", entry)
        for n, entry in enumerate(spec, start=1)
    ]
    return [
        factory(version=version, code=code, name=name, position=position)
        for position, (code, name) in enumerate(entries, start=1)
    ]


def _tables(programme, spec) -> list:
    if isinstance(spec, int):
        return [ThematicTableFactory(programme=programme) for _ in range(spec)]
    return [ThematicTableFactory(programme=programme, **fields) for fields in spec]


def _fields(spec: Fields, defaults: dict, i: int, code: str) -> dict:
    given = spec(i, code) if callable(spec) else (spec or {})
    return {
        name: value.format(code=code, n=i + 1, i=i) if isinstance(value, str) else value
        for name, value in {**defaults, **given}.items()
    }


def freeze(version, status=VersionStatus.IN_VALIDATION, *, fingerprint=FINGERPRINT, **fields):
    """Put ``version`` in ``status`` (and ``fields``) in one write, the way out of the draft
    state the lifecycle services take without their checks: for tests about what a frozen
    version is, not how it became one (those call the services, or ``validate``)."""
    PlanVersion.objects.filter(pk=version.pk).update(
        status=status, fingerprint=fingerprint, **fields
    )
    version.refresh_from_db(fields=["status", "fingerprint", *fields])
    return version


def validate(version, *, by) -> PlanVersion:
    """Submit ``version`` (``by`` the redazione) and have the spokesperson of every zone that
    validates its programme approve it, through the services."""
    programme_services.submit_version(version=version, by=by)
    for zone in version.programme.validating_zones.all():
        (spokesperson,) = zone.current_spokespersons()
        validation_services.decide_validation(
            version=version, zone=zone, by=spokesperson, decision=Decision.APPROVED
        )
    version.refresh_from_db()
    return version
