"""In Chromium: a citizen logs in with SPID through a test identity provider run here
(tests/spid/idp.py, pysaml2): the login page's SPID button, the provider's page, the answer posted
back, the new account on the profile with the fiscal number; the person logs out from the header's
menu, then logs in again and finds the same account. On the way the new pages (the login page with
the list open, the list of identity providers, the refusal, the profile with the identity) pass axe
(WCAG 2.1 AA) and the Nu HTML Checker, as tests/e2e/test_accessibility.py checks the pages it
reaches with SPID off."""

import pytest

from patto.models import SpidIdentity
from tests.conftest import _missing
from tests.e2e import nu_html
from tests.e2e.portal import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_accessibility import WCAG, describe
from tests.spid.idp import LocalIdentityProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANNA = {
    "spidCode": "TEST-0001",
    "name": "Anna",
    "familyName": "Rossi",
    "fiscalNumber": "TINIT-RSSNNA80A41L219X",
    "email": "anna.rossi@example.org",
}

# as the CIE answers: no e-mail address
MARCO = {"name": "Marco", "familyName": "Bianchi", "fiscalNumber": "TINIT-BNCMRC75C12L219K"}


def test_a_citizen_logs_in_with_spid_out_and_back_in(spid_live, tmp_path, monkeypatch):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from patto.accounts.spid.idps import refresh

    # the ORM is used from this thread while Playwright's event loop runs in it
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    people = {"Anna Rossi": ANNA, "Marco Bianchi": MARCO}
    with LocalIdentityProvider(tmp_path, people) as idp:
        from django.conf import settings

        settings.SPID_IDP_METADATA = [str(idp.metadata_file)]
        refresh()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(locale="it-IT")
            axe, saved = Axe(), []

            def audit(name: str, path: str):
                result = axe.run(page, options=WCAG)
                assert not result.violations_count, describe(result.response["violations"])
                saved.append(tmp_path / f"{name}.html")
                saved[-1].write_text(page.request.get(f"{spid_live.url}{path}").text())

            # the first time from the login page; the second from a page that asked to log in
            for start in ("/account/login/", "/account/login/?next=/profilo/"):
                page.goto(f"{spid_live.url}{start}")
                page.get_by_text("Entra con SPID").click()
                if start == "/account/login/":
                    audit("login", start)
                page.get_by_role("link", name="Gestore di prova").click()
                page.get_by_role("button", name="Anna Rossi").click()
                page.get_by_role("button", name="Continua").click()
                page.wait_for_load_state()
                assert page.url == f"{spid_live.url}/profilo/", (
                    page.url,
                    page.locator("main").inner_text()[:800],
                )
                main = page.locator("main").inner_text()
                assert "codice fiscale RSSNNA80A41L219X" in main
                first_time = "Il tuo account è pronto" in page.content()
                assert first_time == (start == "/account/login/")
                if first_time:
                    audit("profile", "/profilo/")
                # and back out, as a person does: the header's menu, «Esci»
                page.locator("button:has(.user-menu-name)").click()
                page.locator("header").get_by_role("button", name="Esci").click()
                page.wait_for_load_state()
                assert page.locator("header").get_by_role("link", name="Accedi").is_visible()
                assert page.request.get(f"{spid_live.url}/profilo/", max_redirects=0).status == 302
            # someone whose identity provider sends no e-mail address writes one
            page.goto(f"{spid_live.url}/account/login/")
            page.get_by_text("Entra con SPID").click()
            page.get_by_role("link", name="Gestore di prova").click()
            page.get_by_role("button", name="Marco Bianchi").click()
            page.get_by_role("button", name="Continua").click()
            page.wait_for_load_state()
            audit("email", "/spid/email/")
            page.get_by_label("Il tuo indirizzo email").fill("marco@example.org")
            page.get_by_role("button", name="Crea il mio account").click()
            page.wait_for_load_state()
            assert page.url == f"{spid_live.url}/profilo/"
            assert "codice fiscale BNCMRC75C12L219K" in page.locator("main").inner_text()
            page.context.clear_cookies()
            page.goto(f"{spid_live.url}/spid/accedi/?idp=sconosciuto")
            audit("choose", "/spid/accedi/?idp=sconosciuto")
            refused = page.request.post(f"{spid_live.url}/spid/acs/", form={"SAMLResponse": "x"})
            assert refused.status == 403
            page.set_content(refused.text())
            axe_result = axe.run(page, options=WCAG)
            assert not axe_result.violations_count, describe(axe_result.response["violations"])
            saved.append(tmp_path / "refused.html")
            saved[-1].write_text(refused.text())
            browser.close()
    if nu_html.missing():
        _missing(nu_html.missing())
    assert not nu_html.check(saved)
    identity = SpidIdentity.objects.select_related("user").get(fiscal_number="RSSNNA80A41L219X")
    assert (identity.user.first_name, identity.user.last_name) == ("Anna", "Rossi")
    assert identity.user.email == "anna.rossi@example.org"
    assert identity.last_idp == idp.entity_id
    marco = SpidIdentity.objects.select_related("user").get(fiscal_number="BNCMRC75C12L219K")
    assert marco.user.email == "marco@example.org"
    assert SpidIdentity.objects.count() == 2
