"""The redazione manages the thematic tables and their member bodies: create and edit a table,
add a body (registered or new) and take it off, edit a body. Rules come back as form errors,
two people editing the same table never overwrite each other, and every change is in the
item's history."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tavoli import services
from tavoli.models import Body, TableMembership, ThematicTable
from tests.factories import (
    BodyFactory,
    PhaseFactory,
    ProgrammeFactory,
    ProvinceFactory,
    ThematicTableFactory,
)
from tests.tavoli.factories import TableMembershipFactory
from tests.versions import build_version, freeze

# The redazione's pages: every test starts logged in as the staff persona.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_client")]


@pytest.fixture
def programme():
    return ProgrammeFactory(slug="patto", title="Patto per il sociale")


@pytest.fixture
def table(programme):
    phase = PhaseFactory(programme=programme, title="Nuovo patto 2017")
    return ThematicTableFactory(programme=programme, phase=phase, slug="abitare", title="Abitare")


def table_url(table):
    return reverse("redazione:tavoli_table", args=[table.pk])


def edit_payload(table, **changes):
    return {
        "revision": table.revision,
        "title": table.title,
        "slug": table.slug,
        "phase": table.phase_id or "",
        "description": table.description,
        "position": table.position,
        **changes,
    }


def test_the_list_filters_by_programme(client, staff, table):
    ThematicTableFactory(title="Tavolo del Piano", programme=ProgrammeFactory(slug="piano"))
    response = client.get(reverse("redazione:tavoli_tables") + "?programma=patto")
    assert "Abitare" in response.text
    assert "Tavolo del Piano" not in response.text
    assert "1 tavolo" in response.text


def test_new_table_asks_for_the_programme_first(client, staff, programme):
    response = client.get(reverse("redazione:tavoli_table_create"))
    assert "Di quale programma fa parte?" in response.text
    assert 'name="programma"' in response.text


def test_create_a_table(client, staff, programme):
    phase = PhaseFactory(programme=programme)
    response = client.post(
        reverse("redazione:tavoli_table_create") + "?programma=patto",
        {
            "title": "Servizio civile universale",
            "slug": "servizio-civile",
            "phase": phase.pk,
            "description": "Il **servizio civile**.",
            "position": 5,
        },
    )
    table = ThematicTable.objects.get(slug="servizio-civile")
    assert response.status_code == 302
    assert response.url == table_url(table)
    assert (table.programme, table.phase, table.position) == (programme, phase, 5)
    assert table.history.get().history_user == staff


def test_a_slug_used_by_another_table_of_the_programme_is_a_form_error(
    client, staff, programme, table
):
    response = client.post(
        reverse("redazione:tavoli_table_create") + "?programma=patto",
        {"title": "Doppione", "slug": "abitare", "position": 0},
    )
    assert response.status_code == 200
    assert "ha già l&#x27;identificativo «abitare»" in response.text
    assert not ThematicTable.objects.filter(title="Doppione").exists()


def test_a_phase_of_another_programme_is_refused(client, staff, table):
    foreign_phase = PhaseFactory(programme=ProgrammeFactory())
    response = client.post(table_url(table), edit_payload(table, phase=foreign_phase.pk))
    assert response.status_code == 200
    assert "Scegli un&#x27;opzione valida" in response.text
    table.refresh_from_db()
    assert table.phase != foreign_phase


def test_edit_a_table_and_see_it_in_the_history(client, staff, table):
    response = client.post(table_url(table), edit_payload(table, title="Politiche per l'abitare"))
    assert response.status_code == 302
    table.refresh_from_db()
    assert table.title == "Politiche per l'abitare"
    assert table.revision == 2

    page = client.get(table_url(table)).text
    assert "Storia delle modifiche" in page
    assert "Anna Bianchi" in page
    history = page.split("Storia delle modifiche")[1]
    assert "Titolo" in history
    assert "Abitare" in history and "Politiche per l&#x27;abitare" in history


def test_two_people_editing_the_same_table_do_not_overwrite_each_other(
    client, table, staff, other_staff
):
    first, second = staff, other_staff
    # both open the form at revision 1
    client.force_login(first)
    form_of_first = edit_payload(table)
    client.force_login(second)
    form_of_second = edit_payload(table)

    client.force_login(first)
    assert client.post(table_url(table), {**form_of_first, "title": "Casa"}).status_code == 302

    client.force_login(second)
    response = client.post(table_url(table), {**form_of_second, "title": "Abitazione"})
    assert response.status_code == 200
    page = response.text
    assert "Nel frattempo Anna Bianchi ha salvato questa voce" in page
    assert "Cosa è cambiato nel frattempo" in page
    assert "Casa" in page  # what the first saved…
    assert 'value="Abitazione"' in page  # …next to what the second typed, kept in the form
    assert 'name="revision" value="2"' in page  # saving again is now a deliberate choice
    table.refresh_from_db()
    assert table.title == "Casa"


def test_add_a_registered_body(client, staff, table):
    body = BodyFactory(name="ASL TO3")
    response = client.post(
        reverse("redazione:tavoli_membership_add", args=[table.pk]),
        {"body": body.pk, "role": "Componente", "joined_on": "2017-07-05"},
    )
    assert response.status_code == 302
    membership = TableMembership.objects.get(table=table, body=body)
    assert membership.role == "Componente"
    assert str(membership.joined_on) == "2017-07-05"
    page = client.get(table_url(table)).text
    assert "ASL TO3" in page
    assert "Ente aggiunto al tavolo: ASL TO3 (Componente)" in page


def test_add_a_new_body(client, staff, table):
    province = ProvinceFactory()
    response = client.post(
        reverse("redazione:tavoli_membership_add", args=[table.pk]),
        {
            "new_name": "Cooperativa Il Ponte",
            "new_category": "cooperative",
            "new_province": province.pk,
            "new_website": "https://ilponte.example.org",
            "role": "Componente",
        },
    )
    assert response.status_code == 302
    body = Body.objects.get(name="Cooperativa Il Ponte")
    assert (body.category, body.province, body.website) == (
        "cooperative",
        province,
        "https://ilponte.example.org",
    )
    assert TableMembership.objects.filter(table=table, body=body).exists()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "Scegli un ente già registrato oppure scrivi il nome di uno nuovo."),
        ({"new_name": "Comune di Bra", "body": "BODY"}, "non tutti e due"),
        ({"new_name": "Cooperativa Il Ponte"}, "Ente con questo Nome esiste già"),
    ],
)
def test_adding_a_body_refuses_what_does_not_make_sense(client, staff, table, payload, message):
    body = BodyFactory(name="Cooperativa Il Ponte")
    if payload.get("body") == "BODY":
        payload["body"] = body.pk
    response = client.post(reverse("redazione:tavoli_membership_add", args=[table.pk]), payload)
    assert response.status_code == 200
    assert message in response.text
    assert not TableMembership.objects.filter(table=table).exists()
    assert Body.objects.count() == 1


def test_a_member_is_not_offered_twice(client, staff, table):
    member = TableMembershipFactory(table=table, body=BodyFactory(name="ASL TO3")).body
    page = client.get(table_url(table)).text
    form = page.split('id="add-member-title"')[1]
    assert f'<option value="{member.pk}">' not in form
    response = client.post(
        reverse("redazione:tavoli_membership_add", args=[table.pk]), {"body": member.pk}
    )
    assert response.status_code == 200
    assert TableMembership.objects.filter(table=table).count() == 1


def test_remove_a_member_after_confirming(client, staff, table):
    membership = TableMembershipFactory(table=table, body=BodyFactory(name="ASL TO3"))
    url = reverse("redazione:tavoli_membership_remove", args=[table.pk, membership.pk])
    confirm = client.get(url)
    assert "non parteciperà più al tavolo" in confirm.text
    assert TableMembership.objects.filter(pk=membership.pk).exists()

    response = client.post(url)
    assert response.status_code == 302
    assert not TableMembership.objects.filter(pk=membership.pk).exists()
    assert Body.objects.filter(name="ASL TO3").exists()  # the body stays registered
    page = client.get(table_url(table)).text
    assert "Ente tolto dal tavolo: ASL TO3" in page
    assert "Anna Bianchi" in page


def test_edit_a_body_with_history_and_locking(client, staff):
    body = BodyFactory(name="Consorzio Monviso")
    url = reverse("redazione:tavoli_body", args=[body.pk])
    response = client.post(url, {"revision": 1, "name": "Consorzio Monviso Solidale"})
    assert response.status_code == 302
    page = client.get(url).text
    assert "Consorzio Monviso Solidale" in page
    assert "Storia delle modifiche" in page and "Anna Bianchi" in page

    stale = client.post(url, {"revision": 1, "name": "Consorzio del Monviso"})
    assert stale.status_code == 200
    assert "Nel frattempo" in stale.text
    body.refresh_from_db()
    assert body.name == "Consorzio Monviso Solidale"


def test_the_body_list_searches_by_name(client, staff):
    BodyFactory(name="Comune di Pinerolo")
    BodyFactory(name="ASL TO3")
    response = client.get(reverse("redazione:tavoli_bodies") + "?q=pinerolo")
    assert "Comune di Pinerolo" in response.text
    assert "ASL TO3" not in response.text


def test_markup_typed_in_a_table_description_never_reaches_the_public_page(client, staff, table):
    payload = '<script>alert("x")</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))'
    client.post(table_url(table), edit_payload(table, description=payload))
    public = client.get(reverse("tavoli:detail", args=["patto", "abitare"])).text
    assert "<script>alert" not in public
    assert "onerror=alert" not in public
    assert "javascript:alert" not in public


def test_the_identifier_of_a_table_cited_by_a_frozen_version_cannot_change(
    client, staff, programme, table
):
    """A frozen version's text (and fingerprint) names its actions' source tables by their
    identifier: once cited there, the identifier is read-only in the page and the service."""
    draft = build_version(programme, actions=["1.1"])
    draft.action.tables.set([table])
    freeze(draft.version, "published")

    page = client.get(table_url(table)).text
    assert "il tavolo è citato dalla versione 1 (pubblicata)" in page
    assert 'name="slug"' in page and "disabled" in page.split('name="slug"')[1].split(">")[0]

    response = client.post(table_url(table), edit_payload(table, slug="casa", title="Casa"))
    assert response.status_code == 302
    table.refresh_from_db()
    assert (table.slug, table.title) == ("abitare", "Casa")  # the title may change

    with pytest.raises(ValidationError) as refused:
        services.update_table(table=table, by=staff, expected_revision=2, slug="casa")
    assert "il cui testo è congelato" in str(refused.value)
    table.refresh_from_db()
    assert table.slug == "abitare"
