"""static/img/favicon.ico from static/img/favicon.svg: `python scripts/favicon.py` after changing
the SVG.

Pages name the SVG; /favicon.ico is for what asks for that address without reading a page
(bookmarks, feed readers, crawlers), and most of them read only the ICO format. Chromium draws
the SVG at 256 px with the theme's Titillium Web (inlined, as a file:// page may not load it),
and Pillow writes the 16, 32 and 48 px images of the ICO from it."""

import base64
import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.portal import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

FONT = "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-700.woff2"
SIZE = 256


def font_path() -> Path:
    import bootstrap_italia_template

    return Path(bootstrap_italia_template.__file__).parent / "static" / FONT


def main():
    svg = (ROOT / "static" / "img" / "favicon.svg").read_text()
    svg = svg.replace("<svg ", f'<svg width="{SIZE}" height="{SIZE}" ', 1)
    font = base64.b64encode(font_path().read_bytes()).decode()
    html = (
        "<!doctype html><style>"
        '@font-face{font-family:"Titillium Web";font-weight:700;'
        f'src:url(data:font/woff2;base64,{font}) format("woff2")}}'
        "html,body{margin:0;background:transparent}svg{display:block}"
        f"</style>{svg}"
    )
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_file = Path(tmp) / "favicon.html"
        page_file.write_text(html)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": SIZE, "height": SIZE})
        page.goto(page_file.as_uri())
        page.evaluate("document.fonts.ready")
        png = page.screenshot(omit_background=True)
        browser.close()
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    target = ROOT / "static" / "img" / "favicon.ico"
    image.save(target, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    print(target)


if __name__ == "__main__":
    main()
