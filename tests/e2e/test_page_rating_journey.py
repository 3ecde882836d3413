"""A visitor rates a page as AgID's checker does (criterion C.SI.2.5): each of the five stars
shows the follow-up question that goes with it (what you liked for 4 and 5, where you had
difficulty for 1 to 3) and hides the other; the answer is sent and thanked for, and the
redazione finds it in its summary of the page."""

import pytest

from tests.e2e.portal import log_in_as

pytestmark = pytest.mark.browser

POSITIVE = '[data-element="feedback-rating-positive"]'
NEGATIVE = '[data-element="feedback-rating-negative"]'


def test_the_stars_choose_the_follow_up_and_the_answer_reaches_the_redazione(page, portal_url):
    page.goto(f"{portal_url}/zone/")
    assert not page.is_visible(POSITIVE) and not page.is_visible(NEGATIVE)
    for stars in (1, 2, 3, 4, 5):
        page.click(f'[data-element="feedback-rate-{stars}"]')
        assert page.is_visible(POSITIVE) == (stars >= 4), stars
        assert page.is_visible(NEGATIVE) == (stars < 4), stars
    page.click('[data-element="feedback-rate-2"]')
    page.get_by_text("A volte le indicazioni non erano complete").click()
    page.fill('[data-element="feedback-input-text"]', "Non trovo il mio comune")
    with page.expect_navigation():
        page.click("text=Invia la valutazione")
    assert page.locator("h1").inner_text() == "Grazie per la tua valutazione"
    page.click("text=Torna alla pagina che stavi leggendo")
    assert page.url == f"{portal_url}/zone/"

    log_in_as(page, portal_url, "staff")
    page.goto(f"{portal_url}/redazione/valutazioni/")
    row = page.locator("tr", has_text="/zone/")
    assert "A volte le indicazioni non erano complete: 1" in row.inner_text()
    assert "Non trovo il mio comune" in row.inner_text()
