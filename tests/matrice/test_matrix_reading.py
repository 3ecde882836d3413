"""The matrix is readable on any screen: on a wide one a table whose row of targets and column of
tools stay in view (CSS, checked in a browser by tests/e2e/test_reading_journey.py), on a narrow
one the targets one at a time, each opening on its tools and their actions, with no JavaScript.
Both are in the page (and in its cached body); the stylesheet shows one or the other."""

import re

import pytest
from django.urls import reverse

from matrice.queries import build_matrix
from patto.models import VersionStatus
from tests.versions import build_version

pytestmark = pytest.mark.django_db


def crossed(actions=6):
    """Tools S0–S2 and targets D0–D2: action ``i`` («Azione i») uses tool S``i % 3`` for target
    D``(i + 1) % 3``; the last one also uses tool S1 for the same target."""

    def link(i, action, content):
        action.tools.add(content.tools[i % 3])
        action.targets.add(content.targets[(i + 1) % 3])
        if i == actions - 1:
            action.tools.add(content.tools[1])

    return build_version(
        policies=2,
        actions=actions,
        tools=[(f"S{i}", f"Strumento {i}") for i in range(3)],
        targets=[(f"D{i}", f"Destinatari {i}") for i in range(3)],
        action=lambda i, code: {"title": f"Azione {i}"},
        link=link,
        status=VersionStatus.PUBLISHED,
    ).version


def by_target(page: str) -> dict[str, str]:
    """The narrow screen's list: target name → the HTML of what it opens on."""
    sections = re.findall(
        r'<details class="matrix-target">\s*<summary><span class="fw-semibold">([^<]+)</span>'
        r"(.*?)</details>",
        page,
        re.S,
    )
    return dict(sections)


def test_a_narrow_screen_reads_one_target_at_a_time(client):
    version = crossed()
    url = reverse("matrice:matrix", args=[version.programme.slug, version.number])
    page = client.get(url).content.decode()
    # both views are there: the table for a wide screen, the list for a narrow one
    assert '<div class="d-none d-md-block">' in page and '<div class="d-md-none">' in page
    targets = by_target(page)
    assert list(targets) == ["Destinatari 0", "Destinatari 1", "Destinatari 2"]
    # D1: actions 0 and 3 with tool S0
    d1 = targets["Destinatari 1"]
    assert "(2 azioni)" in d1
    assert d1.index("Strumento 0") < d1.index("Azione 0") < d1.index("Azione 3")
    assert "Strumento 1" not in d1 and "Azione 1" not in d1
    assert f"{url.removesuffix('matrice/')}azioni/?destinatari=D1" in d1
    # D0: actions 2 and 5 with tool S2, and action 5 with tool S1 too: two actions in all
    d0 = targets["Destinatari 0"]
    assert "(2 azioni)" in d0
    assert d0.index("Strumento 1") < d0.index("Azione 5") < d0.index("Strumento 2")


def test_a_target_without_actions_says_so(client):
    version = crossed(actions=1)  # only D1 has an action
    url = reverse("matrice:matrix", args=[version.programme.slug, version.number])
    targets = by_target(client.get(url).content.decode())
    assert "(0 azioni)" in targets["Destinatari 0"]
    assert "Nessuna azione per questi destinatari." in targets["Destinatari 0"]


def test_one_policy_lists_its_own_targets_and_keeps_the_policy_in_its_links(client):
    version = crossed()
    url = reverse("matrice:matrix", args=[version.programme.slug, version.number])
    # policy 2 holds actions 1, 3 and 5 (the areas take the actions in turn)
    targets = by_target(client.get(url, {"politica": "2"}).content.decode())
    assert list(targets) == ["Destinatari 0", "Destinatari 1", "Destinatari 2"]
    assert "Azione 0" not in "".join(targets.values())
    assert "destinatari=D2&amp;politica=2" in targets["Destinatari 2"]


def test_a_column_counts_each_action_once():
    version = crossed()
    columns = {column.target.code: column for column in build_matrix(version).columns()}
    d0 = columns["D0"]
    assert [(tool.code, [a.title for a in actions]) for tool, actions in d0.cells] == [
        ("S1", ["Azione 5"]),
        ("S2", ["Azione 2", "Azione 5"]),
    ]
    assert d0.action_count == 2
