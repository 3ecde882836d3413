"""The pages an Italian administration's site must have (issue 18), and the footer links AgID's
checker reads by their ``data-element``: the accessibility statement (AgID's own page once
published), the privacy notice naming who runs the portal, the legal notes with the licence's
prescribed wording, the cookie notice with the portal's real cookies, the contacts."""

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.test_settings import manage, production_env

pytestmark = pytest.mark.django_db

# AgID's criterion C.SI.3.4: the checker compares the text word for word (lower case, spaces
# collapsed, ' read as ’).
AGID_LICENCE_TEXT = (
    "In applicazione del principio open by default ai sensi dell’articolo 52 del decreto "
    "legislativo 7 marzo 2005, n. 82 (CAD) e salvo dove diversamente specificato (compresi i "
    "contenuti incorporati di terzi), i dati, i documenti e le informazioni pubblicati sul sito "
    "sono rilasciati con licenza CC-BY 4.0. Gli utenti sono quindi liberi di condividere "
    "(riprodurre, distribuire, comunicare al pubblico, esporre in pubblico), rappresentare, "
    "eseguire e recitare questo materiale con qualsiasi mezzo e formato e modificare "
    "(trasformare il materiale e utilizzarlo per opere derivate) per qualsiasi fine, anche "
    "commerciale con il solo onere di attribuzione, senza apporre restrizioni aggiuntive."
)


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def footer_link(page, element):
    links = page.find("footer").select(f'a[data-element="{element}"]')
    assert len(links) == 1, element
    return links[0]


def test_the_footer_links_what_agids_checker_looks_for(client):
    page = soup(client, reverse("home"))
    assert footer_link(page, "accessibility-link")["href"] == reverse("patto:accessibility")
    assert footer_link(page, "privacy-policy-link")["href"] == reverse("legal:privacy")
    assert footer_link(page, "legal-notes")["href"] == reverse("legal:legal_notes")
    hrefs = [a["href"] for a in page.find("footer").find_all("a")]
    assert reverse("legal:cookies") in hrefs and reverse("legal:contacts") in hrefs
    for href in (reverse("legal:privacy"), reverse("legal:cookies"), reverse("legal:contacts")):
        assert client.get(href).status_code == 200


def test_once_published_the_statement_on_agids_site_is_the_footers_link(client, settings):
    settings.AGID_ACCESSIBILITY_STATEMENT_URL = "https://form.agid.gov.it/view/abc-123"
    page = soup(client, reverse("legal:contacts"))
    assert footer_link(page, "accessibility-link")["href"] == (
        "https://form.agid.gov.it/view/abc-123"
    )
    # the portal's own page stays, linked beside it
    assert reverse("patto:accessibility") in [a["href"] for a in page.find("footer")("a")]


def test_a_statement_address_outside_agids_site_stops_the_start():
    result = manage(
        "check", **production_env(AGID_ACCESSIBILITY_STATEMENT_URL="https://example.org/a11y")
    )
    assert result.returncode != 0
    assert "https://form.agid.gov.it/view/" in result.stderr


def test_the_legal_notes_carry_the_licence_in_agids_words(client):
    page = soup(client, reverse("legal:legal_notes"))
    assert page.select_one('[data-element="legal-notes-section"]').get_text(strip=True) == (
        "Licenza dei contenuti"
    )
    body = " ".join(p.get_text() for p in page.select('[data-element="legal-notes-body"]'))
    body = re.sub(r"\s+", " ", body).strip().lower().replace("'", "’")
    assert body == AGID_LICENCE_TEXT.lower()


def test_the_privacy_notice_names_who_and_for_how_long_from_the_settings(client, settings):
    settings.PORTAL_OWNER = "Città Metropolitana di Torino"
    settings.PRIVACY_DPO_CONTACT = "rpd@cittametropolitana.example"
    settings.MAIL_KEEP_DAYS = 7
    text = soup(client, reverse("legal:privacy")).find("main").get_text(" ", strip=True)
    assert "Titolare del trattamento: Città Metropolitana di Torino" in text
    assert "rpd@cittametropolitana.example" in text
    assert "resta per 7 giorni" in text
    assert "Garante per la protezione dei dati personali" in text


def test_the_cookie_notice_lists_the_cookies_the_portal_sets(client, settings):
    text = soup(client, reverse("legal:cookies")).find("main").get_text(" ", strip=True)
    for name in (
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
    ):
        assert name in text
    # the visitor who only reads gets none: the home page sets no cookie
    assert not client.get(reverse("home")).cookies


def test_the_pages_have_their_english(client):
    text = soup(client, "/en" + reverse("legal:privacy")).find("h1").get_text(strip=True)
    assert text == "Privacy notice"
