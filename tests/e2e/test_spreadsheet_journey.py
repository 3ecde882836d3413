"""The plan through an office suite, in a real browser, with the demo content: zone 1 asks for
changes on the Piano's version in validation, so the redazione starts a new draft; it downloads
the draft as ODS, a few cells are changed with odfpy (as LibreOffice would save them), the file
is imported, the preview shows exactly those changes, the import is confirmed, the draft shows
them, and once the draft is sent to the zones anybody sees them in the public comparison of
versions. A file with a mistake comes back with it (sheet, row, column) on the way. Every page of
the import passes axe-core (WCAG 2.1 A and AA) and the Content-Security-Policy, at desktop and
tablet width."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from odf.opendocument import load as load_ods

from tests.e2e.portal import log_in_as
from tests.e2e.test_accessibility import WCAG
from tests.e2e.test_staff_journey import open_draft
from tests.matrice.sheets import edit_ods, ods_cell

pytestmark = pytest.mark.browser

PROGRAMME = "piano-sociale-metropolitano"
DRAFT = f"/redazione/programmi/{PROGRAMME}/bozza/"
VERSIONS = f"/redazione/programmi/{PROGRAMME}/"
# the version in validation goes back to the redazione: zone 1 asks for changes
CHANGES_REQUESTED = """
from patto.models import Decision, PlanVersion, User, VersionStatus
from patto.validation.services import decide_validation
from zone.models import Zone
version = PlanVersion.objects.filter(
    programme__slug="piano-sociale-metropolitano", status=VersionStatus.IN_VALIDATION
).first()
if version is not None:
    decide_validation(
        version=version,
        zone=Zone.objects.get(number=1),
        by=User.objects.get(email="portavoce.zona1@demo.patto.localhost"),
        decision=Decision.CHANGES_REQUESTED,
        reason="Chiediamo di aggiornare le risorse delle azioni per le famiglie.",
    )
"""


LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
});
"""


def checked(page) -> None:
    """The page passes axe-core and the CSP, at 1280 and 800 pixels."""
    for width in (1280, 800):
        page.set_viewport_size({"width": width, "height": 900})
        result = Axe().run(page, options=WCAG)
        violations = [f"{v['id']}: {v['help']}" for v in result.response["violations"]]
        assert not violations, f"{page.url} at {width} px: {violations}"
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate("window.__cspViolations") == [], page.url


def text_of(document, sheet, row, column) -> str:
    return str(ods_cell(document, sheet, row, column))


def test_staff_export_edit_import_and_publish_through_a_spreadsheet(browser, portal_url, tmp_path):
    portal_url.manage("shell", "-c", CHANGES_REQUESTED)
    context = browser.new_context(
        locale="it-IT", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.add_init_script(LISTEN)
    log_in_as(page, portal_url, "staff")
    open_draft(page, portal_url)
    number = int(re.search(r"Bozza della versione (\d+)", page.inner_text("h1")).group(1))

    # the draft as ODS, from the draft's page
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^ODS")).first.click()
    assert download.value.suggested_filename == f"{PROGRAMME}-versione-{number}.ods"
    exported = open(download.value.path(), "rb").read()  # noqa: SIM115 - read at once
    document = load_ods(io.BytesIO(exported))
    policy_title = text_of(document, "Politiche", 2, 2)
    first_action = text_of(document, "Azioni", 2, 1), text_of(document, "Azioni", 2, 3)
    second_action = text_of(document, "Azioni", 3, 1), text_of(document, "Azioni", 3, 3)

    # three cells changed, as a person would in LibreOffice
    new_policy_title = f"{policy_title} (aggiornata)"
    new_action_title = "Centri per le famiglie in ogni zona, anche il sabato"
    changed = edit_ods(
        exported,
        {
            ("Politiche", 2, 2): new_policy_title,
            ("Azioni", 2, 3): new_action_title,
            ("Azioni", 3, 13): "48.000,00",
        },
    )
    path = tmp_path / "piano-modificato.ods"
    path.write_bytes(changed)
    mistaken = tmp_path / "piano-con-errore.ods"
    mistaken.write_bytes(edit_ods(changed, {("Azioni", 3, 5): "S1; S999"}))

    # a file with a mistake: it says where, and nothing changes
    page.goto(portal_url + DRAFT)
    page.get_by_role("link", name="Importa da foglio di calcolo").click()
    page.wait_for_load_state()
    checked(page)
    page.set_input_files("input[type=file]", str(mistaken))
    page.get_by_role("button", name="Carica e guarda l'anteprima").click()
    page.wait_for_load_state()
    problem = page.locator("table tbody tr", has_text="S999")
    assert [cell.strip() for cell in problem.locator("td").all_inner_texts()][:3] == [
        "Azioni",
        "3",
        "F (Strumenti (codici))",
    ]
    checked(page)

    # the import and its preview: exactly those three changes
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Carica e guarda l'anteprima").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Anteprima dell'importazione"
    summary = {
        row.locator("th").inner_text().strip(): [
            cell.inner_text().strip() for cell in row.locator("td").all()
        ]
        for row in page.locator("#import-summary-title + div table tbody tr").all()
    }
    assert summary["Politiche"][:3] == ["0", "1", "0"]
    assert summary["Azioni"][:3] == ["0", "2", "0"]
    assert all(values[0] == values[2] == "0" for values in summary.values())
    items = page.locator(".compare .list-group-item")
    assert items.count() == 3
    policy_item, first_item, second_item = (items.nth(i).inner_text() for i in range(3))
    assert policy_title in policy_item and new_policy_title in policy_item
    assert first_action[1] in first_item and new_action_title in first_item
    assert second_action[0] in second_item and "48.000,00 €" in second_item
    checked(page)

    page.get_by_role("button", name="Conferma e importa").click()
    page.wait_for_load_state()
    assert page.url.endswith(DRAFT)
    assert "Importazione completata" in page.inner_text("main")
    main = page.inner_text("main")
    assert f"{first_action[0]} {new_action_title}" in main and new_policy_title in main

    # to the zones, then the public comparison of the two versions
    page.goto(portal_url + VERSIONS)
    page.get_by_role("link", name=re.compile(r"^Invia alle zone")).click()
    page.wait_for_load_state()
    page.get_by_role("button", name=re.compile(r"^Conferma e invia la versione")).click()
    page.wait_for_load_state()
    assert "inviata alle zone" in page.inner_text("main")
    context.close()

    visitor = browser.new_context(locale="it-IT").new_page()
    visitor.goto(f"{portal_url}/programmi/{PROGRAMME}/confronta/?da={number - 1}&a={number}")
    comparison = visitor.inner_text("main")
    assert new_action_title in comparison
    assert new_policy_title in comparison
    assert "48.000,00 €" in comparison
    inserted = [text.strip() for text in visitor.locator(".compare ins").all_inner_texts()]
    assert "48.000,00 €" in inserted
    visitor.context.close()
