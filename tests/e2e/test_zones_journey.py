"""A citizen looks up their comune in a real browser with the demo content, on a desktop
(1280 px) and on a phone (390 px): a comune with a known zone leads to its zone and to what the
plan in force does there; a comune whose zone no public source gives says so plainly, without
a guess. A member of the redazione finds, on the same pages, how to load the official list. No
zone page is wider than a phone, in either language; axe-core finds nothing on the way."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.portal import log_in_as
from tests.e2e.test_accessibility import WCAG

pytestmark = pytest.mark.browser

CIRIE, AVIGLIANA = "001086", "001013"  # zone 7 (reference data); no public source for Avigliana


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def visitor(request, browser):
    context = browser.new_context(locale="it-IT", viewport={"width": request.param, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def check(page):
    """The page passes axe-core and is no wider than the window."""
    result = Axe().run(page, options=WCAG)
    violations = [f"{v['id']}: {v['help']}" for v in result.response["violations"]]
    assert not violations, f"{page.url}: {violations}"
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width} px wide at {width} px"


def click(page, name, *, exact=False):
    link = page.get_by_role("link", name=name, exact=exact).first
    assert link.is_visible(), f"«{name}» is not visible on {page.url}"
    with page.expect_navigation():
        link.click()


def look_up(page, portal_url, name):
    page.goto(portal_url + "/zone/")
    check(page)
    page.get_by_label("Nome del comune").fill(name)
    with page.expect_navigation():
        # the lookup's own button, not the header's site search
        page.locator("main").get_by_role("button", name="Cerca").click()
    check(page)


def main_text(page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def test_a_comune_with_a_known_zone_leads_to_the_zone_and_the_plan_there(visitor, portal_url):
    look_up(visitor, portal_url, "cirie")
    assert "Ciriè è nella zona omogenea Zona 7 – Ciriacese - Valli di Lanzo" in main_text(visitor)

    click(visitor, "Ciriè", exact=True)
    assert visitor.url.endswith(f"/zone/comuni/{CIRIE}/")
    check(visitor)
    assert "Non sappiamo ancora" not in main_text(visitor)

    click(visitor, "Zona 7 – Ciriacese - Valli di Lanzo")
    assert visitor.url.endswith("/zone/7/")
    check(visitor)
    text = main_text(visitor)
    assert "Conosciamo 22 comuni di questa zona, ma nessuna fonte dice quanti sono oggi" in text
    assert "La proposta di gennaio 2015 ne contava 40." in text

    click(visitor, "Cosa fa il piano in vigore nella zona 7: le sue azioni")
    assert "/programmi/piano-sociale-metropolitano/versioni/1/azioni/" in visitor.url
    assert "zona=7" in visitor.url
    check(visitor)
    # the plan's actions for zone 7: those of the zone and those for every zone
    assert visitor.locator("main a[href*='/versioni/1/azioni/']").count() > 0


def test_a_comune_with_no_known_zone_says_so_without_guessing(visitor, portal_url):
    look_up(visitor, portal_url, "avigliana")
    expected = (
        "Non sappiamo ancora a quale zona appartiene Avigliana: nessuna fonte pubblica in "
        "formato aperto lo dice, e non tiriamo a indovinare."
    )
    assert expected in main_text(visitor)

    click(visitor, "Avigliana", exact=True)
    assert visitor.url.endswith(f"/zone/comuni/{AVIGLIANA}/")
    check(visitor)
    text = main_text(visitor)
    assert expected in text
    assert "«Elenco Comuni per Zona omogenea» della Città Metropolitana di Torino" in text
    assert not re.search(r"Zona \d+ –", text)  # no zone is named, not even a likely one
    assert "Cosa fa il piano in questa zona" not in text
    assert visitor.get_by_role("link", name="carica l'elenco ufficiale").count() == 0
    official = visitor.get_by_role(
        "link", name="La pagina delle zone omogenee sul sito della Città Metropolitana"
    )
    assert official.first.get_attribute("href").startswith("https://www.cittametropolitana")


@pytest.mark.parametrize("language", ["", "/en"], ids=["it", "en"])
def test_the_zone_pages_fit_a_phone(browser, portal_url, language):
    context = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 800})
    page = context.new_page()
    for path in [
        "/zone/",
        "/zone/1/",
        "/zone/2/",
        "/zone/7/",
        f"/zone/comuni/{CIRIE}/",
        f"/zone/comuni/{AVIGLIANA}/",
        "/zone/cerca-comune/?q=ciri%C3%A8",
    ]:
        page.goto(portal_url + language + path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 390, f"{language}{path} is {scroll_width} px wide"
    # on a phone the zones are a list: each zone's count is in view, not cut off in a table
    page.goto(portal_url + language + "/zone/")
    assert page.locator("table").first.is_hidden()
    items = page.locator(".zones-stack-item")
    assert items.count() == 11
    assert items.nth(5).is_visible()
    context.close()


def test_the_redazione_sees_how_to_load_the_official_list(visitor, portal_url, tmp_path):
    log_in_as(visitor, portal_url, "staff")
    visitor.goto(portal_url + f"/zone/comuni/{AVIGLIANA}/")
    check(visitor)

    click(visitor, "carica l'elenco ufficiale (ODS o CSV)")
    assert visitor.url.endswith("/redazione/zone/importa/")
    check(visitor)
    assert "Oggi il portale conosce la zona di 208 dei 312 comuni" in main_text(visitor)

    # a wrong file: every problem with its row, nothing changed, the address typed kept
    bad = tmp_path / "elenco.csv"
    bad.write_text("zona;comune\n6;Avigliana\n12;Beinasco\n", encoding="utf-8")
    visitor.set_input_files("input[type=file]", str(bad))
    visitor.fill("input[name=source_url]", "https://example.org/elenco")
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="Carica e guarda l'anteprima").click()
    check(visitor)
    text = main_text(visitor)
    assert "ha un problema: non abbiamo cambiato niente." in text
    assert "Riga 3: zona sconosciuta «12»" in text
    assert visitor.input_value("input[name=source_url]") == "https://example.org/elenco"

    # a good one: its preview, which changes nothing until confirmed
    good = tmp_path / "elenco-buono.csv"
    good.write_text("zona;codice istat;comune\n6;001013;Avigliana\n", encoding="utf-8")
    visitor.set_input_files("input[type=file]", str(good))
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="Carica e guarda l'anteprima").click()
    check(visitor)
    assert "Avigliana: Zona 6 – Valli di Susa e Sangone" in main_text(visitor)
    assert visitor.get_by_role("button", name="Conferma e carica").is_visible()
    visitor.goto(portal_url + f"/zone/comuni/{AVIGLIANA}/")
    assert "Non sappiamo ancora a quale zona appartiene Avigliana" in main_text(visitor)
