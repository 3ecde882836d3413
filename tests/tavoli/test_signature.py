"""A contribution shows its author's name, on the site and in the open data, only when its
person chose to sign publicly: the online form asks (not signed by default), the redazione
records it for contributions made at tables, and the rows of before the choice existed are
public only where the person explicitly signed."""

import html
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tavoli import services
from tavoli.models import Contribution, ContributionChannel, Moderation
from tests.factories import ContributionFactory
from tests.people import login_as
from tests.versions import build_version

pytestmark = pytest.mark.django_db

NAME = "Maria Bianchi"


def contribute(client, c, **data):
    client.force_login(c.author)
    payload = {
        "kind": "proposal",
        "title": "Sportelli aperti il sabato",
        "text": "Molte famiglie lavorano durante la settimana.",
        "author_name": NAME,
        "body_name": "",
        "actor_category": "cittadini",
        "action": c.action.code,
        **data,
    }
    return client.post(reverse("tavoli:contribute", args=["piano", 2]), payload)


def public_texts(client, contribution) -> str:
    """Every public place a contribution's name could show: its page, the list, the action's
    page, and the open data in the three formats."""
    client.logout()
    slug = contribution.programme.slug
    addresses = [
        reverse("tavoli:contribution", args=[slug, contribution.pk]),
        reverse("tavoli:contributions", args=[slug]),
        reverse("matrice:action", args=[slug, 2, "1.1.1"]),
        *(reverse(f"tavoli:opendata_{f}", args=[slug]) for f in ("csv", "excel", "json")),
    ]
    texts = []
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        texts.append(html.unescape(response.content.decode("utf-8-sig")))
    return "\n".join(texts)


def test_the_form_asks_and_is_not_signed_by_default(client, consultation):
    c = consultation
    client.force_login(c.author)
    for address in (
        reverse("tavoli:contribute", args=["piano", 2]),
        reverse("matrice:action", args=["piano", 2, "1.1.1"]),
    ):
        page = html.unescape(client.get(address).content.decode())
        checkbox = page[page.index('name="signed_publicly"') - 200 :][:400]
        assert 'type="checkbox"' in checkbox and "checked" not in checkbox, address
        assert "Firma il contributo con il tuo nome" in page
        assert "senza il tuo nome" in page


def test_an_unsigned_contribution_shows_no_name_anywhere(client, consultation):
    c = consultation
    c.programme.contributions_need_approval = False
    c.programme.save()
    assert contribute(client, c).status_code == 302
    contribution = Contribution.objects.get()
    # the name is not even kept: the person did not choose to give it
    assert (contribution.author_name, contribution.signed_publicly) == ("", False)
    texts = public_texts(client, contribution)
    assert NAME not in texts and "Anonimo" in texts
    (record,) = client.get(reverse("tavoli:opendata_json", args=["piano"])).json()["contributions"]
    assert record["author_name"] is None


def test_a_signed_contribution_shows_the_name_everywhere(client, consultation):
    c = consultation
    c.programme.contributions_need_approval = False
    c.programme.save()
    assert contribute(client, c, signed_publicly="on").status_code == 302
    contribution = Contribution.objects.get()
    assert (contribution.author_name, contribution.signed_publicly) == (NAME, True)
    assert public_texts(client, contribution).count(NAME) >= 6
    (record,) = client.get(reverse("tavoli:opendata_json", args=["piano"])).json()["contributions"]
    assert record["author_name"] == NAME


def test_signing_without_a_name_is_a_form_error(client, consultation):
    response = contribute(client, consultation, signed_publicly="on", author_name="  ")
    assert response.status_code == 200
    assert "Scrivi il nome con cui vuoi firmare" in html.unescape(response.content.decode())
    assert not Contribution.objects.exists()
    with pytest.raises(ValidationError):
        services.submit_online_contribution(
            version=consultation.proposal,
            by=consultation.author,
            kind="proposal",
            title="Un titolo",
            text="Un testo.",
            signed_publicly=True,
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the rule too
        ContributionFactory(signed_publicly=True, author_name="")


def test_a_body_not_registered_is_shown_without_the_name(client, consultation):
    c = consultation
    c.programme.contributions_need_approval = False
    c.programme.save()
    contribute(client, c, body_name="Associazione Il Ponte")
    contribution = Contribution.objects.get()
    assert (contribution.author_name, contribution.body_name) == ("", "Associazione Il Ponte")
    texts = public_texts(client, contribution)
    assert "Associazione Il Ponte" in texts and NAME not in texts
    (record,) = client.get(reverse("tavoli:opendata_json", args=["piano"])).json()["contributions"]
    assert (record["author_name"], record["body"]) == (None, "Associazione Il Ponte")


def test_a_private_name_is_not_found_by_the_public_search(client, consultation):
    c = consultation
    private = c.online(author_name=NAME, title="Contributo non firmato")
    c.online(author_name="Carla Neri", signed_publicly=True, title="Contributo firmato")
    listing = reverse("tavoli:contributions", args=["piano"])
    assert "Contributo non firmato" not in client.get(listing, {"q": "Bianchi"}).text
    assert "Contributo firmato" in client.get(listing, {"q": "Neri"}).text
    data = client.get(reverse("tavoli:opendata_json", args=["piano"]), {"q": "Bianchi"}).json()
    assert data["contributions"] == []
    # the redazione finds it
    login_as(client, "staff")
    staff = client.get(reverse("redazione:tavoli_contributions"), {"q": "Bianchi"}).text
    assert private.title in staff


def test_the_redazione_cannot_sign_an_online_contribution_for_its_author(consultation):
    c = consultation
    contribution = c.online(author_name=NAME)
    with pytest.raises(ValidationError) as refused:
        services.update_contribution(
            contribution=contribution,
            by=c.staff,
            expected_revision=contribution.revision,
            signed_publicly=True,
        )
    assert "signed_publicly" in refused.value.message_dict
    signed = c.online(author_name="Carla Neri", signed_publicly=True, title="Firmato")
    services.update_contribution(  # but may take a name off the site, if asked
        contribution=signed, by=c.staff, expected_revision=signed.revision, signed_publicly=False
    )
    signed.refresh_from_db()
    assert not signed.signed_publicly


def test_the_redazione_records_whether_a_table_contribution_is_signed(client, consultation):
    c = consultation
    table = c.programme.tables.create(slug="casa", title="Casa")
    login_as(client, "staff")
    form = {
        "table": table.pk,
        "kind": "proposal",
        "title": "Più case popolari",
        "text": "Servono più alloggi.",
        "author_name": "Comitato familiari",
    }
    new = reverse("redazione:tavoli_contribution_create") + "?programma=piano"
    page = client.get(new).text
    assert 'name="signed_publicly"' in page
    client.post(new, form)
    client.post(new, {**form, "title": "Firmato", "signed_publicly": "on"})
    assert dict(Contribution.objects.values_list("title", "signed_publicly")) == {
        "Più case popolari": False,
        "Firmato": True,
    }


def test_existing_rows_are_public_only_where_the_person_explicitly_signed(db):
    migration = importlib.import_module("tavoli.migrations.0004_contribution_public_signature")
    table = ContributionFactory(author_name="Comitato inquilini")
    unnamed = ContributionFactory(author_name="")
    online = ContributionFactory(
        author_name=NAME,
        channel=ContributionChannel.ONLINE,
        version=_a_version(),
        moderation=Moderation.APPROVED,
    )
    migration.publish_explicit_signatures(apps, None)
    signed = dict(Contribution.objects.values_list("pk", "signed_publicly"))
    # recorded by the redazione as the person asked to be cited; the online form used to fill
    # the signature in for the person, which shows no choice
    assert signed == {table.pk: True, unnamed.pk: False, online.pk: False}


def _a_version():
    return build_version(slug="vecchio", status="published").version


def test_the_open_data_page_says_when_a_name_is_published(client, db):
    page = html.unescape(client.get(reverse("patto:open_data")).content.decode())
    assert "Nessun dato personale" not in page
    assert "compare solo se quella persona ha scelto di firmarlo pubblicamente" in page
