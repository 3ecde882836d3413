"""What a visitor reads on the tables' and contributions' pages."""

import html as html_lib
import re

import pytest
from django.urls import reverse

from patto.models import PUBLIC_STATUSES
from tests.factories import ContributionFactory, ProgrammeFactory, ThematicTableFactory
from tests.versions import build_version

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's visible text, tags stripped and white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"\s+([,.;:)])", r"\1", re.sub(r"\s+", " ", text)).strip()


def table_url(world, key):
    return reverse("tavoli:detail", args=[world.programme.slug, world.tables[key].slug])


def contribution_url(contribution):
    return reverse("tavoli:contribution", args=[contribution.programme.slug, contribution.pk])


# The tables ----------------------------------------------------------------------------------


def test_table_list_groups_tables_by_phase_in_timeline_order(client, world):
    response = client.get(reverse("tavoli:list", args=["patto"]))
    assert response.status_code == 200
    text = text_of(response)
    assert text.count("Tavoli di lavoro") >= 1
    i_2015 = text.index("Patto per il sociale 2015")
    i_2017 = text.index("Nuovo patto 2017")
    assert i_2015 < text.index("Contrasto alla povertà (2015)") < i_2017
    assert i_2017 < text.index("Politiche per l'abitare")
    # the description is rendered Markdown
    assert "Dalla politica della <strong>casa</strong>" in response.content.decode()


def test_table_list_shows_members_and_outcome_counts_of_each_table(client, world):
    response = client.get(reverse("tavoli:list", args=["patto"]))
    html = response.content.decode()
    text = text_of(response)
    card = text[text.index("Politiche per l'abitare") :]
    card = card[: card.index("Responsabilità familiari")]
    assert "3 enti partecipanti" in card
    assert "2 contributi: 2 con risposta, 0 in attesa" in card
    assert "Accolto 1" in card and "Accolto in parte 1" in card
    assert "Non accolto" not in card
    # each count links to the contributions of that table with that outcome
    assert 'href="/programmi/patto/contributi/?tavolo=2017-abitare&amp;esito=accepted"' in html
    # the whole programme, tables or not
    assert "5 contributi: 3 con risposta, 2 in attesa" in text
    assert text.count("0 contributi") == 2  # the two 2015 tables
    assert f'href="{table_url(world, "abitare")}"' in html


def test_table_without_phase_is_listed_apart(client, world):
    ThematicTableFactory(programme=world.programme, title="Tavolo senza fase")
    text = text_of(client.get(reverse("tavoli:list", args=["patto"])))
    assert (
        text.index("Nuovo patto 2017") < text.index("Senza fase") < text.index("Tavolo senza fase")
    )


def test_table_list_of_a_programme_without_tables(client, db):
    ProgrammeFactory(slug="vuoto")
    response = client.get(reverse("tavoli:list", args=["vuoto"]))
    assert "Questo programma non ha tavoli di lavoro." in text_of(response)


def test_table_detail_shows_members_meetings_and_contributions(client, world):
    response = client.get(table_url(world, "abitare"))
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert "Politiche per l'abitare" in text and "Nuovo patto 2017" in text
    # members: name, category, role, alphabetical
    assert "ASL Città di Torino ASL –" in text
    assert "Cooperativa Il Ponte Cooperative Componente" in text
    assert "Regione Piemonte Enti pubblici Coordinamento" in text
    assert (
        text.index("ASL Città di Torino ASL")
        < text.index("Cooperativa Il Ponte Cooperative")
        < text.index("Regione Piemonte Enti pubblici")
    )
    # the meetings that involved it, linked to their pages
    meeting_url = reverse("incontri:detail", args=[world.meeting.pk])
    assert f'href="{meeting_url}"' in html
    assert "Incontro provinciale di Asti" not in text
    # its contributions and what became of them; not the other tables' ones
    assert "Famiglie sotto sfratto senza soluzioni ponte" in text
    assert "Fondi per gli affitti più rapidi" in text
    assert "Centri per le famiglie" not in text
    assert "Accolto: ne è nato il fondo per le locazioni." in text
    assert "2 contributi: 2 con risposta, 0 in attesa" in text
    assert 'href="/programmi/patto/contributi/?tavolo=2017-abitare"' in html


def test_table_detail_without_members_meetings_or_contributions(client, world):
    text = text_of(client.get(table_url(world, "povertà-2015")))
    assert "Nessun ente registrato per questo tavolo." in text
    assert "Nessun incontro registrato per questo tavolo." in text
    assert "Nessun contributo registrato per questo tavolo." in text


def test_unknown_table_or_programme_is_404(client, world):
    assert client.get(reverse("tavoli:detail", args=["patto", "nessuno"])).status_code == 404
    assert client.get(reverse("tavoli:list", args=["nessuno"])).status_code == 404
    other = ThematicTableFactory(slug="tavolo-altrui")
    assert client.get(reverse("tavoli:detail", args=["patto", other.slug])).status_code == 404
    assert (
        client.get(reverse("tavoli:detail", args=[other.programme.slug, other.slug])).status_code
        == 200
    )


# The contributions ---------------------------------------------------------------------------


def test_contribution_list_shows_what_became_of_each_contribution(client, world):
    response = client.get(reverse("tavoli:contributions", args=["patto"]))
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert "Hai detto, abbiamo fatto" in text
    assert "5 contributi trovati" in text
    assert "Contributo del Piano metropolitano" not in text
    # kind, title, who, where, when, outcome (as text), response
    card = text[text.index("Criticità Famiglie sotto sfratto") :]
    card = card[: card.index("Assistenti sociali troppo pochi")]
    assert "Esito: Accolto" in card
    assert "Comitato inquilini · Cooperativa Il Ponte · Cooperative" in card
    assert "Tavolo Politiche per l'abitare (Nuovo patto 2017)" in card
    assert "Incontro Incontro provinciale di Cuneo, 19 ottobre 2017" in card
    assert "Presentato il 19 ottobre 2017" in card
    assert "Accolto: ne è nato il fondo per le locazioni." in card
    assert f'href="{contribution_url(world.contributions["sfratti"])}"' in html
    assert f'href="{table_url(world, "abitare")}"' in html
    assert f'href="{reverse("incontri:detail", args=[world.meeting.pk])}"' in html
    # waiting contributions say so, in words
    assert "in attesa di esito" in text
    # newest first, undated last
    order = [
        "Centri per le famiglie",
        "Un contributo per ogni posto",
        "Fondi per gli affitti",
        "Famiglie sotto sfratto",
        "Assistenti sociali troppo pochi",
    ]
    assert [text.index(t) for t in order] == sorted(text.index(t) for t in order)


def test_outcome_badges_carry_text_not_only_colour(client, world):
    html = client.get(reverse("tavoli:contributions", args=["patto"])).content.decode()
    badges = re.findall(r'<span class="badge badge-status ([^"]+)">([^<]*)</span>', html)
    assert {label for _cls, label in badges} == {
        "Ricevuto",
        "In esame",
        "Accolto",
        "Accolto in parte",
        "Non accolto",
    }
    assert all(label.strip() for _cls, label in badges)


def test_contribution_list_summary_counts_outcomes(client, world):
    text = text_of(client.get(reverse("tavoli:contributions", args=["patto"])))
    assert "5 contributi: 3 con risposta, 2 in attesa" in text
    for label in ("Ricevuto 1", "In esame 1", "Accolto 1", "Accolto in parte 1", "Non accolto 1"):
        assert label in text


def test_links_only_to_actions_of_public_versions(client, world):
    published, draft = world.published_actions[0], world.draft_actions[0]
    published_url = reverse("matrice:action", args=["patto", 1, published.code])
    for url in (
        reverse("tavoli:contributions", args=["patto"]),
        contribution_url(world.contributions["sfratti"]),
        table_url(world, "abitare"),
    ):
        response = client.get(url)
        html = response.content.decode()
        assert f'href="{published_url}"' in html, url
        assert "2.2.2 Azione 2.2.2" in text_of(response)
        assert draft.code not in html, url  # a draft's action: not even its code
        assert "/versioni/2/" not in html, url


def test_contribution_list_paginates_by_20(client, world):
    for n in range(20):
        ContributionFactory(programme=world.programme, title=f"Contributo numero {n:02d}")
    first = client.get(reverse("tavoli:contributions", args=["patto"]))
    assert len(first.context["contributions"]) == 20
    assert "25 contributi trovati" in text_of(first)
    assert "Pagina 1 di 2" in text_of(first)
    second = client.get(reverse("tavoli:contributions", args=["patto"]), {"page": 2})
    assert len(second.context["contributions"]) == 5


def test_pagination_links_keep_the_filters(client, world):
    for _n in range(21):
        ContributionFactory(programme=world.programme, kind="proposal")
    html = client.get(
        reverse("tavoli:contributions", args=["patto"]), {"tipo": "proposal"}
    ).content.decode()
    assert 'href="?tipo=proposal&amp;page=2"' in html


def test_contribution_detail_shows_it_in_full(client, world):
    contribution = world.contributions["sfratti"]
    response = client.get(contribution_url(contribution))
    assert response.status_code == 200
    text = text_of(response)
    assert "Famiglie sotto sfratto senza soluzioni ponte" in text
    assert "Esito: Accolto" in text
    assert "Tra lo sfratto e la casa popolare passano mesi." in text
    assert "Accolto: ne è nato il fondo per le locazioni." in text
    assert "Risposto il 15 dicembre 2017" in text
    assert "2.2.2 Azione 2.2.2 (versione 1)" in text
    assert "2.2.5 Azione 2.2.5 (versione 1)" in text


def test_contribution_detail_of_a_waiting_contribution(client, world):
    text = text_of(client.get(contribution_url(world.contributions["montagna"])))
    assert "Esito: Ricevuto" in text
    assert "Nessuna risposta ancora" in text
    assert "Nessuna azione del piano collegata a questo contributo." in text
    assert "data non indicata" in text


def test_unknown_contribution_or_another_programmes_is_404(client, world):
    assert client.get(reverse("tavoli:contribution", args=["patto", 999999])).status_code == 404
    other = world.contributions["altro"]
    assert client.get(reverse("tavoli:contribution", args=["patto", other.pk])).status_code == 404
    assert client.get(contribution_url(other)).status_code == 200


def test_no_personal_data_on_the_pages(client, world):
    for url in (
        reverse("tavoli:contributions", args=["patto"]),
        contribution_url(world.contributions["sfratti"]),
        table_url(world, "abitare"),
    ):
        html = client.get(url).content.decode()
        assert "mario.rossi" not in html
        assert "Comitato inquilini" in html  # the name the contributor chose to show


def test_programme_page_links_tables_and_contributions(client, world):
    html = client.get(reverse("patto:programme", args=["patto"])).content.decode()
    assert f'href="{table_url(world, "abitare")}"' in html
    assert f'href="{reverse("tavoli:list", args=["patto"])}"' in html
    assert f'href="{reverse("tavoli:contributions", args=["patto"])}"' in html


def test_programme_page_without_tables_still_links_contributions(client, db):
    ProgrammeFactory(slug="piano")
    html = client.get(reverse("patto:programme", args=["piano"])).content.decode()
    assert f'href="{reverse("tavoli:contributions", args=["piano"])}"' in html
    assert f'href="{reverse("tavoli:list", args=["piano"])}"' not in html


def test_pages_in_english_are_under_en(client, world):
    response = client.get("/en/programmi/patto/contributi/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize(
    ("status", "linked"),
    [
        ("draft", False),
        ("in_validation", True),
        ("changes_requested", True),
        ("validated", True),
        ("published", True),
        ("archived", True),
    ],
)
def test_action_links_by_version_status(client, db, status, linked):
    assert (status in PUBLIC_STATUSES) is linked
    programme = ProgrammeFactory(slug="prog")
    action = build_version(programme, number=3, actions=["4.1.2"], status=status).action
    contribution = ContributionFactory(programme=programme, title="Un contributo")
    contribution.led_to.set([action])
    action_url = reverse("matrice:action", args=["prog", 3, "4.1.2"])
    for url in (
        reverse("tavoli:contributions", args=["prog"]),
        contribution_url(contribution),
    ):
        html = client.get(url).content.decode()
        assert (f'href="{action_url}"' in html) is linked
        assert ("4.1.2" in html) is linked
    data = client.get(reverse("tavoli:opendata_json", args=["prog"])).json()
    assert [a["code"] for a in data["contributions"][0]["led_to"]] == (["4.1.2"] if linked else [])
