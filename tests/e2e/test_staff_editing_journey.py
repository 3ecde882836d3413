"""A member of the redazione edits the draft of the Piano Sociale Metropolitano in Chromium, with
the demo content: a new action gets the next free code of its area; its tools and targets are
chosen in the searchable pickers with the keyboard alone; moving it says where it went and keeps
the focus on it; renumbering shows old → new codes, then changes them in the draft and not in the
published version. Every staff page of the menu fits a phone and a tablet (no sideways scroll of
the page), the menu folds into a button there, and the pages pass axe-core and the CSP."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from patto.core.articles import italian_article_before_number
from tests.e2e.portal import log_in_as
from tests.e2e.test_accessibility import WCAG
from tests.e2e.test_staff_journey import open_draft

pytestmark = pytest.mark.browser

PROGRAMME = "piano-sociale-metropolitano"
DRAFT = f"/redazione/programmi/{PROGRAMME}/bozza/"
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
});
"""
# the picker's list is open and narrowed to the entries that say what was typed, one highlighted
NARROWED = """([field, typed]) => {
  const input = document.getElementById(`id_${field}-ts-control`);
  const list = document.getElementById(`id_${field}-ts-dropdown`);
  const shown = list.closest(".ts-dropdown");
  const options = [...list.querySelectorAll("[role=option]")];
  const says = (o) => o.textContent.toLowerCase().includes(typed.toLowerCase());
  return input.value === typed && getComputedStyle(shown).display !== "none"
    && options.length > 0 && options.every(says)
    && options.some((o) => o.classList.contains("active"));
}"""
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def checked(page) -> None:
    result = Axe().run(page, options=WCAG)
    violations = [f"{v['id']}: {v['help']}" for v in result.response["violations"]]
    assert not violations, f"{page.url}: {violations}"
    assert page.evaluate("window.__cspViolations") == [], page.url


def heading(html: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL)
    return found[1].strip() if found else ""


def area_codes(page, area_code) -> list[str]:
    """The codes of the actions of area ``area_code`` as the draft's page lists them."""
    area = page.locator("div[id^=actionarea-]", has=page.locator("h3", has_text=f"{area_code} "))
    names = area.first.locator("li.list-group-item a.fw-semibold").all_inner_texts()
    return [name.split(" ", 1)[0] for name in names]


def pick_with_keyboard(page, label, typed) -> str:
    """Choose in the picker ``label`` the first entry matching ``typed``, with the keyboard
    alone; return the chosen entry's text as the plain list has it."""
    field = {"Strumenti": "tools", "Destinatari": "targets"}[label]
    box = page.get_by_role("combobox", name=label)
    control = f"id_{field}-ts-control"
    box.focus()
    assert page.evaluate("document.activeElement.id") == control
    # what was typed narrows the list to the entries that say it, the first highlighted
    # (aria-activedescendant), and Enter chooses it. On a loaded machine the typing was
    # sometimes lost, or the list stayed closed (about one full run in ten, seen in CI): a
    # person who sees that types again, or opens the list with the down arrow, as here
    for _attempt in range(3):
        value = page.input_value(f"#{control}")
        if value == typed:
            page.keyboard.press("ArrowDown")
        else:
            if page.evaluate("document.activeElement.id") != control:
                box.focus()
            for _ in value:
                page.keyboard.press("Backspace")
            page.keyboard.type(typed, delay=30)
        try:
            page.wait_for_function(NARROWED, arg=[field, typed], timeout=5000)
            break
        except PlaywrightTimeoutError:
            continue
    else:
        pytest.fail(f"«{typed}» did not narrow the list of {label} in three tries")
    page.keyboard.press("Enter")
    page.locator(f"#id_{field}-ts-control").locator(
        "xpath=preceding-sibling::div[contains(@class, 'item')]"
    ).first.wait_for()
    page.keyboard.press("Escape")
    chosen = page.eval_on_selector(
        f"select[name={field}]", "s => [...s.selectedOptions].map(o => o.textContent.trim())"
    )
    assert len(chosen) == 1 and typed.lower() in chosen[0].lower(), chosen
    return chosen[0]


def test_staff_add_move_and_renumber_with_pickers_and_feedback(page, portal_url):
    page.add_init_script(LISTEN)
    log_in_as(page, portal_url, "staff")
    open_draft(page, portal_url)
    before = [c for c in area_codes(page, "1.1") if re.fullmatch(r"1\.1\.\d+", c)]
    expected = f"1.1.{max(int(c.rsplit('.', 1)[1]) for c in before) + 1}"

    # a new action in area 1.1: the next free code is proposed
    page.get_by_role("link", name="Nuova azione nell'ambito 1.1").click()
    page.wait_for_load_state()
    assert page.input_value("input[name=code]") == expected
    assert page.get_by_text(f"Ti proponiamo {expected}").count() == 1
    # choosing another area proposes that area's next code, and back
    other = page.eval_on_selector(
        "select[name=area]", "s => [...s.options].find((o) => o.text.startsWith('1.2 ')).value"
    )
    page.select_option("select[name=area]", other)
    assert re.fullmatch(r"1\.2\.\d+", page.input_value("input[name=code]"))
    page.select_option(
        "select[name=area]",
        label=page.eval_on_selector(
            "select[name=area]", "s => [...s.options].find((o) => o.text.startsWith('1.1 ')).text"
        ),
    )
    assert page.input_value("input[name=code]") == expected
    assert page.get_by_text(f"Ti proponiamo {expected}").count() == 1
    title = "Sportello di quartiere per le famiglie"
    page.fill("input[name=title]", title)
    tool = pick_with_keyboard(page, "Strumenti", "sportell")
    target = pick_with_keyboard(page, "Destinatari", "famigli")
    # without the picker, the hint about Ctrl-click is hidden
    assert not page.locator("#id_tools_pickerhint").is_visible()
    checked(page)
    page.get_by_role("button", name="Aggiungi").click()
    page.wait_for_load_state()
    row = page.locator("li.list-group-item", has_text=f"{expected} {title}")
    assert row.count() == 1
    assert tool.split(" – ", 1)[1] in row.inner_text()
    assert target.split(" – ", 1)[1] in row.inner_text()

    # move it up with the keyboard: a message says where it is, the focus stays on it
    row_id = row.get_attribute("id")
    up = row.get_by_role("button", name=re.compile(r"^Sposta su"))
    up.focus()
    page.keyboard.press("Enter")
    status = page.locator("#move-status")
    status.get_by_text("Spostamento in su").wait_for()
    count = len(area_codes(page, "1.1"))
    at = italian_article_before_number(count - 1, "al", ordinal=True)  # «al 7°», «all'8°»
    assert f"«{expected} {title}» ora è {at}{count - 1}° posto su {count}" in status.inner_text()
    assert page.evaluate(
        "(id) => document.activeElement.closest('li') === document.getElementById(id)", row_id
    )
    assert page.evaluate("document.activeElement.form.direction.value") == "up"
    codes_now = area_codes(page, "1.1")
    assert codes_now[-2] == expected  # moved above the last one, code unchanged
    previous_last = codes_now[-1]

    # the published version 1 before renumbering
    public = f"{portal_url}/programmi/{PROGRAMME}/versioni/1/azioni/{previous_last}/"
    published_title = heading(page.request.get(public).text())
    assert published_title and title not in published_title

    # renumber on request: preview (nothing written), then confirm
    page.get_by_role("link", name="Rinumera i codici").click()
    page.wait_for_load_state()
    preview = page.locator("table")
    new_row = preview.locator("tr", has_text=title)
    assert new_row.locator("del").inner_text() == expected
    assert new_row.locator("ins").inner_text() == previous_last
    checked(page)
    page.goto(portal_url + DRAFT)
    assert area_codes(page, "1.1")[-2] == expected  # the preview changed nothing
    page.get_by_role("link", name="Rinumera i codici").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Conferma e rinumera").click()
    page.wait_for_load_state()
    assert page.locator(".alert", has_text="Codici rinumerati").count() == 1
    codes_after = area_codes(page, "1.1")
    assert codes_after == [f"1.1.{n}" for n in range(1, len(codes_after) + 1)]
    assert page.locator("li.list-group-item", has_text=f"{previous_last} {title}").count() == 1
    # the published version is as it was
    assert heading(page.request.get(public).text()) == published_title
    assert page.evaluate("window.__cspViolations") == []


def chosen(page, field) -> list[str]:
    return page.eval_on_selector(
        f"select[name={field}]", "s => [...s.selectedOptions].map(o => o.textContent.trim())"
    )


def test_enter_picks_only_an_entry_that_says_what_was_typed_however_fast(page, portal_url):
    """Typed quickly and Enter at once, before the list has narrowed: the entry chosen is one
    that says what was typed, not the first of the whole list; typed with no entry matching,
    Enter chooses nothing (and does not send the form)."""
    log_in_as(page, portal_url, "staff")
    open_draft(page, portal_url)
    page.get_by_role("link", name="Nuova azione nell'ambito 1.1").click()
    page.wait_for_load_state()
    names = page.eval_on_selector(
        "select[name=tools]", "s => [...s.options].map(o => o.textContent.trim())"
    )
    # a word of the last tool that the first one does not say
    typed = next(
        word[:6].lower()
        for word in names[-1].split(" – ", 1)[1].split()
        if len(word) >= 6 and word[:6].lower() not in names[0].lower()
    )
    box = page.get_by_role("combobox", name="Strumenti")
    box.focus()
    page.keyboard.type(typed)  # no pause between the keys
    page.keyboard.press("Enter")
    page.locator("#id_tools-ts-control").locator(
        "xpath=preceding-sibling::div[contains(@class, 'item')]"
    ).first.wait_for()
    (picked,) = chosen(page, "tools")
    assert typed in picked.lower() and picked != names[0]

    # nothing matches: Enter chooses nothing, the list says so, the page stays
    address = page.url
    for _ in typed:
        page.keyboard.press("Backspace")
    page.keyboard.type("zqzqzq")
    page.keyboard.press("Enter")
    page.get_by_text("Nessuna voce corrisponde a quello che hai scritto.").wait_for()
    assert chosen(page, "tools") == [picked]
    assert page.url == address


STAFF_MENU = "#staff-menu a[href^='/redazione/']"


@pytest.mark.parametrize("width", [390, 768])
def test_every_staff_list_fits_a_phone_and_a_tablet(browser, portal_url, width):
    context = browser.new_context(locale="it-IT", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.add_init_script(LISTEN)
    log_in_as(page, portal_url, "staff")
    page.goto(portal_url + "/redazione/")
    # the menu is folded into its button; the button opens it
    toggle = page.get_by_role("button", name="Menu della redazione")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#staff-menu").is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#staff-menu").is_visible()
    paths = page.eval_on_selector_all(STAFF_MENU, "links => links.map(a => a.pathname)")
    assert len(paths) >= 7, paths
    for path in ["/redazione/", *paths]:
        page.goto(portal_url + path)
        assert page.evaluate(OVERFLOW) <= 0, f"{path} scrolls sideways at {width} px"
        if path == "/redazione/":
            continue  # the dashboard's tables are laid out by its own page
        # a table wider than the screen scrolls in its own labelled region
        for region in page.locator(".table-responsive").all():
            if region.evaluate("r => r.scrollWidth > r.clientWidth"):
                assert region.get_attribute("role") == "region", path
                assert region.get_attribute("tabindex") == "0", path
    checked(page)
    context.close()
