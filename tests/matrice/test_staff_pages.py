"""The redazione's pages on a draft, as a member of the redazione sees them: the editable tree,
the forms and their messages, moves with and without htmx, the catalogues, the item page with
its history, the draft's matrix, conflicts between two people, frozen versions, hostile input,
and query counts that do not grow with the draft."""

import re

import pytest
from django.urls import reverse

from matrice import staff_views
from matrice.models import Action, Policy, Tool
from patto.models import VersionStatus
from patto.programme import services as programme_services
from tests.factories import (
    ActionAreaFactory,
    ActionFactory,
    PolicyFactory,
    TargetFactory,
    ToolFactory,
)
from tests.people import login_as, someone
from tests.versions import FAMILIES, build_version, freeze

pytestmark = pytest.mark.django_db


def url(name, d, *args):
    return reverse(f"redazione:matrice_{name}", args=[d.programme.slug, *args])


def action_form(d, **changes):
    data = {
        "area": d.area.pk,
        "code": "1.1.9",
        "title": "Sportello unico per le famiglie",
        "description": "Uno sportello in ogni zona.",
        "tools": [d.tools[0].pk, d.tools[1].pk],
        "targets": [d.targets[0].pk],
        "zones": [],
        "lead_body": "Città Metropolitana di Torino",
        "partners": "",
        "start_date": "2018-01-01",
        "end_date": "2019-12-31",
        "budget": "150000",
        "indicators": "",
    }
    return data | changes


# The draft ----------------------------------------------------------------------------------


def test_the_draft_page_shows_the_tree_with_codes_titles_and_badges(staff_client, draft):
    html = staff_client.get(url("draft", draft)).content.decode()

    assert "Bozza della versione 1" in html
    assert "1. Famiglie e minori" in html
    assert "1.1 Sostegno alle famiglie" in html
    assert "1.1.1 Centri per le famiglie 1" in html
    assert "S1 Sportelli" in html and "D1 Famiglie" in html
    assert "tutto il territorio" in html
    assert url("action_create", draft) + f"?ambito={draft.area.pk}" in html


def test_without_a_draft_the_pages_say_so_and_link_to_the_versions(staff_client, draft):
    freeze(draft.version, VersionStatus.PUBLISHED)
    versions_url = reverse("redazione:programme", args=[draft.programme.slug])
    for name in ("draft", "catalogues", "draft_matrix", "action_create", "tool_create"):
        html = staff_client.get(url(name, draft)).content.decode()
        assert "non ha una bozza in lavorazione" in html, name
        assert versions_url in html
        assert ">Aggiungi<" not in html


def test_creating_when_the_draft_is_gone_is_refused_with_a_message(staff_client, draft):
    freeze(draft.version)
    response = staff_client.post(url("policy_create", draft), {"code": "2", "title": "Casa"})
    assert response.status_code == 302
    page = staff_client.get(response.url).content.decode()
    assert "non ha una bozza da modificare" in page
    assert not Policy.objects.filter(code="2").exists()


# Forms ----------------------------------------------------------------------------------------


def test_adding_an_action_puts_it_in_the_draft_and_in_both_cells_of_the_matrix(staff_client, draft):
    response = staff_client.post(url("action_create", draft), action_form(draft))
    action = Action.objects.get(code="1.1.9")
    assert response.status_code == 302
    assert response.url == url("draft", draft) + f"?ambito={draft.area.pk}#action-{action.pk}"
    assert "aggiunta alla bozza" in staff_client.get(response.url).content.decode()

    html = staff_client.get(url("draft_matrix", draft)).content.decode()
    action_link = f'href="{url("action", draft, action.pk)}"'
    assert html.count(action_link) == 2  # Sportelli × Famiglie and Voucher × Famiglie


def test_the_action_form_offers_only_this_drafts_catalogues(staff_client, draft):
    other = build_version(slug="altro", **FAMILIES)
    ToolFactory(version=other.version, code="S7", name="Strumento di un altro piano")
    html = staff_client.get(url("action_create", draft)).content.decode()
    assert "S1 – Sportelli" in html
    assert "Strumento di un altro piano" not in html
    assert "Tavolo famiglie" in html
    assert "Nessuna zona scelta: l&#x27;azione vale per tutto il territorio." in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "1.1.1"}, "Il codice «1.1.1» è già usato in questa versione"),
        ({"start_date": "2019-06-01", "end_date": "2019-01-01"}, "La fine non può precedere"),
        ({"budget": "-10"}, "Le risorse non possono essere negative."),
        ({"budget": "dieci"}, "Scrivi il numero così: 150.000,50 oppure 150000,50"),
        ({"end_date": "31-31-2019"}, "Scrivi una data valida"),
        ({"title": ""}, "Questo campo è obbligatorio"),
        ({"tools": [999999]}, "999999 non è tra quelle disponibili"),
    ],
)
def test_invalid_action_forms_come_back_with_a_message_and_save_nothing(
    staff_client, draft, changes, message
):
    response = staff_client.post(url("action_create", draft), action_form(draft, **changes))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Non è stato salvato nulla." in html
    assert not Action.objects.filter(title="Sportello unico per le famiglie").exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1500,50", "1500.50"),
        ("150.000,50", "150000.50"),
        ("150000,50", "150000.50"),
        ("150.000", "150000.00"),  # one hundred fifty thousand, never 150.0
        ("1.234.567,8", "1234567.80"),
        ("150000.50", "150000.50"),  # a dot before two digits cannot group thousands
        (" 1.500 € ", "1500.00"),
        ("\u00a01.500,5\u00a0", "1500.50"),  # non-breaking spaces, as a copied figure has
        ("0,50", "0.50"),
    ],
)
def test_budget_is_read_as_an_italian_writes_it(staff_client, draft, typed, stored):
    staff_client.post(url("action_create", draft), action_form(draft, budget=typed))
    assert str(Action.objects.get(code="1.1.9").budget) == stored


@pytest.mark.parametrize(
    "typed", ["1.5.0", "150.00,5", "150,000.50", "1.50.000", "1 500", "12,", "1,500", "150,000"]
)
def test_a_budget_that_reads_two_ways_is_refused_showing_how_to_write_it(
    staff_client, draft, typed
):
    response = staff_client.post(url("action_create", draft), action_form(draft, budget=typed))
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "Scrivi il numero così: 150.000,50 oppure 150000,50 (il punto separa le migliaia, a "
        "gruppi di tre cifre; la virgola separa i decimali)." in html
    )
    assert f'value="{typed}"' in html  # what was typed, to correct
    assert not Action.objects.filter(code="1.1.9").exists()


@pytest.mark.parametrize("typed", ["", "   ", "\u00a0", "€", " € "])
def test_a_budget_left_blank_is_no_budget(staff_client, draft, typed):
    response = staff_client.post(url("action_create", draft), action_form(draft, budget=typed))
    assert response.status_code == 302
    assert Action.objects.get(code="1.1.9").budget is None


def test_a_budget_too_high_says_the_limit_the_italian_way(staff_client, draft):
    response = staff_client.post(
        url("action_create", draft), action_form(draft, budget="1.000.000.000.000")
    )
    assert "al massimo 999.999.999.999,99 euro" in response.content.decode()
    assert not Action.objects.filter(code="1.1.9").exists()


def test_a_stored_budget_is_shown_the_italian_way_and_saves_again_unchanged(staff_client, draft):
    staff_client.post(url("action_create", draft), action_form(draft, budget="150.000,50"))
    action = Action.objects.get(code="1.1.9")
    html = staff_client.get(url("action", draft, action.pk)).content.decode()
    assert 'name="budget" value="150.000,50"' in html
    staff_client.post(
        url("action", draft, action.pk),
        action_form(draft, budget="150.000,50", title="Titolo nuovo", revision=action.revision),
    )
    action.refresh_from_db()
    assert action.title == "Titolo nuovo" and str(action.budget) == "150000.50"


def test_policy_area_and_catalogue_forms_save(staff_client, draft):
    staff_client.post(url("policy_create", draft), {"code": "2", "title": "Casa"})
    policy = Policy.objects.get(version=draft.version, code="2")
    staff_client.post(
        url("area_create", draft), {"policy": policy.pk, "code": "2.1", "title": "Affitti"}
    )
    staff_client.post(url("tool_create", draft), {"code": "S3", "name": "Contributi"})
    staff_client.post(url("target_create", draft), {"code": "D3", "name": "Giovani"})
    assert policy.action_areas.get().title == "Affitti"
    assert draft.version.tools.filter(code="S3").exists()
    assert draft.version.targets.filter(code="D3").exists()

    response = staff_client.post(url("tool_create", draft), {"code": "S3", "name": "Doppio"})
    assert "Il codice «S3» è già usato in questa versione da «Contributi»" in (
        response.content.decode()
    )


def test_the_new_area_form_preselects_the_policy(staff_client, draft):
    html = staff_client.get(url("area_create", draft) + f"?politica={draft.policy.pk}")
    option = re.search(rf'<option value="{draft.policy.pk}"[^>]*>', html.content.decode())
    assert option is not None and " selected" in option.group(0)


def test_editing_an_action_saves_and_returns_to_the_tree(staff_client, draft):
    action = draft.action
    response = staff_client.post(
        url("action", draft, action.pk),
        action_form(draft, code=action.code, title="Titolo nuovo", revision=action.revision),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Titolo nuovo" and action.revision == 2
    assert set(action.tools.all()) == set(draft.tools)


def test_a_form_without_its_revision_is_refused(staff_client, draft):
    response = staff_client.post(
        url("policy", draft, draft.policy.pk), {"code": "1", "title": "Senza revisione"}
    )
    assert "Il modulo è incompleto" in response.content.decode()
    draft.policy.refresh_from_db()
    assert draft.policy.title == "Famiglie e minori"


# Optimistic locking ---------------------------------------------------------------------------


def test_the_second_of_two_open_forms_is_refused_showing_both_values(client, draft):
    anna = someone("staff", first_name="Anna", last_name="Redattrice")
    bruno = someone("staff", first_name="Bruno", last_name="Revisore")
    action = draft.action
    form_url = url("action", draft, action.pk)
    opened_at = action.revision  # both open the form now

    client.force_login(anna)
    first = action_form(
        draft, code=action.code, title="Titolo di Anna", budget="150.000,50", revision=opened_at
    )
    assert client.post(form_url, first).status_code == 302

    client.force_login(bruno)
    second = action_form(
        draft, code=action.code, title="Titolo di Bruno", budget="99", revision=opened_at
    )
    response = client.post(form_url, second)
    html = response.content.decode()

    assert response.status_code == 409
    assert "Nel frattempo Anna Redattrice ha salvato questa voce" in html
    assert "Titolo di Anna" in html and "Titolo di Bruno" in html  # theirs next to mine
    # an amount as the field reads it back, not as the database stores it
    start = html.index('id="conflict-title"')
    table = html[start : html.index("</table>", start)]
    assert "<td>150.000,50</td>" in table and "150000.50" not in table
    assert 'value="Titolo di Bruno"' in html  # the form keeps what Bruno typed
    action.refresh_from_db()
    assert action.title == "Titolo di Anna"  # nothing overwritten

    # having seen Anna's change, Bruno saves again on purpose: the form now carries revision 2
    assert f'name="revision" value="{action.revision}"' in html
    second["revision"] = action.revision
    assert client.post(form_url, second).status_code == 302
    action.refresh_from_db()
    assert action.title == "Titolo di Bruno"


def test_a_conflict_on_a_copied_action_names_only_what_the_other_person_changed(client):
    """The tester's journey on action 2.2.1 of a draft copied from the previous version: A
    changes title, description and zones; B, who opened the page before, saves. The message
    names only those three fields, and the table shows the descriptions as the site renders
    them, not their Markdown."""
    anna = someone("staff", first_name="Anna", last_name="Redattrice")
    bruno = someone("staff", first_name="Bruno", last_name="Revisore")
    published = build_version(
        **FAMILIES,
        status=VersionStatus.PUBLISHED,
        link=lambda i, action, d: (action.tools.add(*d.tools), action.targets.add(*d.targets)),
    )
    draft = programme_services.create_version(programme=published.programme, by=anna)
    action = Action.objects.get(version=draft)
    form_url = reverse("redazione:matrice_action", args=[draft.programme.slug, action.pk])
    opened = {
        "area": action.area_id,
        "code": action.code,
        "title": action.title,
        "description": action.description,
        "tools": [tool.pk for tool in action.tools.all()],
        "targets": [target.pk for target in action.targets.all()],
        "zones": [],
        "revision": action.revision,
    }

    client.force_login(anna)
    changed = opened | {
        "title": "Centri per le famiglie e i giovani",
        "description": "Un centro _in ogni_ zona.",
        "zones": [published.zones[0].pk],
    }
    assert client.post(form_url, changed).status_code == 302

    client.force_login(bruno)
    response = client.post(form_url, opened | {"title": "Titolo di Bruno"})
    html = response.content.decode()

    assert response.status_code == 409
    message = re.search(r"Ha cambiato: (.*?)\. Ricontrolla", html, re.S).group(1)
    assert "titolo" in message and "descrizione" in message and "zone" in message
    assert "strumenti" not in message and "destinatari" not in message
    assert "_in ogni_" not in message and "Centri per le famiglie" not in message  # in the table
    table = html[html.index('id="conflict-title"') : html.index("</table>")]
    assert "<em>in ogni</em>" in table and "_in ogni_" not in table
    assert "Strumenti" not in table and "Destinatari" not in table


def test_deleting_after_somebody_else_saved_is_refused(staff_client, draft):
    policy = draft.policy
    staff_client.post(
        url("policy", draft, policy.pk), {"code": "1", "title": "Nuovo", "revision": 1}
    )
    response = staff_client.post(url("policy_delete", draft, policy.pk), {"revision": 1})
    assert response.status_code == 302
    assert "Nel frattempo" in staff_client.get(response.url).content.decode()
    assert Policy.objects.filter(pk=policy.pk).exists()


# Frozen versions ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["policy", "area", "action", "tool", "target"])
def test_items_of_a_frozen_version_are_read_only(staff_client, kind):
    d = build_version(**FAMILIES)
    item = {
        "policy": d.policy,
        "area": d.area,
        "action": d.action,
        "tool": d.tools[0],
        "target": d.targets[0],
    }[kind]
    freeze(d.version, VersionStatus.PUBLISHED)

    html = staff_client.get(url(kind, d, item.pk)).content.decode()
    assert "Sola lettura" in html
    assert "La versione 1 è pubblicata: il suo contenuto non si può più modificare." in html
    assert 'name="revision"' not in html and ">Salva<" not in html
    assert "Storia delle modifiche" in html
    delete_page = staff_client.get(url(f"{kind}_delete", d, item.pk)).content.decode()
    assert "Sola lettura" in delete_page and "Sì, elimina" not in delete_page

    for post_url, data in (
        (url(kind, d, item.pk), {"code": item.code, "title": "X", "name": "X", "revision": 1}),
        (url(f"{kind}_delete", d, item.pk), {"revision": 1}),
        (url(f"{kind}_move", d, item.pk), {"direction": "down"}),
    ):
        response = staff_client.post(post_url, data)
        assert response.status_code == 302
        assert "non si può più modificare" in staff_client.get(response.url).content.decode()
    item.refresh_from_db()
    assert item.revision == 1 and item.code in {"1", "1.1", "1.1.1", "S1", "D1"}


def test_a_move_refused_through_htmx_answers_the_message_and_leaves_the_tree(staff_client, draft):
    freeze(draft.version)
    response = staff_client.post(
        url("policy_move", draft, draft.policy.pk), {"direction": "down"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Reswap"] == "none"
    status = html[html.index('<div id="move-status"') :]
    assert 'hx-swap-oob="innerHTML"' in status and "non si può più modificare" in status
    assert 'id="policy-' not in html


# Order ------------------------------------------------------------------------------------------


def codes(d):
    return list(d.area.actions.order_by("position").values_list("code", flat=True))


def test_moving_without_javascript_redirects_to_the_moved_item(staff_client):
    d = build_version(actions=3, **FAMILIES)
    second = Action.objects.get(code="1.1.2")
    response = staff_client.post(url("action_move", d, second.pk), {"direction": "up"})
    assert response.status_code == 302
    assert response.url.endswith(f"#action-{second.pk}")
    assert codes(d) == ["1.1.2", "1.1.1", "1.1.3"]
    page = staff_client.get(response.url).content.decode().replace("&#x27;", "'")
    assert (
        "Spostamento in su: «1.1.2 Centri per le famiglie 2» ora è al 1° posto su 3 "
        "nell'ambito 1.1." in page
    )


def test_moving_with_htmx_answers_only_the_two_items_that_changed_places(staff_client):
    d = build_version(actions=4, **FAMILIES)
    first, second, third, fourth = Action.objects.order_by("code")
    response = staff_client.post(
        url("action_move", d, third.pk), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert codes(d) == ["1.1.1", "1.1.3", "1.1.2", "1.1.4"]
    # the old copy of the other item goes first (out of band), then both in their new order
    # replace the moved one; nothing else of the tree comes back
    assert html.lstrip().startswith(f'<div id="action-{second.pk}" data-hx-swap-oob="delete">')
    assert html.index(f'<li class="list-group-item" id="action-{third.pk}"') < html.index(
        f'<li class="list-group-item" id="action-{second.pk}"'
    )
    assert f"action-{first.pk}" not in html and f"action-{fourth.pk}" not in html
    assert "<html" not in html and 'id="draft-tree"' not in html and len(html) < 8000
    # the message goes into the page's status region (out of band), and the moved item's
    # "up" button is the one the focus returns to
    status = html[html.index('<div id="move-status"') :].replace("&#x27;", "'")
    assert 'hx-swap-oob="innerHTML"' in status and 'role="status"' in status
    assert "ora è al 2° posto su 4 nell'ambito 1.1." in status
    moved = html[html.index(f'id="action-{third.pk}"') : html.index(f'id="action-{second.pk}">')]
    assert moved.index('data-moved="1"') < moved.index('value="up"') < moved.index('data-moved="2"')
    assert 'data-hx-target="closest li"' in moved


def test_moving_an_area_with_htmx_keeps_the_open_areas_open(staff_client, monkeypatch):
    monkeypatch.setattr(staff_views, "ACTIONS_AT_ONCE", 2)  # a large draft: one area at a time
    d = build_version(areas=2, actions=4, **FAMILIES)
    one, two = d.version.action_areas.order_by("code")
    response = staff_client.post(
        url("area_move", d, two.pk),
        {"direction": "up", "shown": [str(one.pk)]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.startswith(f'<div id="actionarea-{one.pk}" data-hx-swap-oob="delete">')
    html = html[html.index("</div>") :]
    assert html.index(f'id="actionarea-{two.pk}"') < html.index(f'id="actionarea-{one.pk}"')
    opened = html[html.index(f'id="actionarea-{one.pk}"') :]
    assert "1.1.1 Centri" in opened and "1.1.2 Centri" in opened
    assert "1.2.1 Centri" not in html  # area 1.2 was closed, and stays so
    assert "Mostra le azioni" in html[: html.index(f'id="actionarea-{one.pk}"')]


def test_moving_a_catalogue_entry_with_htmx_answers_that_catalogue(staff_client, draft):
    response = staff_client.post(
        url("tool_move", draft, draft.tools[1].pk), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="catalogue-tool"')
    assert html.index("Voucher") < html.index("Sportelli")
    assert "«S2 Voucher» ora è al 1° posto su 2 nel catalogo." in html


# Catalogues -------------------------------------------------------------------------------------


def test_the_catalogues_list_tools_and_targets_with_their_use(staff_client, draft):
    html = staff_client.get(url("catalogues", draft)).content.decode()
    assert "Sportelli" in html and "Voucher" in html
    assert "Famiglie" in html and "Anziani" in html
    assert url("tool_delete", draft, draft.tools[0].pk) in html


def test_deleting_a_tool_in_use_asks_and_names_the_actions_that_lose_it(staff_client, draft):
    tool = draft.tools[0]
    html = staff_client.get(url("tool_delete", draft, tool.pk)).content.decode()
    assert "Questa voce è usata da un'azione, che la perderà" in html
    assert "1.1.1 Centri per le famiglie 1" in html
    assert Tool.objects.filter(pk=tool.pk).exists()  # asking deletes nothing

    response = staff_client.post(url("tool_delete", draft, tool.pk), {"revision": tool.revision})
    assert response.url == url("catalogues", draft)
    assert not Tool.objects.filter(pk=tool.pk).exists()
    assert list(draft.action.tools.all()) == []


def test_deleting_a_policy_says_what_goes_with_it(staff_client, draft):
    html = staff_client.get(url("policy_delete", draft, draft.policy.pk)).content.decode()
    assert "1.1 Sostegno alle famiglie" in html
    assert "1 in tutto" in html
    staff_client.post(url("policy_delete", draft, draft.policy.pk), {"revision": 1})
    assert not Action.objects.filter(version=draft.version).exists()


# History ----------------------------------------------------------------------------------------


def test_the_item_page_shows_who_changed_what_and_when(staff_client, draft):
    anna = someone("staff", first_name="Anna", last_name="Redattrice")  # the history names her
    staff_client.force_login(anna)
    action = draft.action
    staff_client.post(
        url("action", draft, action.pk),
        action_form(draft, code=action.code, title="Centri per tutte le famiglie", revision=1),
    )
    html = staff_client.get(url("action", draft, action.pk)).content.decode()
    history = html.split("Storia delle modifiche")[1]
    assert "Modifica" in history and "Anna Redattrice" in history
    assert "Centri per le famiglie 1" in history  # before
    assert "Centri per tutte le famiglie" in history  # after
    assert "Voucher" in history  # a tool was added
    assert "revisione 2" in history


def test_an_item_copied_from_the_previous_version_shows_the_copy_and_the_changes_since(
    staff_client,
):
    from patto.programme import services as lifecycle

    anna = someone("staff", first_name="Anna", last_name="Redattrice")  # the history names her
    staff_client.force_login(anna)
    d = build_version(**FAMILIES)
    freeze(d.version, VersionStatus.PUBLISHED)
    staff = someone("staff", first_name="Carla", last_name="Copia")
    new = lifecycle.create_version(programme=d.programme, by=staff)
    policy = new.policies.get()
    staff_client.post(
        url("policy", d, policy.pk), {"code": "1", "title": "Famiglie", "revision": 1}
    )

    html = staff_client.get(url("policy", d, policy.pk)).content.decode()
    history = html.split("Storia delle modifiche")[1]
    assert "Copiata dalla versione 1" in history and "Carla Copia" in history
    assert "Famiglie e minori" in history and "Anna Redattrice" in history


# Hostile input ----------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[clicca](javascript:alert(1))",
    '"><svg onload=alert(1)>',
]


def assert_inert(html):
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html
    assert "<svg onload" not in html
    assert 'href="javascript:' not in html.lower()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_payloads_never_reach_a_page(client, staff_client, payload):
    d = build_version(**FAMILIES)
    action = d.action
    staff_client.post(
        url("action", d, action.pk),
        action_form(
            d,
            code=action.code,
            title=f"Titolo {payload}",
            description=f"Testo {payload}",
            lead_body=f"Ente {payload}",
            partners=payload,
            indicators=payload,
            revision=1,
        ),
    )
    staff_client.post(
        url("tool", d, d.tools[0].pk),
        {
            "code": "S1",
            "name": f"Sportelli {payload}",
            "description": payload,
            "revision": 1,
        },
    )
    staff_client.post(
        url("policy", d, d.policy.pk),
        {
            "code": "1",
            "title": f"Politica {payload}",
            "description": payload,
            "revision": 1,
        },
    )
    action.refresh_from_db()
    assert payload in action.title  # stored as typed, shown as text

    pages = [
        url("draft", d),
        url("catalogues", d),
        url("draft_matrix", d),
        url("action", d, action.pk),
        url("tool", d, d.tools[0].pk),
        url("tool_delete", d, d.tools[0].pk),
        url("policy", d, d.policy.pk),
        url("policy_delete", d, d.policy.pk),
    ]
    for page in pages:
        assert_inert(staff_client.get(page).content.decode())

    freeze(d.version, VersionStatus.PUBLISHED)  # now on the public site too
    public = [
        reverse("matrice:action", args=[d.programme.slug, 1, action.code]),
        reverse("matrice:actions", args=[d.programme.slug, 1]),
        reverse("matrice:matrix", args=[d.programme.slug, 1]),
        reverse("patto:version", args=[d.programme.slug, 1]),
        url("action", d, action.pk),  # the staff item page, read-only now
    ]
    client.logout()
    login_as(staff_client, "staff")
    for page in public:
        response = staff_client.get(page)
        assert response.status_code == 200, page
        assert_inert(response.content.decode())


# Query counts -----------------------------------------------------------------------------------


def grow(d, extra):
    """Add ``extra`` policies, each with two areas of three actions using tools and targets."""
    for i in range(extra):
        policy = PolicyFactory(version=d.version, code=f"{i + 2}", position=i + 2)
        tool = ToolFactory(version=d.version, code=f"SX{i}")
        target = TargetFactory(version=d.version, code=f"DX{i}")
        for j in range(2):
            area = ActionAreaFactory(policy=policy, version=d.version, code=f"{i + 2}.{j + 1}")
            for k in range(3):
                action = ActionFactory(
                    area=area, version=d.version, code=f"{i + 2}.{j + 1}.{k + 1}"
                )
                action.tools.add(tool, d.tools[0])
                action.targets.add(target)
                action.zones.add(d.zones[k % 2])


@pytest.mark.parametrize(
    ("name", "queries"),
    [("draft", 12), ("catalogues", 8), ("draft_matrix", 11)],
)
@pytest.mark.parametrize("extra", [0, 6])
def test_list_pages_run_a_fixed_number_of_queries(
    staff_client, django_assert_num_queries, name, queries, extra
):
    d = build_version(actions=2, **FAMILIES)
    grow(d, extra)
    page = url(name, d)
    with django_assert_num_queries(queries):
        response = staff_client.get(page)
    assert response.status_code == 200


@pytest.mark.parametrize("extra_changes", [1, 8])
def test_the_item_page_runs_a_fixed_number_of_queries(
    staff_client, django_assert_num_queries, draft, extra_changes
):
    action = draft.action
    for n in range(extra_changes):
        staff_client.post(
            url("action", draft, action.pk),
            action_form(draft, code=action.code, title=f"Titolo {n}", revision=n + 1),
        )
    # the zones' remarks on the action take one (tests/patto/test_version_remarks.py); the
    # action's area comes with the action
    with django_assert_num_queries(27):
        staff_client.get(url("action", draft, action.pk))


@pytest.mark.parametrize("extra", [0, 6])
def test_a_large_draft_lists_the_actions_of_one_area_at_a_time(
    staff_client, django_assert_num_queries, monkeypatch, extra
):
    # a draft over ACTIONS_AT_ONCE actions lists its areas, and the actions of the one chosen,
    # that many to a page; the page grows with the areas, not with the actions
    monkeypatch.setattr(staff_views, "ACTIONS_AT_ONCE", 1)
    d = build_version(actions=2, **FAMILIES)
    grow(d, extra)
    with django_assert_num_queries(8):
        html = staff_client.get(url("draft", d)).content.decode()
    assert "1.1.1 Centri" not in html and "2 azioni" in html
    assert f'href="{url("draft", d)}?ambito={d.area.pk}#actionarea-{d.area.pk}"' in html
    # the layout of a logged-in page (its session warning, 2 KB, included), then 4,000 bytes at
    # most for each new area
    assert len(html) < 22_000 + 4_000 * 2 * extra
    chosen = f"{url('draft', d)}?ambito={d.area.pk}&pagina=2"
    with django_assert_num_queries(13):
        html = staff_client.get(chosen).content.decode()
    assert "1.1.2 Centri" in html and "1.1.1 Centri" not in html and "Pagina 2 di 2" in html
    assert "2.1.1" not in html  # the other areas stay closed
    # with htmx, opening an area answers that area only
    fragment = staff_client.get(chosen, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith(
        f'<div class="draft-area ms-lg-3 mt-3 border-start ps-3" id="actionarea-{d.area.pk}"'
    )
    assert "1.1.2 Centri" in fragment and "<html" not in fragment and "policy-" not in fragment
