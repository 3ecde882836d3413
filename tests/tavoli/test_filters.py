"""The contribution list's filters: each one, combined, shared as a link, and the outcome summary
that follows them."""

import pytest
from django.urls import reverse

from tests.factories import (
    BodyFactory,
    ContributionFactory,
    ProgrammeFactory,
    ThematicTableFactory,
)
from tests.tavoli.test_pages import text_of

pytestmark = pytest.mark.django_db


def titles(client, **params):
    response = client.get(reverse("tavoli:contributions", args=["patto"]), params)
    assert response.status_code == 200
    return {c.title for c in response.context["contributions"]}


def test_no_filter_lists_every_contribution_of_the_programme(client, world):
    assert titles(client) == {c.title for key, c in world.contributions.items() if key != "altro"}


def test_filter_by_table_slug(client, world):
    assert titles(client, tavolo="2017-abitare") == {
        "Famiglie sotto sfratto senza soluzioni ponte",
        "Fondi per gli affitti più rapidi",
    }
    assert titles(client, tavolo="2015-poverta") == set()


def test_table_options_are_the_programmes_tables_with_their_phase(client, world):
    ThematicTableFactory(slug="tavolo-altrui", title="Tavolo di un altro programma")
    response = client.get(reverse("tavoli:contributions", args=["patto"]))
    options = [
        str(label) for _value, label in response.context["filter"].form["tavolo"].field.choices
    ]
    assert "Responsabilità familiari (Patto per il sociale 2015)" in options
    assert "Responsabilità familiari (Nuovo patto 2017)" in options
    assert "Tavolo di un altro programma" not in " ".join(options)
    # another programme's table is not a valid choice here
    other = client.get(reverse("tavoli:contributions", args=["patto"]), {"tavolo": "tavolo-altrui"})
    assert list(other.context["contributions"]) == []
    assert "tavolo" in other.context["filter"].errors


def test_a_programme_without_tables_offers_no_table_filter(client, world):
    """A list offering only «Tutti i tavoli» is a control that does nothing (the Piano Sociale
    Metropolitano has no thematic tables): the other filters are there, the table's is not."""
    assert (
        'name="tavolo"'
        in client.get(reverse("tavoli:contributions", args=["patto"])).content.decode()
    )
    piano = ProgrammeFactory(slug="piano")
    ContributionFactory(programme=piano, title="Più educativa di strada")
    address = reverse("tavoli:contributions", args=["piano"])
    page = client.get(address).content.decode()
    assert "Più educativa di strada" in page
    assert 'name="tavolo"' not in page and "Tutti i tavoli" not in page
    assert 'name="tipo"' in page and 'name="esito"' in page
    # a link naming a table all the same: the filter says it is not one of this programme's
    response = client.get(address, {"tavolo": "2017-abitare"})
    assert 'name="tavolo"' in response.content.decode()
    assert "tavolo" in response.context["filter"].errors
    assert list(response.context["contributions"]) == []


def test_filter_by_kind(client, world):
    assert titles(client, tipo="request") == {
        "Fondi per gli affitti più rapidi",
        "Un contributo per ogni posto di servizio civile",
    }
    assert titles(client, tipo="proposal") == {"Centri per le famiglie aperti il sabato"}


@pytest.mark.parametrize(
    ("status", "title"),
    [
        ("received", "Assistenti sociali troppo pochi in montagna"),
        ("under_review", "Centri per le famiglie aperti il sabato"),
        ("accepted", "Famiglie sotto sfratto senza soluzioni ponte"),
        ("partly_accepted", "Fondi per gli affitti più rapidi"),
        ("not_accepted", "Un contributo per ogni posto di servizio civile"),
    ],
)
def test_filter_by_outcome(client, world, status, title):
    assert titles(client, esito=status) == {title}


def test_filter_by_actor_category(client, world):
    assert titles(client, categoria="cooperative") == {
        "Famiglie sotto sfratto senza soluzioni ponte"
    }
    assert titles(client, categoria="cittadini") == set()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("sfratto", {"Famiglie sotto sfratto senza soluzioni ponte"}),  # title and text
        ("valli", {"Assistenti sociali troppo pochi in montagna"}),  # text only
        ("statale", {"Un contributo per ogni posto di servizio civile"}),  # response
        ("inquilini", {"Famiglie sotto sfratto senza soluzioni ponte"}),  # author's chosen name
        ("ASL torino", {"Un contributo per ogni posto di servizio civile"}),  # body, every word
        (
            "FAMIGLIE",
            {
                "Famiglie sotto sfratto senza soluzioni ponte",
                "Centri per le famiglie aperti il sabato",
            },
        ),
        ("sfratto sabato", set()),
        ("   ", None),
    ],
)
def test_free_text(client, world, q, expected):
    if expected is None:
        expected = titles(client)
    assert titles(client, q=q) == expected


def test_text_search_never_matches_the_registered_authors_account(client, world):
    assert titles(client, q="mario.rossi") == set()


def test_filters_combine(client, world):
    assert titles(client, tavolo="2017-famiglie", tipo="request", esito="not_accepted") == {
        "Un contributo per ogni posto di servizio civile"
    }
    assert titles(client, tavolo="2017-famiglie", esito="accepted") == set()


def test_filter_state_is_in_the_url_and_the_form(client, world):
    response = client.get(
        reverse("tavoli:contributions", args=["patto"]),
        {"tavolo": "2017-abitare", "esito": "accepted", "q": "sfratto"},
    )
    html = response.content.decode()
    assert '<option value="2017-abitare" selected>' in html
    assert '<option value="accepted" selected>' in html
    assert 'value="sfratto"' in html
    assert "1 contributo trovato" in text_of(response)
    # "Azzera" and the open-data links carry (or drop) the state, in the one order the page
    # is stored under (the parameters sorted by name)
    assert 'href="/programmi/patto/contributi/">Azzera' in html.replace("\n", "")
    assert (
        "/programmi/patto/contributi.csv?esito=accepted&amp;q=sfratto&amp;tavolo=2017-abitare"
        in html
    )


def test_invalid_value_shows_an_error_and_no_result(client, world):
    response = client.get(reverse("tavoli:contributions", args=["patto"]), {"esito": "maybe"})
    assert response.status_code == 200
    assert list(response.context["contributions"]) == []
    assert response.context["filter"].errors


def test_outcome_summary_follows_the_other_filters_and_links_each_outcome(client, world):
    response = client.get(
        reverse("tavoli:contributions", args=["patto"]),
        {"tavolo": "2017-famiglie", "esito": "not_accepted"},
    )
    text = text_of(response)
    html = response.content.decode()
    # the table's two contributions, whatever their outcome; the list shows the chosen one
    assert "2 contributi: 1 con risposta, 1 in attesa" in text
    assert "In esame 1" in text and "Non accolto 1 (mostrati)" in text
    assert "Accolto 1" not in text
    assert "1 contributo trovato" in text
    assert 'href="/programmi/patto/contributi/?tavolo=2017-famiglie&amp;esito=under_review"' in html
    assert 'aria-current="true"' in html
    assert 'href="/programmi/patto/contributi/?tavolo=2017-famiglie">Tutti gli esiti' in html


def test_outcome_counts_at_scale(client, world):
    body = BodyFactory(name="Ente numeroso")
    for status, n in (("accepted", 4), ("received", 7)):
        for _ in range(n):
            kwargs = {"response": "Sì."} if status == "accepted" else {}
            ContributionFactory(programme=world.programme, body=body, status=status, **kwargs)
    text = text_of(client.get(reverse("tavoli:contributions", args=["patto"]), {"q": "numeroso"}))
    assert "11 contributi: 4 con risposta, 7 in attesa" in text
    assert "Ricevuto 7" in text and "Accolto 4" in text
