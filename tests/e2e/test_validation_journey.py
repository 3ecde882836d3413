"""A version's whole life in a real browser: the redazione sends it to the zones, the two
spokespersons approve it in their own sessions, the redazione publishes it, and an anonymous
visitor reads the published plan and downloads its PDF (rendered in the background)."""

import time

import pytest

from tests.e2e.portal import log_in as portal_log_in

pytestmark = pytest.mark.browser

SETUP = """
from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.models import PlanVersion, Programme
from zone.models import Zone
programme, created = Programme.objects.get_or_create(
    slug="piano-di-prova", defaults={"kind": "piano", "title": "Piano di prova",
    "promoter": "Città Metropolitana di Torino"})
programme.validating_zones.set(Zone.objects.filter(number__in=[1, 5]))
if created:
    v = PlanVersion.objects.create(programme=programme, number=1)
    tool = Tool.objects.create(version=v, code="S1", name="Sportello di prova")
    target = Target.objects.create(version=v, code="D1", name="Famiglie di prova")
    policy = Policy.objects.create(version=v, code="1", title="Politica della prova")
    area = ActionArea.objects.create(version=v, policy=policy, code="1.1", title="Ambito di prova")
    action = Action.objects.create(version=v, area=area, code="1.1.1", title="Azione della prova")
    action.tools.add(tool)
    action.targets.add(target)
"""
STAFF = ("redazione@demo.patto.localhost", "patto-redazione-2018")
ZONE_1 = ("portavoce.zona1@demo.patto.localhost", "patto-zona1-2018")
ZONE_5 = ("portavoce.zona5@demo.patto.localhost", "patto-zona5-2018")


def log_in(browser, portal_url, account):
    context = browser.new_context(locale="it-IT")
    page = context.new_page()
    portal_log_in(page, portal_url, *account)
    return page


def approve(browser, portal_url, account):
    page = log_in(browser, portal_url, account)
    page.goto(portal_url + "/portavoce/")
    card = page.locator(".card", has_text="Piano di prova")
    with page.expect_navigation():
        card.get_by_role("link", name="Leggi e decidi").click()
    page.locator("label[for=id_decision_0]").click()  # the styled label, as a person clicks it
    assert page.get_by_label("Approvata").is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Rileggi e conferma").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Conferma la decisione").click()
    assert "Decisione registrata" in page.inner_text("main")
    page.context.close()


def test_submit_approve_publish_read_and_download(browser, portal_url):
    portal_url.manage("shell", "-c", SETUP)
    staff = log_in(browser, portal_url, STAFF)
    staff.goto(portal_url + "/redazione/programmi/piano-di-prova/")
    with staff.expect_navigation():
        staff.get_by_role("link", name="Invia alle zone").click()
    assert "Cosa succede quando confermi" in staff.inner_text("main")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Conferma e invia la versione 1 alle zone").click()
    assert "inviata alle zone" in staff.inner_text("main")

    approve(browser, portal_url, ZONE_1)
    approve(browser, portal_url, ZONE_5)

    staff.goto(portal_url + "/redazione/programmi/piano-di-prova/")
    assert "Validata" in staff.inner_text("main")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Pubblica").click()
    assert "pubblicata" in staff.inner_text("main")
    staff.context.close()

    visitor = browser.new_context(locale="it-IT").new_page()
    visitor.goto(portal_url + "/programmi/piano-di-prova/piano/")
    main = visitor.inner_text("main")
    assert "Politica della prova" in main and "Azione della prova" in main
    assert "Zona 1" in main and "Zona 5" in main  # the validation record
    deadline = time.monotonic() + 90
    link = visitor.get_by_role("link", name="Scarica il PDF della versione 1")
    while not link.count():
        assert time.monotonic() < deadline, "the PDF was not rendered in time"
        time.sleep(2)
        visitor.reload()
    with visitor.expect_download() as download:
        link.click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename.endswith(".pdf")
