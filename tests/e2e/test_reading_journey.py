"""Reading the plan in a real browser, with the demo content: on a phone the matrix opens one
target at a time; on a laptop its row of targets and its column of tools stay in view while it
scrolls, within a box no taller than the window; a search for «famiglia» finds the actions for
families."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.test_accessibility import WCAG, describe

pytestmark = pytest.mark.browser

PIANO = "/programmi/piano-sociale-metropolitano/versioni/1"


def test_on_a_phone_the_matrix_reads_one_target_at_a_time(browser, portal_url):
    context = browser.new_context(locale="it-IT", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{portal_url}{PIANO}/matrice/")
    assert not page.locator("table.matrix").is_visible()  # a dozen columns do not fit
    target = page.locator("details.matrix-target", has_text="Famiglie con minori")
    # under each of its tools (1.1.1 is under two)
    tool = target.get_by_role("heading", name="Sportelli di accesso e di orientamento")
    family_action = target.get_by_role("link", name="1.1.1 Centri per le famiglie").first
    assert not family_action.is_visible() and not tool.is_visible()
    target.locator("summary").click()
    assert family_action.is_visible() and tool.is_visible()
    # what it opens on fits the screen: nothing to scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    result = Axe().run(page, options=WCAG)
    assert not result.violations_count, describe(result.response["violations"])
    family_action.click()
    page.wait_for_load_state()
    assert "Centri per le famiglie in ogni zona omogenea" in page.locator("h1").inner_text()
    context.close()


def test_on_a_laptop_the_matrix_headers_stay_in_view(page, portal_url):
    page.goto(f"{portal_url}{PIANO}/matrice/")
    box = page.locator(".matrix-wrapper")
    box.scroll_into_view_if_needed()
    frame = box.bounding_box()
    # the whole box, and so its horizontal scrollbar, fits in the window
    assert frame["height"] <= page.viewport_size["height"]
    header = page.locator("table.matrix thead th").nth(2)  # the second target
    row_head = page.locator("table.matrix tbody th").nth(4)  # the fifth tool
    corner = page.locator("table.matrix .matrix-corner")
    before_header, before_row = header.bounding_box(), row_head.bounding_box()
    box.evaluate("box => box.scrollTo(600, 500)")
    page.wait_for_function(
        "() => document.querySelector('.matrix-wrapper').scrollLeft > 0"
        " && document.querySelector('.matrix-wrapper').scrollTop > 0"
    )
    after_header, after_row = header.bounding_box(), row_head.bounding_box()
    # the row of targets stays at the top of the box, and moves left with the columns
    assert abs(after_header["y"] - frame["y"]) <= 2
    assert after_header["x"] < before_header["x"] - 100
    # the column of tools stays at the left of the box, and moves up with the rows
    assert abs(after_row["x"] - frame["x"]) <= 2
    assert after_row["y"] < before_row["y"] - 100
    # the corner stays where it was, over both
    corner_box = corner.bounding_box()
    assert abs(corner_box["x"] - frame["x"]) <= 2 and abs(corner_box["y"] - frame["y"]) <= 2
    assert page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('th.matrix-corner') !== null",
        [corner_box["x"] + 10, corner_box["y"] + 10],
    )


def test_searching_famiglia_lists_the_family_actions(page, portal_url):
    page.goto(f"{portal_url}{PIANO}/azioni/")
    page.get_by_label("Cerca nel testo").fill("famiglia")
    with page.expect_navigation():
        page.get_by_role("button", name="Applica i filtri").click()
    titles = page.locator("main article h2").all_inner_texts()
    # the demo says «famiglie» and «Famiglie con minori», never «famiglia»
    assert "1.1.1 Centri per le famiglie in ogni zona omogenea" in titles
    assert "1.1.3 Sostegno educativo domiciliare alla genitorialità" in titles
    assert "5.1.2 Sportelli di prossimità per amministratori di sostegno" not in titles
    assert f"{len(titles)} azioni trovate" in page.locator("main [role=status]").inner_text()
    # without its accent, a word finds the text that has it
    page.goto(f"{portal_url}{PIANO}/azioni/?q=disabilita")
    titles = page.locator("main article h2").all_inner_texts()
    assert "3.3.2 Progetti di vita indipendente per persone con disabilità" in titles
    assert "1.1.1 Centri per le famiglie in ogni zona omogenea" not in titles
