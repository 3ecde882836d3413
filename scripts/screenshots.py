"""Screenshots of the portal with its demo content, for the README: `make screenshots`.

Starts a fresh portal (as the end-to-end tests do), opens each page in headless Chromium at a
desktop and a mobile width, and writes PNGs to docs/screenshots/."""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.portal import CHROMIUM, CHROMIUM_ARGS, running_portal  # noqa: E402

PLAN = "/programmi/piano-sociale-metropolitano/versioni/1"
PAGES = {
    "home": "/",
    "matrix": PLAN + "/matrice/?politica=1",
    "actions": PLAN + "/azioni/?destinatari=D1",
}
WIDTHS = {"desktop": (1280, 900), "mobile": (390, 844)}


def main():
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_portal(Path(tmp)) as base_url,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, (width, height) in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for name, path in PAGES.items():
                page.goto(base_url + path)
                target = out / f"{name}-{size}.png"
                page.screenshot(path=str(target), full_page=False)
                print(target.relative_to(ROOT))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
