"""The warning before a session ends, in Chromium (WCAG 2.2.1, Timing Adjustable), with the
browser's clock moved forward (Playwright's clock; the portal keeps the real time). A member of
the redazione writes an update and leaves the page open: two minutes before the idle end of a
privileged session (30 minutes) the warning takes the focus; «Continua la sessione» keeps the
session going on the server and gives the focus back to the text, which is untouched. Then the
session is closed in another tab: at the end the page asks the server, and says the session was
closed and that the text should be copied first. At desktop and at phone width, the warning
passing axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.portal import log_in_as
from tests.e2e.test_accessibility import WCAG, describe

pytestmark = pytest.mark.browser

TYPED = "Il servizio è partito in tre comuni della zona; gli altri seguono a gennaio."
STATUS = (
    "() => fetch('/profilo/sessione/', {headers: {Accept: 'application/json'}}).then(r => r.json())"
)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_warning_lets_a_writer_go_on_and_says_when_the_session_was_closed(
    browser, portal_url, tmp_path, width
):
    context = browser.new_context(locale="it-IT", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.clock.install()
    log_in_as(page, portal_url, "staff")
    page.goto(f"{portal_url}/redazione/programmi/piano-sociale-metropolitano/attuazione/")
    page.locator("main a[href*='/attuazione/azioni/']").first.click()
    page.wait_for_load_state()
    text = page.locator("textarea[name=text]")
    text.fill(TYPED)
    dialog = page.locator("#session-warning")
    assert dialog.is_hidden()

    page.clock.fast_forward("27:00")
    assert dialog.is_hidden()  # not yet: two minutes before the end
    page.clock.fast_forward("01:30")
    warning = page.get_by_role("alertdialog", name="La tua sessione sta per scadere")
    warning.wait_for()
    assert "dopo 30 minuti senza attività" in warning.inner_text()
    assert page.evaluate("document.activeElement.textContent") == "Continua la sessione"
    result = Axe().run(page, options=WCAG)
    assert not result.violations_count, describe(result.response["violations"])
    page.screenshot(path=tmp_path / f"warning-{width}.png")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, f"the warning makes the page scroll sideways at {width} px"

    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.name") == "text"
    assert text.input_value() == TYPED
    assert page.evaluate(STATUS)["idle_left"] >= 1790  # extended on the server

    # the session is closed in another tab
    other = context.new_page()
    other.goto(f"{portal_url}/account/logout/")
    with other.expect_navigation():
        other.get_by_role("button", name="Esci").click()
    other.close()
    page.clock.fast_forward("30:30")
    closed = page.get_by_role("alertdialog", name="La sessione è stata chiusa")
    closed.wait_for()
    assert re.search(r"copialo prima di accedere di nuovo", closed.inner_text())
    assert page.evaluate("document.activeElement.textContent") == "Ho capito"
    assert not closed.get_by_role("button", name="Continua la sessione").is_visible()
    page.screenshot(path=tmp_path / f"closed-{width}.png")
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert text.input_value() == TYPED  # nothing on the page was lost
    context.close()
