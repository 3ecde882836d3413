"""A citizen withdraws a contribution, in a real browser against a real portal: they leave one
on an action of the proposal under consultation, the redazione publishes it, they change their
mind, find it in their profile, read what withdrawing means, confirm, and it is gone from the
action's page; its old address says it was withdrawn. At desktop and phone width, with axe on
the pages of the journey."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.portal import approve_in_queue, log_in_as, log_out
from tests.e2e.test_participation_journey import LOOKUP

pytestmark = pytest.mark.browser

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def checked(page) -> None:
    result = Axe().run(page, options=WCAG)
    violations = [f"{v['id']}: {v['help']}" for v in result.response["violations"]]
    assert not violations, f"{page.url}: {violations}"


@pytest.mark.parametrize("width", [1280, 390])
def test_a_citizen_withdraws_a_contribution_not_yet_taken_up(page, portal_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    action_url = [
        line for line in portal_url.manage("shell", "-c", LOOKUP).split() if line.startswith("/")
    ][-1]
    title = f"Ci ho ripensato ({width})"

    log_in_as(page, portal_url, "registered")
    page.goto(portal_url + action_url)
    form = page.locator("form.consultation-form")
    form.locator("select[name=kind]").select_option("request")
    form.locator("input[name=title]").fill(title)
    form.locator("textarea[name=text]").fill(f"Un testo che preferisco ritirare, largo {width}.")
    form.get_by_role("button", name="Invia il contributo").click()
    page.wait_for_load_state()
    assert title in page.content()

    # the redazione publishes it: anyone reads it on the action's page
    log_out(page)
    log_in_as(page, portal_url, "staff")
    approve_in_queue(page, portal_url, title)
    log_out(page)
    page.goto(portal_url + action_url)
    assert title in page.content()

    # its author changes their mind: the profile lists it, with a way to withdraw it
    log_in_as(page, portal_url, "registered")
    page.goto(portal_url + "/profilo/")
    page.get_by_role("link", name=f"Ritira «{title}»").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Ritira il contributo"
    assert "Non si può tornare indietro." in page.locator("main").inner_text()
    checked(page)
    address = page.url
    page.get_by_role("button", name="Ritira il contributo").click()
    page.wait_for_load_state()

    # back in the profile: what happened, said; the contribution marked withdrawn
    assert page.url.endswith("/profilo/#contributi")
    main = page.locator("main").inner_text()
    assert f"Hai ritirato il contributo «{title}»" in main
    item = page.locator("li.profile-contribution", has_text=title)
    assert "Ritirato" in item.inner_text()
    assert item.get_by_role("link").count() == 0
    checked(page)

    # the page asked again (the back button, a second tab) says it is done
    page.goto(address)
    assert re.search(
        r"Hai ritirato questo contributo (?:il |l')\d", page.locator("main").inner_text()
    )
    assert page.get_by_role("button", name="Ritira il contributo").count() == 0

    # anyone reading the action's page no longer finds it
    log_out(page)
    page.goto(portal_url + action_url)
    assert title not in page.content()
    # its address, from an e-mail or a bookmark, says what became of it
    contribution = re.search(r"/contributi/(\d+)/ritira/", address).group(1)
    slug = re.search(r"/programmi/([^/]+)/", address).group(1)
    response = page.goto(f"{portal_url}/programmi/{slug}/contributi/{contribution}/")
    assert response.status == 410
    assert page.get_by_role("heading", level=1).inner_text() == "Contributo ritirato"
    checked(page)


COMMENTED = """
from tavoli.models import Contribution
contribution = Contribution.objects.approved().filter(channel="online").order_by("pk").first()
print(f"/programmi/{contribution.programme.slug}/contributi/{contribution.pk}/")
"""


@pytest.mark.parametrize("width", [1280, 390])
def test_a_citizen_withdraws_a_comment(page, portal_url, width):
    """They comment on a published contribution, change their mind at once and withdraw the
    comment from under it; the profile lists it as withdrawn, the page no longer shows it."""
    page.set_viewport_size({"width": width, "height": 900})
    contribution_url = portal_url + portal_url.manage("shell", "-c", COMMENTED).split()[-1]
    text = f"Un commento che preferisco ritirare, largo {width}."

    log_in_as(page, portal_url, "registered")
    page.goto(contribution_url)
    page.locator("details summary", has_text="Commenta").first.click()
    page.get_by_label("Il tuo commento").first.fill(text)
    page.get_by_role("button", name="Invia il commento").first.click()
    page.wait_for_load_state()
    mine = page.locator("li[id^=commento-]", has_text=text)
    assert "In attesa di moderazione" in mine.inner_text()

    mine.get_by_role("link", name="Ritira il tuo commento").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Ritira il commento"
    assert "non viene pubblicato" in page.locator("main").inner_text()
    checked(page)
    page.get_by_role("button", name="Ritira il commento").click()
    page.wait_for_load_state()

    assert page.url.endswith("/profilo/#commenti")
    assert "Hai ritirato il commento." in page.locator("main").inner_text()
    item = page.locator("li.profile-comment", has_text=text)
    assert "Ritirato" in item.inner_text() and item.get_by_role("link").count() <= 1
    checked(page)
    page.goto(contribution_url)
    assert text not in page.content()
