"""The second factor in a real browser, on a portal of its own that requires it of the
privileged roles (``MFA_REQUIRED_FOR_PRIVILEGED=true``, as in production).

- The redazione logs in and is sent to set up the authenticator app, with the reason; confirms
  the password, reads the key from the page (as an app would from the QR code), enters a wrong
  code (refused, in Italian) and then the right one, sees the recovery codes and reaches the
  staff area. Logged out and in again, the login asks for the code: a wrong one is refused, the
  right one lets them in.
- Zone 1's spokesperson sets up a security key instead (Chromium's virtual authenticator, on
  http://localhost: browsers refuse security keys on an IP address), and logs in with it.

Every page on the way passes axe-core (WCAG 2.1 A and AA) at 1280 and 390 pixels, raises no
Content-Security-Policy violation and is valid HTML (the Nu HTML Checker, where Java and
vnu.jar are installed). With MFA_SCREENSHOTS set to a folder, each page is saved there as
mfa-<page>-<width>.png, to look at."""

import base64
import hashlib
import hmac
import os
import struct
import time

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import IN_CI
from tests.e2e import nu_html
from tests.e2e.portal import running_portal
from tests.e2e.test_accessibility import WCAG

pytestmark = pytest.mark.browser

STAFF = ("redazione@demo.patto.localhost", "patto-redazione-2018")
ZONE_1 = ("portavoce.zona1@demo.patto.localhost", "patto-zona1-2018")
SCREENSHOTS = os.environ.get("MFA_SCREENSHOTS")
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
});
"""


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    extra = {"MFA_REQUIRED_FOR_PRIVILEGED": "true"}
    with running_portal(tmp_path_factory.mktemp("mfa-portal"), extra_env=extra) as url:
        yield url


def new_page(browser):
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    return context.new_page()


class Pages(list):
    """The pages a journey saw, saved as HTML files for the Nu HTML Checker."""

    def __init__(self, folder):
        super().__init__()
        self.folder = folder

    def keep(self, page, name: str) -> None:
        path = self.folder / f"{name}.html"
        path.write_text(page.content(), encoding="utf-8")
        self.append(path)

    def assert_valid(self) -> None:
        why = nu_html.missing()
        if why:
            if IN_CI:
                pytest.fail(f"CI=true but {why}", pytrace=False)
            return
        errors = nu_html.check(list(self))
        assert not errors, "\n".join(f"{f.name}: {lines}" for f, lines in errors.items())


@pytest.fixture
def pages(tmp_path):
    seen = Pages(tmp_path)
    yield seen
    seen.assert_valid()


def checked(page, name: str, pages: Pages) -> None:
    """The page passes axe-core and the CSP at 1280 and 390 pixels (and is saved to look at, and
    for the HTML checker)."""
    pages.keep(page, name)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/mfa-{name}-{width}.png", full_page=True)
        result = Axe().run(page, options=WCAG)
        violations = [f"{v['id']}: {v['help']}" for v in result.response["violations"]]
        assert not violations, f"{page.url} at {width} px: {violations}"
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate("window.__cspViolations") == [], page.url


def totp_code(secret: str, *, shift: int = 0) -> str:
    """What an authenticator app shows for ``secret`` now (``shift`` periods of 30 s away)."""
    counter = int(time.time() // 30) + shift
    key = base64.b32decode(secret.replace(" ", ""))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def log_in_with_password(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/account/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    submit(page, "form:has(input[name=login]) [type=submit]")


def log_out(page, base: str) -> None:
    page.goto(base + "/account/logout/")
    submit(page, "main form[action='/account/logout/'] [type=submit]")


def test_the_redazione_sets_up_the_app_and_logs_in_with_its_code(browser, portal, pages):
    page = new_page(browser)
    email, password = STAFF
    log_in_with_password(page, portal, email, password)

    # sent to set it up: allauth first asks to confirm the password
    assert "/account/reauthenticate/" in page.url
    notice = page.locator("#second-factor-required")
    assert "Per usare l'area della redazione devi attivare" in notice.inner_text()
    checked(page, "reauthenticate", pages)
    page.fill("input[name=password]", password)
    submit(page, "main form:has(input[name=code], input[name=password]) [type=submit]")

    assert page.url.endswith("/account/2fa/totp/activate/")
    assert page.locator("#second-factor-required").is_visible()
    assert page.locator("img[src^='data:image/svg+xml']").is_visible()  # the QR code
    checked(page, "activate", pages)
    page.goto(portal + "/redazione/")  # the staff area sends back here
    assert page.url.endswith("/account/2fa/totp/activate/")
    secret = page.input_value("#totp-secret")

    page.fill("input[name=code]", totp_code(secret, shift=10))
    submit(page, "main form:has(input[name=code], input[name=password]) [type=submit]")
    assert "Il codice non è giusto." in page.locator("main").inner_text()
    checked(page, "activate-wrong-code", pages)

    secret = page.input_value("#totp-secret")  # the same key, kept while the page is redone
    page.fill("input[name=code]", totp_code(secret))
    submit(page, "main form:has(input[name=code], input[name=password]) [type=submit]")
    assert page.url.endswith("/account/2fa/recovery-codes/")
    assert "l'app di autenticazione è attiva" in page.locator("main").inner_text()
    assert page.locator(".recovery-codes li").count() == 10
    checked(page, "recovery-codes", pages)

    page.goto(portal + "/account/2fa/")
    checked(page, "index", pages)
    for name, path in [
        ("deactivate", "totp/deactivate/"),
        ("generate", "recovery-codes/generate/"),
    ]:
        page.goto(f"{portal}/account/2fa/{path}")
        checked(page, name, pages)
    page.goto(portal + "/profilo/")
    assert page.get_by_text("attiva", exact=True).is_visible()
    page.goto(portal + "/redazione/")
    assert page.url.endswith("/redazione/")

    log_out(page, portal)
    log_in_with_password(page, portal, email, password)
    assert page.url.endswith("/account/2fa/authenticate/")
    checked(page, "authenticate", pages)
    page.fill("input[name=code]", totp_code(secret, shift=-10))
    submit(page, "main form:has(input[name=code], input[name=password]) [type=submit]")
    assert "Il codice non è giusto." in page.locator("main").inner_text()
    page.fill("input[name=code]", totp_code(secret))
    submit(page, "main form:has(input[name=code], input[name=password]) [type=submit]")
    assert "/account/" not in page.url
    page.goto(portal + "/redazione/")
    assert page.url.endswith("/redazione/")
    assert page.evaluate("window.__cspViolations") == []
    page.context.close()


def test_a_spokesperson_sets_up_a_security_key_and_logs_in_with_it(browser, portal, pages):
    base = portal.replace("127.0.0.1", "localhost")
    page = new_page(browser)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    email, password = ZONE_1
    log_in_with_password(page, base, email, password)
    assert "Per usare l'area dei portavoce devi attivare" in page.locator("main").inner_text()
    page.fill("input[name=password]", password)
    submit(page, "main form:has(input[name=code], input[name=password]) [type=submit]")

    page.get_by_role("link", name="Aggiungi una chiave").click()
    page.wait_for_url("**/account/2fa/webauthn/add/")
    assert page.input_value("input[name=name]") == "Chiave principale"
    checked(page, "add-key", pages)
    page.fill("input[name=name]", "Chiavetta della zona 1")
    submit(page, "#mfa-webauthn-add")
    assert page.url.endswith("/account/2fa/recovery-codes/")
    assert "chiave di sicurezza è registrata" in page.locator("main").inner_text()
    page.goto(base + "/account/2fa/webauthn/")
    assert "Chiavetta della zona 1" in page.locator("main").inner_text()
    checked(page, "keys", pages)
    for name in ("Rinomina", "Rimuovi"):
        page.get_by_role("link", name=f"{name} Chiavetta della zona 1").click()
        page.wait_for_load_state("load")
        checked(page, f"key-{name.lower()}", pages)
        page.go_back()
    page.goto(base + "/portavoce/")
    assert page.url.endswith("/portavoce/")

    log_out(page, base)
    log_in_with_password(page, base, email, password)
    assert page.url.endswith("/account/2fa/authenticate/")
    checked(page, "authenticate-with-key", pages)
    submit(page, "#mfa-webauthn-authenticate")
    assert "/account/" not in page.url
    page.goto(base + "/portavoce/")
    assert page.url.endswith("/portavoce/")
    assert page.evaluate("window.__cspViolations") == []
    page.context.close()
