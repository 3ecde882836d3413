"""A person who wants the plan in force as a spreadsheet, in a real browser at a desktop and a
phone width: from the footer's «Dati aperti» to the CSV for Excel of the published version's
actions, read back as Excel with Italian settings reads it (a byte order mark, ``;`` between
the columns), and the page's explanation of each of its columns."""

import csv
import io
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PROGRAMME = "Piano Sociale Metropolitano"


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_from_the_footer_to_the_plans_actions_in_excel_and_their_columns(
    browser, portal_url, width, height
):
    context = browser.new_context(
        locale="it-IT", viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = context.new_page()
    page.goto(portal_url + "/")
    with page.expect_navigation():
        page.locator("footer").get_by_role("link", name="Dati aperti").click()
    assert page.url == portal_url + "/dati-aperti/"
    licence = page.locator("a[rel=license]")
    assert "CC BY 4.0" in licence.inner_text()

    # the version in force: the row of the programme's table whose state is «Pubblicata»
    table = page.locator("table", has=page.locator("caption", has_text=PROGRAMME))
    row = table.locator("tbody tr", has=page.locator(".badge", has_text="Pubblicata"))
    assert row.count() == 1
    link = row.get_by_role("link", name="CSV per Excel")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith("-azioni-excel.csv")
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert body and all(len(r) == len(header) for r in body)
    assert any("à" in cell or "è" in cell for r in body for cell in r)

    # what each column holds, on the page, by the names of the file's first row
    columns = page.locator("#colonne-azioni")
    assert not columns.locator("table").is_visible()
    columns.locator("summary").click()
    assert columns.locator("table").is_visible()
    documented = [
        text.replace("\u200b", "")
        for text in columns.locator("tbody th[scope=row] code").all_inner_texts()
    ]
    assert documented == header
    budget = columns.locator("tbody tr", has=page.locator("code", has_text="budget_eur"))
    assert "in euro" in budget.inner_text()
    # nothing wider than the screen, with every explanation open
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
