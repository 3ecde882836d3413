"""A member of the redazione, in a real browser: logs in, opens (or starts) the draft of the
Piano Sociale Metropolitano, adds an action with two tools and one target, finds it in both
cells of the draft's matrix, and moves it within its area without a page reload (htmx)."""

import re
import uuid

import pytest

from tests.conftest import IN_CI
from tests.e2e.portal import log_in_as

pytestmark = pytest.mark.browser

PROGRAMME = "piano-sociale-metropolitano"
VERSIONS = f"/redazione/programmi/{PROGRAMME}/"
DRAFT = f"/redazione/programmi/{PROGRAMME}/bozza/"

CELL_HAS_ACTION = """([tool, target, code]) => {
  const table = document.querySelector("table.matrix");
  const columns = [...table.querySelectorAll("thead th")].map((th) => th.innerText.trim());
  const column = columns.indexOf(target);
  if (column < 1) return false;
  for (const row of table.querySelectorAll("tbody tr")) {
    if (row.querySelector("th").innerText.trim() !== tool) continue;
    const links = row.children[column].querySelectorAll("a");
    return [...links].some((a) => a.innerText.trim() === code);
  }
  return false;
}"""


def open_draft(page, portal_url):
    """The draft's page; when the programme has no draft (the demo has none), start one with
    the "Nuova versione" button of the versions page. Another test may have started it already:
    then it is simply used."""
    page.goto(portal_url + DRAFT)
    if page.locator("h1", has_text="Bozza della versione").count():
        return
    page.goto(portal_url + VERSIONS)
    button = page.get_by_role("button", name="Nuova versione")
    if button.count() == 0:
        message = f'no "Nuova versione" button at {VERSIONS}: the draft cannot be started'
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    page.fill("textarea[name=change_note]", "Prova del percorso della redazione")
    button.click()
    page.wait_for_load_state()
    page.goto(portal_url + DRAFT)
    assert page.locator("h1", has_text="Bozza della versione").count()


def choose(page, field, index) -> str:
    """Choose the ``index``-th entry of the picker ``field`` with the mouse, as a person would,
    and return the catalogue entry's name (the option is "CODE – name")."""
    label = {"tools": "Strumenti", "targets": "Destinatari"}[field]
    page.get_by_role("combobox", name=label).click()
    option = page.locator(f"#id_{field}-ts-dropdown [role=option]").nth(index)
    name = option.inner_text().strip()
    option.click()
    page.keyboard.press("Escape")
    chosen = page.eval_on_selector(
        f"select[name={field}]", "s => [...s.selectedOptions].map(o => o.textContent.trim())"
    )
    assert name in chosen
    return name.split(" – ", 1)[1]


def test_staff_adds_an_action_and_finds_it_in_the_drafts_matrix(page, portal_url):
    log_in_as(page, portal_url, "staff")
    open_draft(page, portal_url)

    # the first action area's "Nuova azione"
    page.get_by_role("link", name=re.compile(r"^Nuova azione")).first.click()
    page.wait_for_load_state()
    code = f"9.9.{uuid.uuid4().hex[:4]}"
    title = "Sportello di prova per le famiglie"
    page.fill("input[name=title]", title)
    page.fill("input[name=code]", code)
    assert page.locator("select[name=area]").input_value()  # preselected from the link
    first_tool = choose(page, "tools", 0)
    second_tool = choose(page, "tools", 1)
    target = choose(page, "targets", 0)
    page.fill("input[name=budget]", "12500,50")
    page.get_by_role("button", name="Aggiungi").click()
    page.wait_for_load_state()

    assert page.locator(".alert", has_text="aggiunta alla bozza").count()
    item = page.locator("li.list-group-item", has_text=f"{code} {title}")
    assert item.count() == 1
    assert first_tool in item.inner_text() and target in item.inner_text()

    # the draft's matrix: the action is in both cells (each tool × the target)
    page.get_by_role("link", name="Matrice", exact=True).click()
    page.wait_for_load_state()
    assert "Matrice della bozza" in page.locator("h1").inner_text()
    assert page.evaluate(CELL_HAS_ACTION, [first_tool, target, code])
    assert page.evaluate(CELL_HAS_ACTION, [second_tool, target, code])

    # back to the tree: move the new action up, without a reload (htmx)
    page.get_by_role("link", name="Politiche, ambiti e azioni").click()
    page.wait_for_load_state()
    page.evaluate("window.__stillTheSamePage = true")
    row = page.locator("li.list-group-item", has_text=f"{code} {title}")
    previous = row.locator("xpath=preceding-sibling::li[1]")
    assert previous.count() == 1, "the new action is not the only one of its area"
    before = previous.locator("a.fw-semibold").inner_text()
    row.get_by_role("button", name=re.compile(r"^Sposta su")).click()
    following = page.locator("li.list-group-item", has_text=f"{code} {title}").locator(
        "xpath=following-sibling::li[1]"
    )
    following.locator("a.fw-semibold", has_text=before).wait_for()
    assert page.evaluate("window.__stillTheSamePage === true")
