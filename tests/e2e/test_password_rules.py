"""A screen reader reads the password rules with the new-password field: on sign-up, on the
password change and on the page a reset e-mail leads to, the field's accessible description, as
Chromium computes it for assistive technology (its accessibility tree, read through the DevTools
protocol), contains every rule of the portal's password validators."""

import re

import pytest
from django.contrib.auth import password_validation
from django.utils import translation
from django.utils.html import strip_tags

from tests.e2e.portal import DEMO_PEOPLE, log_in_as

pytestmark = pytest.mark.browser


def rules() -> list[str]:
    with translation.override("it"):
        return [
            strip_tags(str(text)) for text in password_validation.password_validators_help_texts()
        ]


def accessible_description(page, selector: str) -> str:
    """The accessible description Chromium gives the element at ``selector``."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"no {selector} on {page.url}"
        tree = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})
    finally:
        cdp.detach()
    return " ".join(tree["nodes"][0].get("description", {}).get("value", "").split())


def assert_rules_read(page):
    description = accessible_description(page, "input[name=password1]")
    assert len(rules()) == 4
    for rule in rules():
        assert rule in description, f"{page.url}: {rule!r} not in the description {description!r}"


def test_the_rules_are_read_on_sign_up(page, portal_url):
    page.goto(portal_url + "/account/signup/")
    assert_rules_read(page)


def test_the_rules_are_read_on_the_password_change(page, portal_url):
    log_in_as(page, portal_url, "registered")
    page.goto(portal_url + "/account/password/change/")
    assert_rules_read(page)


def test_the_rules_are_read_on_the_page_a_reset_email_leads_to(page, portal_url):
    email = DEMO_PEOPLE["registered"]
    before = len(portal_url.wait_for_mails(email, "password", count=0))
    page.goto(portal_url + "/account/password/reset/")
    page.fill("input[name=email]", email)
    with page.expect_navigation():
        page.locator("form:has(input[name=email]) [type=submit]").click()
    # sent by the worker; other e-mails to this person may arrive meanwhile
    mails = portal_url.wait_for_mails(email, "password", count=before + 1)
    body = mails[-1].get_payload(decode=True) if not mails[-1].is_multipart() else None
    text = (body or mails[-1].get_payload(0).get_payload(decode=True)).decode()
    link = re.search(r"http://\S+/account/password/reset/key/\S+/", text).group(0)
    page.goto(link)  # allauth moves the key into the session and redirects
    assert page.locator("input[name=password1]").count(), page.url
    assert_rules_read(page)
