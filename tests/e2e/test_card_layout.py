"""The cards of the public lists sit in their column, as wide on the left as on the right, on a
phone and on a laptop: Bootstrap Italia's side margins of a .card-bg below 992px, on top of
its width of 100%, pushed them 8px to the right of their column (static/css/patto.css)."""

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    "/",  # the consultation and the programmes' cards
    "/programmi/",
    "/programmi/piano-sociale-metropolitano/",  # the plan in force and the proposal
    "/programmi/piano-sociale-metropolitano/contributi/",
    "/incontri/",
]

# each card's gaps to its parent's content box, left and right, in CSS pixels
GAPS = """() => Array.from(document.querySelectorAll('.card.card-bg')).map(card => {
  const parent = card.parentElement, style = getComputedStyle(parent);
  const box = parent.getBoundingClientRect(), own = card.getBoundingClientRect();
  const start = box.left + parseFloat(style.paddingLeft) + parseFloat(style.borderLeftWidth);
  const end = box.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth);
  return {card: card.className, left: own.left - start, right: end - own.right};
})"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_cards_sit_in_the_middle_of_their_column(browser, portal_url, width):
    context = browser.new_context(locale="it-IT", viewport={"width": width, "height": 900})
    page = context.new_page()
    for address in PAGES:
        page.goto(f"{portal_url}{address}")
        cards = page.evaluate(GAPS)
        assert cards, address
        for card in cards:
            assert abs(card["left"] - card["right"]) <= 1, (address, card)
            assert card["right"] >= -0.5, (address, card)  # nothing sticks out of its column
        assert page.evaluate("document.documentElement.scrollWidth") <= width, address
    context.close()
