"""The redazione withdraws a version from the validation in a real browser, on the demo content:
it sees why «Invia alle zone» is not offered while version 2 is in validation, withdraws that
version (first without a reason: refused, nothing changed), the dashboard says it was
withdrawn and why, the zones' spokespersons get an e-mail and see it in their area, the
preview of the new draft's PDF downloads marked as a draft, and the draft is sent through its
confirmation, after writing its empty version note from there.

The journey changes the demo's version in validation, which other browser tests read: it runs
on a portal of its own."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.portal import log_in as portal_log_in
from tests.e2e.portal import running_portal
from tests.e2e.test_accessibility import WCAG
from tests.pdf.poppler import page_texts, run

pytestmark = pytest.mark.browser

PROGRAMME = "piano-sociale-metropolitano"
VERSIONS = f"/redazione/programmi/{PROGRAMME}/"
STAFF = ("redazione@demo.patto.localhost", "patto-redazione-2018")
ZONE_1 = ("portavoce.zona1@demo.patto.localhost", "patto-zona1-2018")
NOTE = "Riscritto il capitolo sulla casa, come chiesto dalle zone."
REASON = "Il capitolo sulla casa va riscritto dopo l'incontro con le ATC: arriva con la versione 3."
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
});
"""


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    with running_portal(tmp_path_factory.mktemp("withdrawal-portal")) as url:
        yield url


def log_in(browser, portal, account, width=1280):
    context = browser.new_context(
        locale="it-IT", viewport={"width": width, "height": 900}, accept_downloads=True
    )
    context.add_init_script(LISTEN)
    page = context.new_page()
    portal_log_in(page, portal, *account)
    return page


def checked(page) -> None:
    """The page passes axe-core and the CSP, at 1280 and 390 pixels."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        result = Axe().run(page, options=WCAG)
        violations = [f"{v['id']}: {v['help']}" for v in result.response["violations"]]
        assert not violations, f"{page.url} at {width} px: {violations}"
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate("window.__cspViolations") == [], page.url


def test_staff_withdraw_a_version_and_send_the_new_draft(browser, portal, tmp_path):
    staff = log_in(browser, portal, STAFF)
    staff.goto(portal + VERSIONS)
    with staff.expect_navigation():
        staff.get_by_role("button", name="Nuova versione").click()
    main = staff.locator("main")
    assert "Creata la versione 3" in main.inner_text()

    # «Invia alle zone» is there, disabled, with the reason beside it
    send = staff.get_by_role("button", name=re.compile(r"^Invia alle zone"))
    assert send.count() == 1 and send.is_disabled()
    reason = staff.locator(f"#{send.get_attribute('aria-describedby')}")
    assert "La versione 2 è ancora in validazione" in reason.inner_text()
    checked(staff)

    # withdrawing without a reason is refused, and nothing changes
    staff.locator("summary", has_text="Ritira dalla validazione").click()
    with staff.expect_navigation():
        staff.get_by_role("button", name="Ritira la versione 2").click()
    assert staff.url.endswith("#ritiro-2")
    assert "Scrivi il motivo del ritiro" in main.inner_text()
    assert staff.get_by_role("button", name=re.compile(r"^Invia alle zone")).is_disabled()
    assert "Proposta in validazione" in main.inner_text()
    checked(staff)

    staff.get_by_label("Motivo del ritiro").fill(REASON)
    with staff.expect_navigation():
        staff.get_by_role("button", name="Ritira la versione 2").click()
    assert "Versione 2 ritirata dalla validazione" in main.inner_text()
    assert REASON in main.inner_text()

    # the dashboard says what happened
    staff.goto(portal + "/redazione/")
    piano = staff.locator(
        "section", has=staff.get_by_role("heading", name="Piano Sociale Metropolitano")
    )
    summaries = piano.locator(".version-summaries").inner_text()
    withdrawn = r"Versione 2 ritirata (?:il |l')\d{1,2} \w+ \d{4}\. Motivo: Il capitolo"  # «l'8»
    assert re.search(withdrawn, summaries)
    assert "Versione 3 in bozza" in summaries
    checked(staff)

    # every zone's spokesperson was told, with the reason
    withdrawn = portal.wait_for_mails(ZONE_1[0], "ritirato la versione 2")
    assert len(withdrawn) == 1
    text = withdrawn[0].get_payload()[0].get_payload(decode=True).decode()
    assert "Il capitolo sulla casa" in text
    spokesperson = log_in(browser, portal, ZONE_1)
    spokesperson.goto(portal + "/portavoce/")
    area = spokesperson.locator("main").inner_text()
    assert "Versioni ritirate dalla redazione" in area and REASON in area
    checked(spokesperson)
    spokesperson.context.close()

    # the preview of the new draft's PDF, marked as a draft
    staff.goto(portal + VERSIONS)
    with staff.expect_download() as download:
        staff.get_by_role("link", name=re.compile(r"^Anteprima del PDF")).click()
    assert download.value.suggested_filename == f"{PROGRAMME}-versione-3-BOZZA-non-valida.pdf"
    path = tmp_path / "anteprima.pdf"
    download.value.save_as(path)
    content = path.read_bytes()
    assert "Title:           BOZZA — non valida" in run("pdfinfo", data=content)
    pages = page_texts(content)
    assert len(pages) > 10 and all("BOZZA — non valida" in text for text in pages)

    # and the draft can now be sent, through a confirmation that says what will happen and
    # warns that the note is empty: written from there, the confirmation comes back
    with staff.expect_navigation():
        staff.get_by_role("link", name=re.compile(r"^Invia alle zone")).click()
    assert "Cosa succede quando confermi" in main.inner_text()
    assert re.search(r"\d+ portavoce ricevono un'email", main.inner_text())
    assert "Le zone non vedranno un riassunto delle modifiche" in main.inner_text()
    checked(staff)
    with staff.expect_navigation():
        staff.get_by_role("link", name="Scrivi la nota").click()
    staff.get_by_label("Nota di versione (cosa cambierà)").fill(NOTE)
    with staff.expect_navigation():
        staff.get_by_role("button", name="Salva la nota").click()
    assert "Nota della versione 3 salvata" in main.inner_text()
    assert NOTE in main.inner_text() and "non vedranno un riassunto" not in main.inner_text()
    with staff.expect_navigation():
        staff.get_by_role("button", name="Conferma e invia la versione 3 alle zone").click()
    assert "Versione 3 inviata alle zone" in main.inner_text()
    staff.context.close()
