"""With the keyboard alone a person reaches the main content, the filters, the downloads and the
search in the header."""

import pytest

pytestmark = pytest.mark.browser

PLAN = "/programmi/piano-sociale-metropolitano/versioni/1"


def focused(page):
    return page.evaluate(
        """() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, text: (e.innerText || e.value || '').trim(),
                href: e.getAttribute('href') || '', name: e.getAttribute('name') || ''}; }"""
    )


def tab_until(page, predicate, limit=120):
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError("not reachable with Tab")


def test_skip_link_leads_to_the_main_content(page, portal_url):
    page.goto(portal_url + "/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["href"] == "#main-content" and "contenuto" in first["text"].lower()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main-content"


def test_filters_are_reachable_and_usable_with_the_keyboard(page, portal_url):
    page.goto(portal_url + PLAN + "/azioni/")
    tab_until(page, lambda e: e["id"] == "id_q")  # the list's own box, not the header's
    page.keyboard.type("sportello")
    tab_until(page, lambda e: e["name"] == "politica")
    button = tab_until(page, lambda e: e["tag"] == "BUTTON" and "filtri" in e["text"].lower())
    assert button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=sportello" in page.url
    main = page.inner_text("main")
    assert "azioni trovate" in main or "azione trovata" in main


def test_the_header_search_is_reachable_and_answers_with_the_keyboard(page, portal_url):
    page.goto(portal_url + "/zone/")
    tab_until(page, lambda e: e["id"] == "header-search-q")
    page.keyboard.type("famiglie")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/cerca/?q=famiglie")
    assert "risultati per «famiglie»" in page.inner_text("main")


def test_download_links_are_reachable_with_the_keyboard(page, portal_url):
    page.goto(portal_url + "/dati-aperti/")
    link = tab_until(page, lambda e: e["href"].endswith("azioni.csv"))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".csv")
    assert link


def test_the_programmes_menu_opens_and_leads_to_a_programme_with_the_keyboard(page, portal_url):
    page.goto(portal_url + "/zone/")
    toggle = tab_until(page, lambda e: e["id"] == "programmes-menu-button")
    assert toggle["text"] == "Programmi"
    page.keyboard.press("Enter")
    assert page.get_attribute("#programmes-menu-button", "aria-expanded") == "true"
    tab_until(page, lambda e: e["text"] == "Piano Sociale Metropolitano")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/programmi/piano-sociale-metropolitano/")
    # where it is, the menu says so
    current = page.locator("#nav-main a[aria-current='page']")
    assert current.inner_text() == "Piano Sociale Metropolitano"


def test_the_zones_map_has_a_tab_stop_per_zone_and_none_per_comune(page, portal_url):
    page.goto(portal_url + "/zone/")
    the_map = page.locator("svg.zone-map")
    # what a screen reader finds in it: the zones' numbers, named after their zones
    assert the_map.get_by_role("link").count() == 11
    assert the_map.get_by_role("link", name="Zona 3 – AMT Sud").count() == 1
    assert the_map.locator("a[tabindex='-1']").count() == 312  # the comuni, for the pointer
    # with the keyboard: the 11 zones in order, then straight on to the map's caption
    first = tab_until(page, lambda e: e["href"] == "/zone/1/")
    stops = [first["href"]]
    for _ in range(11):
        page.keyboard.press("Tab")
        stops.append(focused(page)["href"])
    assert stops[:11] == [f"/zone/{n}/" for n in range(1, 12)]
    assert "creativecommons.org" in stops[11]  # the licence of the boundaries
    for _ in range(9):
        page.keyboard.press("Shift+Tab")
    assert focused(page)["href"] == "/zone/3/"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/zone/3/")
