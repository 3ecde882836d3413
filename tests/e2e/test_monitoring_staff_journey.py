"""A member of the redazione records how an action of the plan in force (the demo's published
Piano, version 1) is going, in Chromium at desktop width: from the staff menu to the
programme's monitoring, one action; its state, progress and money; an update with a PDF
attached (a file renamed .pdf first: refused with the reason, the text kept); an indicator
and a value of it. Each page passes axe-core, the CSP and the Nu HTML Checker."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from pypdf import PdfWriter

from tests.conftest import IN_CI
from tests.e2e import nu_html
from tests.e2e.portal import log_in_as
from tests.e2e.test_accessibility import WCAG

pytestmark = pytest.mark.browser

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
});
"""


def checked(page, saved: list, folder, name: str) -> None:
    result = Axe().run(page, options=WCAG)
    violations = [f"{v['id']}: {v['help']}" for v in result.response["violations"]]
    assert not violations, f"{page.url}: {violations}"
    assert page.evaluate("window.__cspViolations") == [], page.url
    path = folder / f"{name}.html"
    path.write_text(page.content(), encoding="utf-8")
    saved.append(path)


def submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").click()


def test_staff_record_state_an_update_with_a_pdf_and_an_indicator_value(page, portal_url, tmp_path):
    page.add_init_script(LISTEN)
    saved: list = []
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    report = tmp_path / "Relazione_sportelli.pdf"
    report.write_bytes(buffer.getvalue())
    fake = tmp_path / "bilancio.pdf"
    fake.write_text("<html>Non sono un PDF</html>")

    log_in_as(page, portal_url, "staff")
    page.goto(f"{portal_url}/redazione/")
    with page.expect_navigation():
        page.get_by_role("link", name="Attuazione: Piano Sociale Metropolitano").click()
    assert page.locator("h1").inner_text() == "Attuazione del piano in vigore"
    checked(page, saved, tmp_path, "list")

    first = page.locator("table.monitoring-actions tbody th a").first
    action_name = first.inner_text()
    with page.expect_navigation():
        first.click()
    assert action_name in page.locator("h1").inner_text()
    checked(page, saved, tmp_path, "action")

    # state, progress and money
    page.select_option("#id_state", "in_progress")
    page.fill("#id_progress", "35")
    page.fill("#id_committed", "12000")
    page.fill("#id_spent", "4500.50")
    submit(page, "form[action*='/stato/']")
    assert "Stato di attuazione salvato." in page.locator(".alert").first.inner_text()
    assert page.input_value("#id_progress") == "35"

    # an update: a file renamed .pdf is refused, nothing typed is lost
    page.fill("#id_happened_on", "2025-03-10")
    page.fill("#id_title", "Aperti due nuovi sportelli")
    page.fill("#id_text", "Gli sportelli di Ivrea e Pinerolo sono aperti il martedì.")
    page.set_input_files("#id_attachments", str(fake))
    submit(page, "form[action*='/aggiornamento/']")
    assert "«bilancio.pdf» non è un PDF valido" in page.content()
    assert page.input_value("#id_title") == "Aperti due nuovi sportelli"
    checked(page, saved, tmp_path, "update-refused")
    page.set_input_files("#id_attachments", str(report))
    submit(page, "form[action*='/aggiornamento/']")
    assert "Aggiornamento pubblicato." in page.locator(".alert").first.inner_text()
    update = page.locator("article.monitoring-update", has_text="Aperti due nuovi sportelli")
    assert update.get_by_role("link", name="Relazione sportelli").is_visible()

    # an indicator, then a value of it
    page.fill("#id_name", "Sportelli aperti nella prova")
    page.fill("#id_unit", "sportelli")
    page.fill("#id_baseline", "0")
    page.fill("#id_target", "8")
    submit(page, "form[action*='/indicatore/']")
    assert "Indicatore aggiunto." in page.locator(".alert").first.inner_text()
    page.select_option("#id_indicator", label="Sportelli aperti nella prova")
    page.fill("#id_measured_on", "2025-03-10")
    page.fill("#id_value", "2")
    submit(page, "form[action*='/valore/']")
    assert "Valore dell'indicatore registrato." in page.locator(".alert").first.inner_text()
    table = page.locator("table", has_text="Sportelli aperti nella prova")
    assert re.search(r"10 marzo 2025\s+2", table.inner_text())
    checked(page, saved, tmp_path, "action-recorded")

    # the list says where the action stands now
    page.goto(f"{portal_url}/redazione/programmi/piano-sociale-metropolitano/attuazione/")
    row = page.locator("tr", has_text=action_name)
    assert "In corso" in row.inner_text() and "35%" in row.inner_text()

    why = nu_html.missing()
    if why:
        if IN_CI:
            pytest.fail(f"CI=true but {why}", pytrace=False)
        return
    errors = nu_html.check(saved)
    assert not errors, "\n".join(f"{f.name}: {lines}" for f, lines in errors.items())
