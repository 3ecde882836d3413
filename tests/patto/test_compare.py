"""The comparison of two plan versions: the engine (items matched by stable key: added, removed,
changed with a word-level diff, moved; unchanged items only counted) and the public page
(``/programmi/<slug>/confronta/?da=<n>&a=<m>``): public versions only, a form when the choice is
missing or wrong, a fixed number of queries whatever the size of the plan."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st

from matrice.models import Action, ActionArea, Policy, Target, Tool
from matrice.services import copy_content
from patto.models import PUBLIC_STATUSES, VersionStatus
from patto.programme.compare import (
    ACTION,
    ACTION_AREA,
    POLICY,
    TARGET,
    TOOL,
    _chunks_html,
    _diff_chunks,
    _labels,
    _tokens,
    compare_snapshots,
    compare_versions,
    word_diff,
)
from tests.conftest import IN_CI
from tests.factories import (
    ActionAreaFactory,
    ActionFactory,
    PlanVersionFactory,
    PolicyFactory,
    TargetFactory,
    ToolFactory,
    ZoneFactory,
)
from tests.versions import build_version, freeze
from zone.models import Zone

pytestmark = pytest.mark.django_db


# Building versions: the first is filled and frozen, the next is a copy edited while a draft.


def first_version(actions=3, status=VersionStatus.PUBLISHED):
    """Tools S1–S3, targets D1–D2, policies 1 and 2, areas 1.1 and 1.2 (policy 1) and 2.1
    (policy 2); ``actions`` actions spread over the areas (1.1.1, 1.2.1, 2.1.1, 1.1.2, …); zones
    1 «Torino» and 2 «Pinerolese» and tables «casa» and «lavoro», which no action uses yet."""
    return build_version(
        policies=2,
        areas=["1.1", "1.2", "2.1"],
        actions=actions,
        tools=3,
        targets=2,
        zones=[ZoneFactory(number=1, name="Torino"), ZoneFactory(number=2, name="Pinerolese")],
        tables=[
            {"slug": "casa", "title": "Tavolo casa"},
            {"slug": "lavoro", "title": "Tavolo lavoro"},
        ],
        action={"description": "Sportelli unici per la presa in carico delle famiglie."},
        status=status,
    ).version


def draft_after(version):
    """A draft copied from ``version``, as a new version starts."""
    draft = PlanVersionFactory(programme=version.programme, number=version.number + 1)
    copy_content(source=version, target=draft)
    return draft


def action(version, code):
    return Action.objects.get(version=version, code=code)


def changes_by_code(comparison, kind):
    return {change.code: change for change in comparison.of_kind(kind)}


def summary(comparison, kind):
    row = next(row for row in comparison.summary if row.kind == kind)
    return row.added, row.removed, row.changed, row.moved, row.unchanged


# The engine.


def test_identical_versions_have_no_changes_and_every_item_is_counted():
    v1 = first_version(actions=6)
    v2 = freeze(draft_after(v1), VersionStatus.IN_VALIDATION)
    comparison = compare_versions(v1, v2)
    assert not comparison.has_changes
    assert comparison.policies == [] and comparison.tools == [] and comparison.targets == []
    assert summary(comparison, ACTION) == (0, 0, 0, 0, 6)
    assert summary(comparison, TOOL) == (0, 0, 0, 0, 3)
    assert summary(comparison, ACTION_AREA) == (0, 0, 0, 0, 3)


def test_actions_added_removed_and_changed_unchanged_ones_not_listed():
    v1 = first_version(actions=6)
    v2 = draft_after(v1)
    action(v2, "1.1.1").delete()
    edited = action(v2, "1.2.1")
    edited.title = "Azione 1.2.1 riformulata"
    edited.description = "Sportelli unici per la presa in carico delle persone e delle famiglie."
    edited.save()
    ActionFactory(version=v2, area=edited.area, code="1.2.9", title="Azione nuova", position=99)
    comparison = compare_versions(v1, freeze(v2, VersionStatus.IN_VALIDATION))

    actions = changes_by_code(comparison, ACTION)
    assert set(actions) == {"1.1.1", "1.2.1", "1.2.9"}  # the four unchanged are not listed
    assert actions["1.1.1"].is_removed and actions["1.2.9"].is_added
    changed = actions["1.2.1"]
    assert changed.is_changed and not changed.is_moved
    assert [f.name for f in changed.fields] == ["title", "description"]
    assert str(changed.fields[0].diff) == (
        'Azione 1.2.1<ins><span class="visually-hidden">inserito: </span> riformulata</ins>'
    )
    assert '<ins><span class="visually-hidden">inserito: </span>persone e delle </ins>' in str(
        changed.fields[1].diff
    )
    assert summary(comparison, ACTION) == (1, 1, 1, 0, 4)


def test_a_removed_item_keeps_its_content_and_an_added_one_shows_it():
    v1 = first_version(actions=3)
    v2 = draft_after(v1)
    action(v2, "2.1.1").delete()
    added = ActionFactory(
        version=v2,
        area=ActionArea.objects.get(version=v2, code="1.1"),
        code="1.1.5",
        title="Doposcuola",
        lead_body="Consorzio",
        budget=Decimal("15000"),
    )
    added.tools.add(Tool.objects.get(version=v2, code="S2"))
    comparison = compare_versions(v1, freeze(v2, VersionStatus.IN_VALIDATION))
    actions = changes_by_code(comparison, ACTION)
    removed_details = {d.name: d.value for d in actions["2.1.1"].details}
    assert removed_details["description"].startswith("Sportelli unici")
    assert removed_details["tools"] == "Strumento 3"
    added_details = {d.name: d.value for d in actions["1.1.5"].details}
    assert added_details["lead_body"] == "Consorzio"
    assert added_details["tools"] == "Strumento 2"
    assert added_details["budget"] == "15.000,00 €"


def test_moves_to_another_parent_and_within_the_siblings():
    v1 = first_version(actions=6)
    v2 = draft_after(v1)
    policy_2 = Policy.objects.get(version=v2, code="2")
    area_12 = ActionArea.objects.get(version=v2, code="1.2")
    area_12.policy = policy_2  # the area moves to policy 2
    area_12.save()
    moving = action(v2, "1.1.1")  # the action moves to area 2.1
    moving.area = ActionArea.objects.get(version=v2, code="2.1")
    moving.save()
    # tool S3 goes first: S3, S1, S2 (S1 and S2 keep their relative order)
    Tool.objects.filter(version=v2, code="S3").update(position=0)
    comparison = compare_versions(v1, freeze(v2, VersionStatus.IN_VALIDATION))

    moved_action = changes_by_code(comparison, ACTION)["1.1.1"]
    assert moved_action.parent_changed and not moved_action.is_changed
    assert (moved_action.old_parent.code, moved_action.new_parent.code) == ("1.1", "2.1")
    moved_area = changes_by_code(comparison, ACTION_AREA)["1.2"]
    assert (moved_area.old_parent.code, moved_area.new_parent.code) == ("1", "2")
    tools = changes_by_code(comparison, TOOL)
    assert list(tools) == ["S3"] and tools["S3"].reordered and not tools["S3"].parent_changed
    assert summary(comparison, ACTION) == (0, 0, 0, 1, 5)
    assert summary(comparison, ACTION_AREA) == (0, 0, 0, 1, 2)
    # the moved action is shown under its new area, in policy 2
    group = next(g for g in comparison.policies if g.policy.code == "2")
    area_21 = next(a for a in group.areas if a.area.code == "2.1")
    assert [c.code for c in area_21.actions] == ["1.1.1"]


def test_reordering_policies_and_actions_inside_an_area():
    v1 = first_version(actions=6)
    v2 = draft_after(v1)
    Policy.objects.filter(version=v2, code="2").update(position=0)
    # area 1.1 holds 1.1.1 (position 0) and 1.1.2 (position 3): swap them
    Action.objects.filter(version=v2, code="1.1.2").update(position=0)
    Action.objects.filter(version=v2, code="1.1.1").update(position=3)
    comparison = compare_versions(v1, freeze(v2, VersionStatus.IN_VALIDATION))
    assert summary(comparison, POLICY) == (0, 0, 0, 1, 1)
    assert summary(comparison, ACTION) == (0, 0, 0, 1, 5)
    assert all(c.reordered for c in comparison.of_kind(ACTION))


def test_catalogues_policies_and_areas_added_removed_and_changed():
    v1 = first_version(actions=3)
    v2 = draft_after(v1)
    Tool.objects.filter(version=v2, code="S2").update(name="Strumento due", description="Nuovo")
    Tool.objects.filter(version=v2, code="S3").delete()
    ToolFactory(version=v2, code="S9", name="Voucher", position=9)
    TargetFactory(version=v2, code="D9", name="Giovani", position=9)
    Target.objects.filter(version=v2, code="D2").update(code="D02")
    Policy.objects.filter(version=v2, code="1").update(description="Una descrizione.")
    PolicyFactory(version=v2, code="3", title="Politica nuova", position=3)
    ActionArea.objects.filter(version=v2, code="2.1").delete()  # with its action 2.1.1
    ActionAreaFactory(version=v2, policy=Policy.objects.get(version=v2, code="1"), code="1.3")
    ActionArea.objects.filter(version=v2, code="1.2").update(title="Ambito rinominato")
    comparison = compare_versions(v1, freeze(v2, VersionStatus.IN_VALIDATION))

    tools = changes_by_code(comparison, TOOL)
    assert tools["S9"].is_added and tools["S3"].is_removed
    assert [f.name for f in tools["S2"].fields] == ["name", "description"]
    targets = changes_by_code(comparison, TARGET)
    assert targets["D9"].is_added
    code_change = targets["D02"].fields[0]
    assert (code_change.name, code_change.old, code_change.new) == ("code", "D2", "D02")
    assert targets["D02"].old_code == "D2"
    policies = changes_by_code(comparison, POLICY)
    assert policies["3"].is_added and [f.name for f in policies["1"].fields] == ["description"]
    areas = changes_by_code(comparison, ACTION_AREA)
    assert areas["2.1"].is_removed and areas["1.3"].is_added
    assert areas["1.2"].fields[0].name == "title"
    assert changes_by_code(comparison, ACTION)["2.1.1"].is_removed
    assert summary(comparison, TOOL) == (1, 1, 1, 0, 1)
    # a removed area is listed under its policy, with its removed action
    policy_2 = next(g for g in comparison.policies if g.policy.code == "2")
    assert policy_2.areas[0].area.code == "2.1" and not policy_2.areas[0].area.in_new
    assert [c.code for c in policy_2.areas[0].actions] == ["2.1.1"]


def test_relations_and_values_of_an_action():
    v1 = first_version(actions=3)
    v2 = draft_after(v1)
    edited = action(v2, "1.1.1")  # had S1 and D1
    edited.tools.set(Tool.objects.filter(version=v2, code__in=["S2", "S3"]))
    edited.zones.add(*Zone.objects.filter(number__in=[1, 2]))
    edited.tables.add(edited.version.programme.tables.get(slug="casa"))
    edited.start_date = datetime.date(2018, 1, 1)
    edited.budget = Decimal("250000.50")
    edited.save()
    comparison = compare_versions(v1, freeze(v2, VersionStatus.IN_VALIDATION))

    fields = {f.name: f for f in changes_by_code(comparison, ACTION)["1.1.1"].fields}
    assert list(fields) == ["tools", "zones", "tables", "start_date", "budget"]
    assert fields["tools"].added == ["Strumento 2", "Strumento 3"]
    assert fields["tools"].removed == ["Strumento 1"]
    assert fields["zones"].added == ["Zona 1 – Torino", "Zona 2 – Pinerolese"]
    assert fields["tables"].added == ["Tavolo casa"] and fields["tables"].removed == []
    # dates read as on the rest of the site
    assert fields["start_date"].old == ""
    assert fields["start_date"].new == date_format(datetime.date(2018, 1, 1), "j E Y")
    assert fields["budget"].new == "250.000,50 €"


def test_word_diff_marks_words_and_escapes_everything():
    new = "Il piano <script>alert(1)</script> sociale"
    html = str(word_diff("Il piano <b>sociale</b>", new))
    assert "<script>" not in html and "<b>" not in html
    assert html.startswith("Il piano ") and "<del>" in html and "<ins>" in html
    # without the deletions and the markup added, what is left is the new text, escaped
    kept = re.sub(r"<del>.*?</del>|<span class=\"visually-hidden\">.*?</span>|</?ins>", "", html)
    assert kept == escape(new)
    inserted = str(word_diff("", "<script>alert(1)</script>"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in inserted
    # a rewritten phrase is one deletion and one insertion, not word by word
    rewritten = str(word_diff("a b c d", "a x y d"))
    assert rewritten.count("<del>") == 1 and rewritten.count("<ins>") == 1
    assert "b c</del>" in rewritten and "x y</ins>" in rewritten
    assert str(word_diff("uguale", "uguale")) == "uguale"


# Pieces that make up texts with much in common: words, accented letters, digits, runs of
# spaces, line breaks, punctuation and markup characters.
PIECES = st.sampled_from(["a", "b", "è", "_", "1", " ", "  ", "\n", ".", ",", "<", "&", "ab "])
TEXTS = st.lists(PIECES, max_size=12).map("".join)


@settings(max_examples=300, deadline=None, derandomize=IN_CI, database=None)
@given(shared=TEXTS, old=TEXTS, new=TEXTS, before=st.booleans(), after=st.booleans())
def test_word_diff_cuts_shared_text_without_changing_the_diff(shared, old, new, before, after):
    """The text both versions share at the ends is cut off by characters before the rest is
    split into words: the diff is the same as with every word of both texts compared."""
    old = (shared if before else "") + old + (shared if after else "")
    new = (shared if before else "") + new + (shared if after else "")
    every_token = _diff_chunks(_tokens(old), _tokens(new))
    assert str(word_diff(old, new)) == _chunks_html(every_token, *_labels())


DATES = [datetime.date(2025, 1, 1), datetime.date(2026, 8, 31), datetime.date(2027, 12, 9)]
AMOUNTS = ["0.00", "7.50", "999.99", "1000.00", "1234567.89", "12"]


@pytest.mark.parametrize("language", ["it", "en"])
def test_dates_and_amounts_read_as_django_formats_them(language):
    """Dates in words and amounts with separators, as Django's ``date_format`` and
    ``number_format`` write them in each language (the comparison formats thousands of them
    with the locale's names and separators read once)."""
    values = list(zip(DATES * 2, AMOUNTS, strict=True))
    before = snapshot([{} for _ in values])
    after = snapshot([{"start_date": str(d), "budget": amount} for d, amount in values])
    with translation.override(language):
        comparison = compare_snapshots(before, after)
        shown = [
            {field.name: field.new for field in change.fields}
            for change in comparison.of_kind(ACTION)
        ]
        expected = [
            {
                "start_date": date_format(date, "j E Y"),
                "budget": f"{number_format(Decimal(amount), 2, force_grouping=True)} €",
            }
            for date, amount in values
        ]
    assert shown == expected


def snapshot(actions: list[dict]) -> dict:
    """A ``version_snapshot`` of one policy and area holding ``actions`` (fields given override
    empty ones)."""
    empty = {
        "title": "Azione",
        "description": "",
        "tools": [],
        "targets": [],
        "zones": [],
        "tables": [],
        "lead_body": "",
        "partners": "",
        "start_date": "",
        "end_date": "",
        "budget": "",
        "indicators": "",
    }
    area = {"key": "a", "code": "1.1", "title": "Ambito", "description": ""}
    area["actions"] = [
        {**empty, "key": f"k{n}", "code": f"1.1.{n}", **fields} for n, fields in enumerate(actions)
    ]
    policy = {"key": "p", "code": "1", "title": "Politica", "description": ""}
    return {"tools": [], "targets": [], "policies": [{**policy, "action_areas": [area]}]}


def test_descriptions_differing_only_in_markup_are_unchanged():
    """A description is compared as a reader sees it: emphasis written another way, a list
    marker changed, a line broken elsewhere in a paragraph read the same."""
    before = snapshot(
        [
            {"description": "_Azione illustrativa:_ un esempio."},
            {"description": "- uno\n- due"},
            {"description": "Una riga\nche continua."},
        ]
    )
    after = snapshot(
        [
            {"description": "*Azione illustrativa:* un esempio."},
            {"description": "* uno\n* due"},
            {"description": "Una riga che\ncontinua."},
        ]
    )
    comparison = compare_snapshots(before, after)
    assert not comparison.has_changes
    assert summary(comparison, ACTION) == (0, 0, 0, 0, 3)


def test_a_change_inside_emphasis_shows_just_the_words():
    before = snapshot([{"description": "Testo.\n\n_Azione illustrativa: il documento._"}])
    after = snapshot([{"description": "Testo.\n\n_Azione esemplare: il documento._"}])
    (change,) = compare_snapshots(before, after).of_kind(ACTION)
    (field,) = change.fields
    assert field.name == "description"
    diff = str(field.diff)
    assert "_" not in diff  # no markup, in the text or around the changed words
    assert diff == (
        "Testo.\n\nAzione "
        '<del><span class="visually-hidden">eliminato: </span>illustrativa</del>'
        '<ins><span class="visually-hidden">inserito: </span>esemplare</ins>'
        ": il documento."
    )


def test_markup_that_changes_what_a_reader_sees_is_a_change():
    """Markup the sanitiser drops is not read; a link's address is."""
    before = snapshot([{"description": "Vedi [il sito](https://a.example)."}, {"description": "A"}])
    after = snapshot(
        [
            {"description": "Vedi [il sito](https://b.example)."},
            {"description": "A<script>x</script>"},
        ]
    )
    changes = compare_snapshots(before, after).of_kind(ACTION)
    assert [change.code for change in changes] == ["1.1.0"]
    assert "inserito: </span>b</ins>.example" in str(changes[0].fields[0].diff)


def test_the_page_shows_the_words_a_reader_sees(client):
    v1 = first_version(actions=3)
    v2 = draft_after(v1)
    edited = action(v2, "1.1.1")
    edited.description += "\n\n_Azione illustrativa: un esempio._"
    edited.save()
    freeze(v2, VersionStatus.IN_VALIDATION)
    page = client.get(compare_url(v1.programme, 1, 2)).content.decode()
    assert "Azione illustrativa: un esempio.</ins>" in page
    assert "_Azione" not in page


def test_script_in_changed_content_is_escaped_on_the_page(client):
    v1 = first_version(actions=3)
    v2 = draft_after(v1)
    edited = action(v2, "1.1.1")
    edited.title = "Azione <script>alert('x')</script>"
    edited.save()
    freeze(v2, VersionStatus.IN_VALIDATION)
    page = client.get(compare_url(v1.programme, 1, 2)).content.decode()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


@pytest.mark.parametrize("size", [3, 30])
def test_the_engine_runs_a_fixed_number_of_queries(django_assert_num_queries, size):
    v1 = first_version(actions=size)
    v2 = draft_after(v1)
    action(v2, "1.1.1").delete()
    v2 = freeze(v2, VersionStatus.IN_VALIDATION)
    # both snapshots read together in 9 queries, which also name the zones and tables
    with django_assert_num_queries(9):
        compare_versions(v1, v2)


# The page.


def compare_url(programme, da=None, a=None, **extra):
    params = {"da": da, "a": a, **extra}
    query = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
    return reverse("patto:compare", args=[programme.slug]) + (f"?{query}" if query else "")


@pytest.fixture
def two_versions():
    """Version 1 published; version 2 in validation, with 1.1.1 removed, 1.2.1 reworded, an
    action added and one moved."""
    v1 = first_version(actions=6)
    v2 = draft_after(v1)
    action(v2, "1.1.1").delete()
    edited = action(v2, "1.2.1")
    edited.description = "Sportelli unici per la presa in carico delle persone."
    edited.save()
    ActionFactory(version=v2, area=edited.area, code="1.2.9", title="Azione aggiunta", position=9)
    moved = action(v2, "2.1.2")
    moved.area = edited.area
    moved.save()
    return v1, freeze(v2, VersionStatus.IN_VALIDATION)


def test_the_page_shows_the_summary_and_the_changes_policy_by_policy(client, two_versions):
    v1, _v2 = two_versions
    response = client.get(compare_url(v1.programme, 1, 2))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confronto tra versioni" in page and "In sintesi" in page
    assert "Azione aggiunta" in page and "Aggiunta" in page and "Eliminazione" in page
    assert (
        "Spostamento" in page and "Prima era in «2.1 Ambito 2.1», ora è in «1.2 Ambito 1.2»" in page
    )
    assert "<del>" in page and "<ins>" in page and "inserito: </span>persone" in page
    # each item links to its page in the newer version; a removed one to the older version
    assert reverse("matrice:action", args=["piano", 2, "1.2.9"]) in page
    assert reverse("matrice:action", args=["piano", 2, "1.2.1"]) in page
    assert reverse("matrice:action", args=["piano", 1, "1.1.1"]) in page
    # unchanged actions are not listed
    assert "Azione 1.1.2" not in page and "Azione 2.1.1" not in page
    # policy 2 changed nothing of its own: action 2.1.2 now stands, and is shown, in area 1.2
    assert "2. Politica 2" not in page
    assert page.index("1.1 Ambito 1.1") < page.index("1.2 Ambito 1.2")
    # the legend says what strike-through and underline mean
    assert "testo eliminato" in page and "barrato" in page and "sottolineato" in page


def test_comparing_backwards_is_allowed(client, two_versions):
    v1, _v2 = two_versions
    page = client.get(compare_url(v1.programme, 2, 1)).content.decode()
    assert "dalla <a" in page and "versione 2</a> alla" in page
    # 1.1.1 exists in version 1, the version compared to: it is "added"
    assert reverse("matrice:action", args=["piano", 1, "1.1.1"]) in page


def test_identical_versions_say_so(client):
    v1 = first_version(actions=3)
    freeze(draft_after(v1), VersionStatus.IN_VALIDATION)
    page = client.get(compare_url(v1.programme, 1, 2)).content.decode()
    assert "Le due versioni hanno lo stesso contenuto" in page


@pytest.mark.parametrize("status", [s for s in VersionStatus if s not in PUBLIC_STATUSES])
def test_versions_that_are_not_public_answer_404(client, status):
    v1 = first_version(actions=3)
    hidden = draft_after(v1)
    if status != VersionStatus.DRAFT:
        freeze(hidden, status)
    programme = v1.programme
    assert client.get(compare_url(programme, 1, 2)).status_code == 404
    assert client.get(compare_url(programme, 2, 1)).status_code == 404


def test_unknown_versions_and_programmes_answer_404(client):
    v1 = first_version(actions=3)
    freeze(draft_after(v1), VersionStatus.IN_VALIDATION)
    assert client.get(compare_url(v1.programme, 1, 99)).status_code == 404
    missing = reverse("patto:compare", args=["nessuno"]) + "?da=1&a=2"
    assert client.get(missing).status_code == 404


def test_without_a_choice_the_page_shows_the_form(client, two_versions):
    v1, _v2 = two_versions
    response = client.get(compare_url(v1.programme))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Scegli le due versioni da confrontare" in page
    assert '<label for="id_da"' in page and '<label for="id_a"' in page
    # the newest two versions are chosen already
    assert '<option value="1" selected>' in page and '<option value="2" selected>' in page
    assert "In sintesi" not in page


@pytest.mark.parametrize("query", ["da=abc&a=2", "da=1", "a=2", "da=&a=", "da=0&a=1", "da=1.5&a=2"])
@pytest.mark.usefixtures("two_versions")
def test_missing_or_invalid_parameters_are_form_errors(client, query):
    response = client.get(reverse("patto:compare", args=["piano"]) + "?" + query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Non è stato possibile fare il confronto" in page
    assert "In sintesi" not in page


def test_the_same_version_twice(client, two_versions):
    response = client.get(compare_url(two_versions[0].programme, 2, 2))
    assert response.status_code == 200
    assert "è la stessa versione" in response.content.decode()


def test_a_programme_with_one_public_version_has_nothing_to_compare(client):
    v1 = first_version(actions=3)
    page = client.get(compare_url(v1.programme)).content.decode()
    assert "non ha ancora due versioni pubbliche" in page


def test_version_pages_link_to_the_comparison(client, two_versions):
    v1, v2 = two_versions
    v2_page = client.get(v2.get_absolute_url()).content.decode()
    assert "Confronta con la versione precedente" in v2_page
    assert compare_url(v1.programme, 1, 2).replace("&", "&amp;") in v2_page
    assert (
        "Confronta con la versione precedente"
        not in client.get(v1.get_absolute_url()).content.decode()
    )
    versions_page = client.get(reverse("patto:versions", args=["piano"])).content.decode()
    assert f'action="{reverse("patto:compare", args=["piano"])}"' in versions_page
    assert '<label for="confronta-da"' in versions_page


def test_the_previous_public_version_skips_hidden_ones(client):
    """Version 2 is a draft, not public: version 3 compares with version 1."""
    v1 = first_version(actions=3)
    v3 = PlanVersionFactory(programme=v1.programme, number=3)
    copy_content(source=v1, target=v3)
    v3 = freeze(v3, VersionStatus.IN_VALIDATION)
    PlanVersionFactory(programme=v1.programme, number=2)  # a draft
    page = client.get(v3.get_absolute_url()).content.decode()
    assert compare_url(v1.programme, 1, 3).replace("&", "&amp;") in page
    assert compare_url(v1.programme, 2, 3).replace("&", "&amp;") not in page


@pytest.mark.parametrize("size", [3, 30])
def test_the_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    v1 = first_version(actions=size)
    v2 = draft_after(v1)
    action(v2, "1.1.1").delete()
    edited = action(v2, "1.2.1")
    edited.title = "Titolo nuovo"
    edited.save()
    freeze(v2, VersionStatus.IN_VALIDATION)
    # menu, programme, public versions, then the 9 queries of compare_versions
    with django_assert_num_queries(12):
        assert client.get(compare_url(v1.programme, 1, 2)).status_code == 200
