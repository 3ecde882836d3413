"""In Chromium: a citizen logs in with SPID through a test identity provider run here
(tests/spid/idp.py, pysaml2): the login page's SPID button, the provider's page, the answer
posted back, the new account on the profile with the fiscal number; then the same person logs
in again and finds the same account."""

import pytest

from patto.models import SpidIdentity
from tests.e2e.portal import CHROMIUM, CHROMIUM_ARGS
from tests.spid.idp import LocalIdentityProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANNA = {
    "spidCode": "TEST-0001",
    "name": "Anna",
    "familyName": "Rossi",
    "fiscalNumber": "TINIT-RSSNNA80A41L219X",
    "email": "anna.rossi@example.org",
}


def test_a_citizen_logs_in_with_spid_and_comes_back(spid_live, tmp_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    from patto.accounts.spid.idps import refresh

    # the ORM is used from this thread while Playwright's event loop runs in it
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with LocalIdentityProvider(tmp_path, {"Anna Rossi": ANNA}) as idp:
        from django.conf import settings

        settings.SPID_IDP_METADATA = [str(idp.metadata_file)]
        refresh()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(locale="it-IT")
            # the first time from the login page; the second from a page that asked to log in
            for start in ("/account/login/", "/account/login/?next=/profilo/"):
                page.goto(f"{spid_live.url}{start}")
                page.get_by_text("Entra con SPID").click()
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
                page.context.clear_cookies()
            browser.close()
    identity = SpidIdentity.objects.select_related("user").get()
    assert (identity.user.first_name, identity.user.last_name) == ("Anna", "Rossi")
    assert identity.user.email == "anna.rossi@example.org"
    assert identity.last_idp == idp.entity_id
