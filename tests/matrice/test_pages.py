"""The public plan pages: the plan policy by policy, the matrix, the filterable action list and
the action page. Drafts never show; query counts stay the same as the plan grows."""

import json
import uuid

import pytest
from django.urls import reverse

from patto.models import VersionStatus
from tests.factories import (
    ActionFactory,
    ContributionFactory,
    PhaseFactory,
    PlanVersionFactory,
    ProgrammeFactory,
    TargetFactory,
    ThematicTableFactory,
    ToolFactory,
    ZoneFactory,
)
from tests.versions import build_version, freeze

pytestmark = pytest.mark.django_db


def plan_version(actions=3, status=VersionStatus.PUBLISHED, programme=None, number=1):
    """A version with two policies (one area each), tools S0–S2 and targets D0–D2, zones and a
    table «casa», and ``actions`` actions: action ``i`` is «Azione numero i» (about «casa» for
    the first, «lavoro» after), in the areas in turn, with tool S``i`` and target D``i + 1``
    (counting round), in the first zone when ``i`` is odd, and in the table."""
    return build_version(
        programme,
        number=number,
        policies=2,
        actions=actions,
        tools=[(f"S{i}", f"Strumento {i}") for i in range(3)],
        targets=[(f"D{i}", f"Destinatari {i}") for i in range(3)],
        zones=2,
        tables=[{"slug": "casa"}],
        action=lambda i, code: {
            "title": f"Azione numero {i}",
            "description": f"Testo {'casa' if i == 0 else 'lavoro'}",
        },
        link=_link,
        status=status,
    ).version


def _link(i, action, content):
    action.tools.add(content.tools[i % 3])
    action.targets.add(content.targets[(i + 1) % 3])
    if i % 2:
        action.zones.add(content.zones[0])
    action.tables.add(content.table)


def url(name, version, *args):
    return reverse(name, args=[version.programme.slug, version.number, *args])


def test_the_plan_reads_policy_by_policy(client):
    version = plan_version()
    page = client.get(version.get_absolute_url()).content.decode()
    assert "1. Politica 1" in page and "2. Politica 2" in page
    assert "Azione numero 0" in page and "Strumento 0" in page
    assert page.index("Politica 1") < page.index("Politica 2")


def test_drafts_are_never_public(client):
    version = plan_version(status=VersionStatus.DRAFT)
    action_code = version.actions.first().code
    for address in [
        version.get_absolute_url(),
        url("matrice:matrix", version),
        url("matrice:actions", version),
        url("matrice:action", version, action_code),
        url("matrice:actions_csv", version),
        url("matrice:actions_excel", version),
        url("matrice:actions_json", version),
    ]:
        assert client.get(address).status_code == 404, address
    assert (
        "Versione 1"
        not in client.get(reverse("patto:versions", args=[version.programme.slug])).content.decode()
    )


def test_a_proposal_is_public_and_says_who_validates_it(client):
    """The zones, through their spokespersons, for a programme they validate (the Piano); the
    redazione for one without validating zones (the regional Patto): on the plan, the matrix
    and the action list."""
    by_zones = plan_version(status=VersionStatus.IN_VALIDATION)
    by_zones.programme.validating_zones.set([ZoneFactory()])
    by_staff = plan_version(
        status=VersionStatus.IN_VALIDATION, programme=ProgrammeFactory(slug="patto")
    )
    for name in ("patto:version", "matrice:matrix", "matrice:actions"):
        page = client.get(url(name, by_zones)).content.decode()
        assert "Proposta" in page and "le zone omogenee la stanno validando" in page, name
        assert "la redazione la sta validando" not in page, name
        page = client.get(url(name, by_staff)).content.decode()
        assert "Questa versione è una proposta: la redazione la sta validando." in page, name
        assert "zone omogenee" not in page, name


def test_the_matrix_crosses_tools_and_targets(client):
    version = plan_version(actions=6)
    page = client.get(url("matrice:matrix", version)).content.decode()
    assert "Strumento 0" in page and "Destinatari 1" in page
    # action 0 uses tool S0 for target D1: its cell links to the filtered list
    assert "?strumento=S0&amp;destinatari=D1" in page
    per_policy = client.get(url("matrice:matrix", version) + "?politica=2").content.decode()
    assert "Azione numero 1" in per_policy and "Azione numero 0" not in per_policy
    assert client.get(url("matrice:matrix", version) + "?politica=9").status_code == 404


@pytest.mark.parametrize("size", [6, 8])
def test_a_large_matrix_counts_its_cells_and_offers_the_policies(
    client, django_assert_num_queries, monkeypatch, size
):
    """Above MATRIX_LISTS_UP_TO actions (300; 6 here) the whole plan's matrix says how many
    actions each cell has, linked to them, and offers each policy's matrix, which lists them:
    a 1,000-action version's matrix is 93 KB instead of 444 KB. The same queries either way."""
    monkeypatch.setattr("matrice.queries.MATRIX_LISTS_UP_TO", 6)
    version = plan_version(actions=size)
    with django_assert_num_queries(9):
        page = client.get(url("matrice:matrix", version)).content.decode()
    table = page[page.index("<table") : page.index("</table>")]
    assert '<th scope="col">Destinatari 1</th>' in table
    assert '<th scope="row">Strumento 0</th>' in table
    assert "?strumento=S0&amp;destinatari=D1" in table  # the cell links to its actions
    counted = "ogni casella dice quante azioni ha" in page
    assert counted == (size > 6)
    # the cells and the narrow screen's view list the actions, or only count them
    assert page.count(">1.1.1</a>") == (0 if counted else 1)
    assert ("Azione numero 0" in page) != counted
    if counted:
        assert '<a href="?politica=2">2. Politica 2</a>' in page
        per_policy = client.get(url("matrice:matrix", version) + "?politica=2").content.decode()
        assert "Azione numero 1" in per_policy  # four actions: listed
        assert "ogni casella dice quante azioni ha" not in per_policy


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ("q=casa", ["Azione numero 0"], ["Azione numero 1"]),
        ("politica=2", ["Azione numero 1"], ["Azione numero 0"]),
        ("ambito=1.1", ["Azione numero 0", "Azione numero 2"], ["Azione numero 1"]),
        ("strumento=S1", ["Azione numero 1"], ["Azione numero 0"]),
        ("destinatari=D1", ["Azione numero 0", "Azione numero 3"], ["Azione numero 1"]),
        ("tavolo=casa", ["Azione numero 0", "Azione numero 1"], []),
    ],
)
def test_the_action_list_filters(client, query, expected, absent):
    version = plan_version(actions=4)
    page = client.get(url("matrice:actions", version) + "?" + query).content.decode()
    for title in expected:
        assert title in page, (query, title)
    for title in absent:
        assert title not in page, (query, title)


def test_a_programme_without_tables_offers_no_table_filter(client):
    """A list offering only «Tutti i tavoli» is a control that does nothing: not shown."""
    version = plan_version(actions=2)
    assert 'name="tavolo"' in client.get(url("matrice:actions", version)).content.decode()
    without = ProgrammeFactory(slug="senza-tavoli")
    version = build_version(without, policies=1, actions=2, status=VersionStatus.PUBLISHED).version
    page = client.get(url("matrice:actions", version)).content.decode()
    assert 'name="tavolo"' not in page and "Tutti i tavoli" not in page
    assert 'name="strumento"' in page
    # no tools, no targets and no zones either: the list still answers, with the text filter
    bare = ProgrammeFactory(slug="spoglio")
    version = build_version(
        bare, policies=1, actions=2, tools=0, targets=0, status=VersionStatus.PUBLISHED
    ).version
    for prefix in ("", "/en"):
        response = client.get(prefix + url("matrice:actions", version))
        assert response.status_code == 200
        assert 'name="q"' in response.content.decode()
        assert 'name="strumento"' not in response.content.decode()


def test_filtering_by_zone_includes_actions_for_the_whole_territory(client):
    version = plan_version(actions=4)
    zone = version.actions.filter(zones__isnull=False).first().zones.get()
    page = client.get(url("matrice:actions", version) + f"?zona={zone.number}").content.decode()
    assert "4 azioni trovate" in page
    elsewhere = ZoneFactory()  # no action names it: only those for the whole territory
    page = client.get(url("matrice:actions", version) + f"?zona={elsewhere.number}")
    assert "2 azioni trovate" in page.content.decode()
    assert [a.title for a in page.context["actions"]] == ["Azione numero 0", "Azione numero 2"]


def test_an_unknown_filter_value_is_a_form_error_not_a_crash(client):
    version = plan_version()
    response = client.get(url("matrice:actions", version) + "?strumento=NOPE&zona=abc")
    assert response.status_code == 200
    assert "Scegli un&#x27;opzione valida" in response.content.decode()


def test_the_action_page_says_where_it_came_from(client):
    version = plan_version()
    action = version.actions.order_by("code").first()
    contribution = ContributionFactory(
        programme=version.programme, title="Più sportelli", status="accepted", response="Sì"
    )
    contribution.led_to.add(action)
    page = client.get(url("matrice:action", version, action.code)).content.decode()
    assert action.title in page and "Più sportelli" in page and "Accolto" in page
    assert "Versione 1" in page


def action_in_versions(programme, key, statuses, *, links=2):
    """Versions 1, 2, … of ``programme`` in ``statuses``, each with action «1.1.1» (stable key
    ``key``) linked to ``links`` tools, targets, zones and thematic tables, added in the reverse
    of their reading order. Returns the versions and the last one's action."""
    zones = [ZoneFactory(number=10 + i, name=f"Valle {i}") for i in range(links)]
    phases = [PhaseFactory(programme=programme, position=i) for i in range(links)]
    tables = [
        ThematicTableFactory(programme=programme, phase=phase, title=f"Tavolo {phase.position}")
        for phase in phases
    ]
    versions = []
    for number, status in enumerate(statuses, start=1):
        version = PlanVersionFactory(programme=programme, number=number)
        action = ActionFactory(area__policy__version=version, code="1.1.1", key=key)
        for i in reversed(range(links)):
            action.tools.add(ToolFactory(version=version, position=i, name=f"Strumento {i}"))
            action.targets.add(TargetFactory(version=version, position=i, name=f"Gruppo {i}"))
            action.zones.add(zones[i])
            action.tables.add(tables[i])
        versions.append(freeze(version, status))
    return versions, action


def test_the_action_page_lists_its_links_in_order_and_the_versions_it_is_in(client):
    programme = ProgrammeFactory(slug="piano")
    key = uuid.uuid4()
    versions, _ = action_in_versions(
        programme, key, [VersionStatus.ARCHIVED, VersionStatus.PUBLISHED]
    )
    # a newer validated version without the action, and a draft with it
    freeze(PlanVersionFactory(programme=programme, number=3), VersionStatus.VALIDATED)
    draft = PlanVersionFactory(programme=programme, number=4)
    ActionFactory(area__policy__version=draft, code="1.1.1", key=key)
    page = client.get(url("matrice:action", versions[1], "1.1.1")).content.decode()
    facts, aside = page.split("Versioni in cui compare")
    assert facts.index("Strumento 0") < facts.index("Strumento 1")
    assert facts.index("Gruppo 0") < facts.index("Gruppo 1")
    assert "Zona 10 – Valle 0, Zona 11 – Valle 1" in facts
    assert "Tavolo 0, Tavolo 1" in facts
    # the public versions with the same item, newest first; not version 3, not the draft
    assert aside.index("Versione 2") < aside.index("Versione 1")
    assert url("matrice:action", versions[0], "1.1.1") in aside
    assert "Versione 3" not in aside and "Versione 4" not in aside
    for address in [
        url("matrice:action", versions[1], "9.9.9"),  # no such action
        url("matrice:action", draft, "1.1.1"),  # a draft
        reverse("matrice:action", args=["altro", 2, "1.1.1"]),  # no such programme
    ]:
        assert client.get(address).status_code == 404, address


@pytest.mark.parametrize("size", [2, 20])
def test_the_action_page_queries_do_not_grow_with_its_links(
    client, django_assert_num_queries, size
):
    programme = ProgrammeFactory(slug="piano")
    statuses = [VersionStatus.ARCHIVED] * (size - 1) + [VersionStatus.PUBLISHED]
    versions, action = action_in_versions(programme, uuid.uuid4(), statuses, links=size)
    for i in range(size):
        ContributionFactory(programme=programme, title=f"Contributo {i}").led_to.add(action)
    # the programme with its public versions (each saying whether the action is in it), the
    # action, its tools, targets, zones and tables (one union), the contributions behind it,
    # the consultation phases, the contributions on it, the menu; + where it stands (its
    # monitoring, updates, their attachments, indicators, their values: patto.monitoring)
    with django_assert_num_queries(12):
        page = client.get(url("matrice:action", versions[-1], "1.1.1")).content.decode()
    assert f"Strumento {size - 1}" in page and f"Contributo {size - 1}" in page
    assert f"Versione {size}" in page


def test_open_data_of_a_version(client):
    version = plan_version(actions=3)
    csv_response = client.get(url("matrice:actions_csv", version))
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = csv_response.content.decode().splitlines()
    assert lines[0].startswith("code,key,title,policy_code")
    assert len(lines) == 4
    data = json.loads(client.get(url("matrice:actions_json", version)).content)
    assert data["version"]["fingerprint"] == "e" * 64
    assert {a["code"] for a in data["actions"]} == set(
        version.actions.values_list("code", flat=True)
    )
    assert data["licence"] == "CC BY 4.0"


@pytest.mark.parametrize(
    ("name", "args", "queries"),
    [
        # the programme with its public versions (the version among them), the plan (3), the
        # consultation phases, contributions on the version, the zones' decisions (2), the menu
        ("patto:version", (), 9),
        ("patto:versions", (), 3),
        # the programme with its public versions (the version among them), the consultation
        # phases (a newer proposal is announced with its consultation), the policies, the
        # matrix (4), the menu
        ("matrice:matrix", (), 9),
        ("matrice:actions", (), 12),
        # the programme, the version, the actions, their tools, targets, zones and tables
        ("matrice:actions_csv", (), 7),
        ("matrice:actions_excel", (), 7),
        ("matrice:actions_json", (), 7),
        # the programme with its public versions, the action, its tools, targets, zones and
        # tables (one union), the contributions behind it, the consultation phases, the
        # contributions on it, the menu; + where it stands (5: patto.monitoring.queries)
        ("matrice:action", ("first",), 12),
    ],
)
@pytest.mark.parametrize("size", [3, 30])
def test_query_counts_do_not_grow_with_the_plan(
    client, django_assert_num_queries, name, args, queries, size
):
    version = plan_version(actions=size)
    if args == ("first",):
        args = (version.actions.order_by("code").first().code,)
    if name == "patto:version":
        address = version.get_absolute_url()
    elif name == "patto:versions":
        address = reverse(name, args=[version.programme.slug])
    else:
        address = url(name, version, *args)
    if name == "matrice:actions":  # with the zone filter, read in the list's own queries
        zone = version.actions.filter(zones__isnull=False).first().zones.get()
        address += f"?strumento=S1&zona={zone.number}"
    with django_assert_num_queries(queries):
        assert client.get(address).status_code == 200


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # as above: the newer proposal is among the public versions already read, and whether
        # its consultation is open comes from the consultation phases, read anyway
        ("patto:version", 9),
        ("matrice:matrix", 9),
        ("matrice:actions", 12),
        ("matrice:action", 12),  # + where it stands in the plan in force (5)
    ],
)
@pytest.mark.parametrize("size", [3, 30])
def test_query_counts_of_the_plan_in_force_with_a_newer_proposal(
    client, django_assert_num_queries, name, queries, size
):
    version = plan_version(actions=size)
    freeze(PlanVersionFactory(programme=version.programme, number=2), VersionStatus.IN_VALIDATION)
    args = (version.actions.order_by("code").first().code,) if name == "matrice:action" else ()
    address = version.get_absolute_url() if name == "patto:version" else url(name, version, *args)
    with django_assert_num_queries(queries):
        response = client.get(address)
    assert response.status_code == 200
    assert "nuova proposta" in response.content.decode()


def title_of(client, address) -> str:
    page = client.get(address).content.decode()
    return page[page.index("<title>") + 7 : page.index("</title>")]


def test_each_page_of_a_version_has_a_title_saying_what_it_shows_and_of_what(client):
    version = plan_version(actions=30)
    of = "versione 1 – Piano di prova · Patto"
    assert title_of(client, version.get_absolute_url()) == f"Il piano in vigore – {of}"
    assert title_of(client, url("matrice:matrix", version)) == f"La matrice – {of}"
    matrix = url("matrice:matrix", version) + "?politica=2"
    assert title_of(client, matrix) == f"La matrice – politica 2 – {of}"
    actions = url("matrice:actions", version)
    assert title_of(client, actions) == f"Le azioni – {of}"
    assert title_of(client, actions + "?page=2") == f"Le azioni – pagina 2 – {of}"
    assert (
        title_of(client, actions + "?strumento=S1&q=casa")
        == f"Le azioni – Cerca nel testo: «casa», Strumento: Strumento 1 – {of}"
    )
    # a filter that is not valid is not named (the page says why it lists nothing)
    assert title_of(client, actions + "?strumento=X9") == f"Le azioni – {of}"
    action = version.actions.order_by("code").first()
    assert (
        title_of(client, url("matrice:action", version, action.code))
        == f"Azione {action.code} {action.title} – {of}"
    )
    proposal = build_version(version.programme, number=2, status=VersionStatus.IN_VALIDATION)
    assert title_of(client, proposal.version.get_absolute_url()).startswith(
        "La proposta – versione 2 – Piano di prova"
    )
