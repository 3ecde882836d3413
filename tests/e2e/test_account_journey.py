"""The demo citizen, in a real browser: logs in from the header, finds their profile in the
person menu, follows the regional Patto with one click (htmx, no reload), sees it on the profile,
and logs out from the menu. Every account page on the way passes axe-core (WCAG 2.1 A and AA),
the logged-in ones included, which the public crawl cannot reach."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.test_accessibility import WCAG

pytestmark = pytest.mark.browser

EMAIL = "cittadino@demo.patto.localhost"
PASSWORD = "patto-cittadino-2018"
PATTO = "/programmi/patto-sviluppo-comunita-solidali/"
SCREENSHOTS = os.environ.get("ACCOUNT_SCREENSHOTS")  # a folder, to look at the pages


def accessible(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)
    result = Axe().run(page, options=WCAG)
    violations = [f"{v['id']}: {v['help']}" for v in result.response["violations"]]
    assert not violations, f"{page.url}: {violations}"


def test_the_citizen_logs_in_follows_a_programme_and_logs_out(page, portal_url):
    page.goto(portal_url + "/account/signup/")
    accessible(page, "signup")

    page.goto(portal_url + PATTO)
    page.get_by_role("link", name="Accedi", exact=True).click()
    accessible(page, "login")
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=login]) [type=submit]").click()
    page.wait_for_load_state()
    assert page.url == portal_url + "/"

    page.get_by_role("button", name="Cittadino demo").click()
    accessible(page, "menu")  # open: its links must be readable too
    page.get_by_role("link", name="Il mio profilo").click()
    page.wait_for_load_state()
    accessible(page, "profile")
    assert "Piano Sociale Metropolitano" in page.locator("#programmi").inner_text()
    assert "Patto di sviluppo" not in page.locator("#programmi").inner_text()

    page.goto(portal_url + PATTO)
    page.get_by_role("button", name="Segui questo programma").click()
    unfollow = page.get_by_role("button", name="Non seguire più")
    unfollow.wait_for()
    assert page.url == portal_url + PATTO  # swapped in place by htmx
    assert "Ora segui questo programma:" in page.locator("#follow-programme").inner_text()
    page.reload()  # and said as a state, not a command, when the page is read again
    assert "Stai seguendo questo programma:" in page.locator("#follow-programme").inner_text()
    accessible(page, "programme-following")

    page.goto(portal_url + "/profilo/")
    assert "Patto di sviluppo" in page.locator("#programmi").inner_text()

    for address, name in [
        ("/account/password/change/", "password-change"),
        ("/account/email/", "email"),
        ("/profilo/elimina/", "delete"),
        ("/en/profilo/", "profile-en"),
    ]:
        page.goto(portal_url + address)
        accessible(page, name)

    page.goto(portal_url + PATTO)
    page.get_by_role("button", name="Non seguire più").click()
    page.get_by_role("button", name="Segui questo programma").wait_for()

    # at phone width the person's menu still fits in the header and opens
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(portal_url + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Cittadino demo").click()
    page.get_by_role("link", name="Il mio profilo").wait_for(state="visible")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/menu-mobile.png")
    page.get_by_role("button", name="Esci").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Accedi", exact=True).wait_for()
