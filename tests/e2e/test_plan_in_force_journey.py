"""A citizen finds the plan in force without dead ends, in a real browser with the demo content,
on a desktop (1280 px) and on a phone (390 px): from the home page and from the programme's page,
the plan in force, its matrix, one of its actions, its PDF and the version history are each at
most two clicks away; from the plan in force, one click leads to the newer proposal open for
consultation."""

import re
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.browser

PIANO = "/programmi/piano-sociale-metropolitano/"
IN_FORCE = PIANO + "versioni/1/"
PROPOSAL = PIANO + "versioni/2/"


@pytest.fixture(scope="module")
def pdf_of_version_1(portal_url):
    """With a real worker the demo's PDF is rendered in the background after the portal
    starts: wait for it (a minute and a half at most), as a visitor would come back later."""
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{portal_url}{PIANO}versioni/1/piano.pdf") as answer:
                if answer.status == 200:
                    return
        except urllib.error.HTTPError:
            pass
        assert time.monotonic() < deadline, "the PDF of version 1 was not rendered in time"
        time.sleep(1)


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def visitor(request, browser, pdf_of_version_1):
    context = browser.new_context(
        locale="it-IT", viewport={"width": request.param, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    yield page
    context.close()


def click(page, name, *, exact=False):
    """Follow the visible link called ``name`` (one click) and wait for the page."""
    link = page.get_by_role("link", name=name, exact=exact).first
    assert link.is_visible(), f"«{name}» is not visible on {page.url}"
    with page.expect_navigation():
        link.click()


def download(page, name) -> bytes:
    link = page.get_by_role("link", name=name).first
    assert link.is_visible(), f"«{name}» is not visible on {page.url}"
    with page.expect_download() as started:
        link.click()
    with open(started.value.path(), "rb") as pdf:
        return pdf.read(5)


def test_from_the_home_page(visitor, portal_url):
    def home():
        visitor.goto(portal_url + "/")

    home()  # the plan in force: one click, on its programme's card
    click(visitor, "Versione 1 – Piano Sociale Metropolitano")
    assert visitor.url.endswith(IN_FORCE)
    assert "Il piano in vigore" in visitor.title()

    home()  # its matrix: two
    click(visitor, "Versione 1 – Piano Sociale Metropolitano")
    click(visitor, "La matrice", exact=True)
    assert visitor.url.endswith(IN_FORCE + "matrice/")
    assert visitor.title().startswith("La matrice – versione 1 – Piano Sociale Metropolitano")

    home()  # one of its actions: two
    click(visitor, "Versione 1 – Piano Sociale Metropolitano")
    click(visitor, re.compile(r"^1\.1\.1 "))
    assert visitor.url.endswith(IN_FORCE + "azioni/1.1.1/")
    assert visitor.title().startswith("Azione 1.1.1 ")

    home()  # its PDF: two
    click(visitor, "Versione 1 – Piano Sociale Metropolitano")
    assert download(visitor, "Scarica il PDF della versione 1") == b"%PDF-"

    home()  # the version history: two
    click(visitor, "Versione 1 – Piano Sociale Metropolitano")
    click(visitor, "Tutte le versioni", exact=True)
    assert visitor.url.endswith(PIANO + "versioni/")
    assert visitor.get_by_role("link", name="Versione 1", exact=True).is_visible()
    assert visitor.get_by_role("link", name="Versione 2", exact=True).is_visible()


def test_from_the_programme_page(visitor, portal_url):
    def programme():
        visitor.goto(portal_url + PIANO)

    programme()  # the plan in force: one click
    click(visitor, "Leggi il piano in vigore")
    assert visitor.url.endswith(IN_FORCE)

    programme()  # its matrix: one
    click(visitor, "La matrice: strumenti e destinatari")
    assert visitor.url.endswith(IN_FORCE + "matrice/")

    programme()  # one of its actions: two
    click(visitor, "Cerca tra le azioni")
    assert visitor.url.endswith(IN_FORCE + "azioni/")
    click(visitor, re.compile(r"^1\.1\.1 "))
    assert visitor.url.endswith(IN_FORCE + "azioni/1.1.1/")

    programme()  # its PDF: one
    assert download(visitor, "Scarica il PDF della versione 1") == b"%PDF-"

    programme()  # the version history and the comparison: one
    click(visitor, "Tutte le versioni e il loro confronto")
    assert visitor.url.endswith(PIANO + "versioni/")
    assert visitor.get_by_role("button", name="Confronta").is_visible()

    programme()  # and the proposal: one
    click(visitor, "Leggi la proposta e lascia un contributo")
    assert PROPOSAL in visitor.url


def test_from_the_plan_in_force_to_the_open_proposal(visitor, portal_url):
    visitor.goto(portal_url + IN_FORCE)
    notice = " ".join(visitor.locator(".newer-proposal").text_content().split())
    assert "Una nuova proposta è in consultazione" in notice  # shown in capitals by the CSS
    assert "La consultazione è aperta fino al" in notice
    click(visitor, "Leggi la proposta (versione 2)")
    assert visitor.url.endswith(PROPOSAL)
    assert visitor.title().startswith("La proposta – versione 2 – Piano Sociale Metropolitano")


def test_the_programmes_menu_leads_to_the_list_of_programmes(visitor, portal_url):
    visitor.goto(portal_url + IN_FORCE)
    click(visitor, "Programmi", exact=True)  # the breadcrumb
    assert visitor.url.endswith("/programmi/")
    click(visitor, "Versione 1 – Piano Sociale Metropolitano")
    assert visitor.url.endswith(IN_FORCE)
