"""The spokesperson of zone 1 reviews version 2 of the demo's Piano in Chromium, at desktop and
at phone width: writes remarks on two actions, sends the form without a decision and finds them
all, saves the draft, logs out and in and finds them again, goes through the changes from one to
the next, decides through the confirmation step (going back once), and finds the decision with
its remarks on the public page of the proposal. Every page of the spokesperson's on the way
passes axe-core (WCAG 2.1 A and AA). Without JavaScript a remark box opens and the draft is
saved all the same.

The demo's zone 1 decides once on version 2: after each journey its decision and draft are
deleted again (``RESET``), so that the next one, and the other browser tests, find the demo as
it was loaded."""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.portal import log_in
from tests.e2e.test_accessibility import WCAG

pytestmark = pytest.mark.browser

ZONE_1 = ("portavoce.zona1@demo.patto.localhost", "patto-zona1-2018")
ZONE_5 = ("portavoce.zona5@demo.patto.localhost", "patto-zona5-2018")
PIANO = "/programmi/piano-sociale-metropolitano/"
SCREENSHOTS = os.environ.get("REVIEW_SCREENSHOTS")  # a folder, to look at the pages
REMARKS = {
    "2.2.1": "Manca il raccordo con i centri per l'impiego.",
    "1.2.4": "Includere anche le frazioni di collina.\nE il trasporto nei giorni di mercato.",
}
REASON = "Approviamo, con le osservazioni sulle azioni 1.2.4 e 2.2.1."
RESET = """
from patto.models import PlanVersion, ValidationDraft
version = PlanVersion.objects.get(programme__slug="piano-sociale-metropolitano", number=2)
version.validations.filter(zone__number__in=[1, 5]).delete()
ValidationDraft.objects.filter(version=version).delete()
"""


@pytest.fixture
def demo_as_loaded(portal_url):
    yield
    portal_url.manage("shell", "-c", RESET)


def look(page, name, width):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=name == "confirm")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    result = Axe().run(page, options=WCAG)
    violations = [f"{v['id']}: {v['help']}" for v in result.response["violations"]]
    assert not violations, f"{page.url}: {violations}"


def item(page, code):
    """The text's item (policy, area or action) of ``code``."""
    heading = page.get_by_role("heading", name=re.compile(rf"^{re.escape(code)}\.? "))
    return page.locator(".review-item", has=heading)


def remark_box(page, code):
    return item(page, code).locator("textarea[name^='remark-']")


def assert_remarks_kept(page):
    for code, text in REMARKS.items():
        assert remark_box(page, code).input_value() == text


def scrolled_to(page, selector):
    """Wait until the page has scrolled (smoothly) the element to its top, or to its end."""
    page.wait_for_function(
        """(selector) => {
            const top = document.querySelector(selector).getBoundingClientRect().top;
            const end = document.documentElement.scrollHeight - window.innerHeight;
            return top >= -2 && (top < 40 || window.scrollY >= end - 2);
        }""",
        arg=selector,
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_spokesperson_reviews_saves_comes_back_and_decides(
    browser, portal_url, demo_as_loaded, width
):
    context = browser.new_context(locale="it-IT", viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, portal_url, *ZONE_1)
    page.goto(portal_url + "/portavoce/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Leggi e decidi")).click()
    review = page.url
    look(page, "review", width)

    # remarks on two actions; the boxes open in place
    for code, text in REMARKS.items():
        item(page, code).get_by_role("button", name=re.compile("Scrivi un'osservazione")).click()
        box = remark_box(page, code)
        assert box.evaluate("e => e === document.activeElement")
        page.keyboard.type(text)

    # no decision chosen: refused, and everything is still there, the error listed at the top
    with page.expect_navigation():
        page.get_by_role("button", name="Rileggi e conferma").click()
    summary = page.locator("#errori")
    assert "Non è stato registrato niente" in summary.inner_text()
    assert_remarks_kept(page)
    look(page, "refused", width)
    summary.get_by_role("link", name=re.compile("Scegli se approvare")).click()
    assert page.evaluate("document.activeElement.id") == "id_decision_0"
    page.fill("#id_reason", REASON)

    # kept as a draft, across a logout
    with page.expect_navigation():
        page.locator("#decisione").get_by_role("button", name="Salva la bozza").click()
    assert "Bozza salvata" in page.inner_text("main")
    page.get_by_role("button", name=re.compile("Portavoce demo della Zona 1")).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Esci").click()
    log_in(page, portal_url, *ZONE_1)
    page.goto(review)
    assert page.get_by_text("Hai una bozza salvata").is_visible()
    assert_remarks_kept(page)
    assert page.input_value("#id_reason") == REASON

    # from the list of the changes, through each of them to the last
    listed = page.locator(".review-changes-list a")
    anchors = [
        href.removeprefix("#")
        for href in listed.evaluate_all("a => a.map(e => e.getAttribute('href'))")
    ]
    assert len(anchors) == 5  # the demo's: three added, one rewritten, one removed
    listed.first.click()
    for number, anchor in enumerate(anchors):
        scrolled_to(page, f"#{anchor}")
        assert page.url.endswith(f"#{anchor}")
        mark = page.locator(f"#{anchor} .review-change")
        assert f"{number + 1} di 5" in mark.inner_text()
        if number == 1:
            assert mark.locator("ins").count()  # the word diff of the rewritten 2.2.1
            look(page, "change", width)
        following = mark.get_by_role("link", name=re.compile("^Modifica successiva"))
        if number + 1 < len(anchors):
            following.click()
        else:
            assert not following.count() and "È l'ultima modifica." in mark.inner_text()

    # decided through the confirmation, once back to the form on the way
    page.locator("label[for=id_decision_0]").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Rileggi e conferma").click()
    confirmation = page.inner_text("main")
    assert page.get_by_text("Una volta registrata non si può più modificare").is_visible()
    assert "Approvata" in confirmation and REASON in confirmation
    for text in REMARKS.values():
        assert text.splitlines()[0] in confirmation
    look(page, "confirm", width)
    # left by the breadcrumb instead of its button: what was typed is the zone's draft now
    with page.expect_navigation():
        page.locator(".breadcrumb").get_by_role("link", name="Versione 2").click()
    assert_remarks_kept(page)
    assert page.get_by_label("Approvata").is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Rileggi e conferma").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Torna a modificare").click()
    assert_remarks_kept(page)
    assert page.get_by_label("Approvata").is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Rileggi e conferma").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Conferma la decisione").click()
    assert "Decisione registrata per la Zona 1" in page.inner_text("main")
    assert not page.get_by_role("button", name="Rileggi e conferma").count()
    look(page, "decided", width)

    # public: the proposal's page shows the decision with its remarks
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("pagina pubblica della proposta")).click()
    assert page.url.startswith(portal_url + PIANO + "versioni/2/")
    row = page.locator("#validation-title ~ div tr", has_text="Zona 1 –")
    record = row.inner_text()
    assert "Approvata" in record and REASON in record
    assert "2.2.1" in record and REMARKS["2.2.1"] in record
    assert "1.2.4" in record and "Includere anche le frazioni di collina." in record
    context.close()


def test_without_javascript_a_box_opens_and_the_draft_is_kept(browser, portal_url, demo_as_loaded):
    context = browser.new_context(
        locale="it-IT", viewport={"width": 390, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, portal_url, *ZONE_5)
    page.goto(portal_url + "/portavoce/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Leggi e decidi")).click()
    review = page.url
    with page.expect_navigation():  # the form goes to the server and comes back with the box
        item(page, "3.3.3").get_by_role("button", name=re.compile("Scrivi un'osservazione")).click()
    box = remark_box(page, "3.3.3")
    assert box.evaluate("e => e === document.activeElement")  # autofocus
    page.keyboard.type("Serve un elenco per ogni distretto.")
    with page.expect_navigation():
        item(page, "3.3.3").get_by_role("button", name="Salva la bozza").click()
    assert page.url.endswith("#osservazione-action-" + box.get_attribute("name").split("-", 2)[2])
    page.goto(review)
    assert remark_box(page, "3.3.3").input_value() == "Serve un elenco per ogni distretto."
    # the page sends what was written, not a box per item
    assert page.locator("#review-form textarea").count() == 2  # the remark and the reason
    context.close()
