"""Screenshots of the portal with its demo content, for the README: `make screenshots`.

Starts a fresh portal (as the end-to-end tests do), opens each page in headless Chromium at a
desktop and a mobile width, as the person who would see it (a citizen, a zone's spokesperson,
the redazione), and writes PNGs to docs/screenshots/."""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from patto.demo.content import DEMO_ACCOUNTS  # noqa: E402
from tests.e2e.portal import CHROMIUM, CHROMIUM_ARGS, log_in, running_portal  # noqa: E402

PROGRAMME = "/programmi/piano-sociale-metropolitano/"
PLAN = PROGRAMME + "versioni/1"
# who sees the page (None: a citizen without an account), and where
PAGES = {
    "home": (None, "/"),
    "programme": (None, PROGRAMME),
    "matrix": (None, PLAN + "/matrice/?politica=1"),
    "actions": (None, PLAN + "/azioni/?destinatari=D1"),
    "zone": (None, "/zone/1/"),
    "meetings": (None, "/incontri/"),
    "review": ("portavoce.zona1@demo.patto.localhost", "/portavoce/"),
    "staff": ("redazione@demo.patto.localhost", "/redazione/"),
}
WIDTHS = {"desktop": (1280, 900), "mobile": (390, 844)}


def main():
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    passwords = {account.email: account.password for account in DEMO_ACCOUNTS}
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_portal(Path(tmp)) as base_url,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, (width, height) in WIDTHS.items():
            for name, (who, path) in PAGES.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                if who is not None:
                    log_in(page, base_url, who, passwords[who])
                page.goto(base_url + path)
                target = out / f"{name}-{size}.png"
                page.screenshot(path=str(target), full_page=False)
                print(target.relative_to(ROOT))
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
