"""The pages are set in Bootstrap Italia's fonts (Titillium Web for the text, Lora where the
theme uses a serif), loaded from the portal's own static files under its strict
Content-Security-Policy, not in the browser's fallbacks."""

import pytest

pytestmark = pytest.mark.browser

LOADED = """async () => {
  await document.fonts.ready;
  return [...document.fonts].filter(f => f.status === 'loaded')
    .map(f => `${f.family.replaceAll('"', '')} ${f.weight} ${f.style}`);
}"""


@pytest.mark.parametrize("path", ["/", "/programmi/piano-sociale-metropolitano/", "/en/zone/"])
def test_the_pages_are_set_in_the_themes_fonts(page, portal_url, path):
    requests = []
    page.on("requestfinished", lambda r: requests.append(r.url) if "/fonts/" in r.url else None)
    page.goto(portal_url + path)
    loaded = page.evaluate(LOADED)
    assert "Titillium Web 400 normal" in loaded
    assert "Titillium Web 700 normal" in loaded  # the headings
    assert page.evaluate("document.fonts.check('16px \"Titillium Web\"')")
    assert all(url.startswith(portal_url + "/static/fonts/") for url in requests)
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert family.startswith('"Titillium Web"')
