"""One register of Italian on the public site: the portal speaks to one person, as the IO app and
Designers Italia do ("Scarica", "puoi", "il tuo contributo"), never with the formal "Lei" nor the
plural "voi" ("potete", "Accedete") nor impersonal instructions ("Inserire", "Si prega"); a
programme's name after a preposition has its article ("gli incontri del Piano Sociale
Metropolitano"); technical words (the SHA-256 fingerprint, Markdown) only inside a details element
that explains them.

The pages are the demo's public ones, found by following the links from the home page (one page
for each kind of address), plus the sign-up page and a version's page as the registered citizen,
who sees the consultation form."""

import re
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from patto.models import User

pytestmark = pytest.mark.django_db

# Forms that address the reader as "Lei" or "voi", or give instructions in the impersonal.
MARKERS = [
    " Lei ",
    " La preghiamo",
    "Vostr",
    " vostr",
    "potete",
    "Potete",
    "Accedete",
    "Scegliete",
    "Scrivete",
    "Avete ",
    " avete ",
    "Inserire ",
    "Cliccare",
    "cliccare",
    "Si prega",
    "si prega",
]
# Words a citizen need not know, allowed only inside <details>.
TECHNICAL = ["SHA-256", "Markdown"]
LIMIT = 60  # pages, one per kind of address
SKIP = ("/admin/", "/account/", "/redazione/", "/portavoce/", "/profilo/", "/en/", "/static/")
DOWNLOADS = (".csv", ".json", ".ics", ".pdf", ".ods", ".xlsx", ".xml", ".txt", ".atom")
PIANO = "/programmi/piano-sociale-metropolitano/"


class Text(HTMLParser):
    """The text a page shows in its <main>, and the same text without its <details> elements."""

    def __init__(self):
        super().__init__()
        self.links, self.text, self.outside_details = [], [], []
        self._main = self._details = 0
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a" and (href := dict(attrs).get("href")):
            self.links.append(href)
        self._main += tag == "main"
        self._details += tag == "details"
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._main -= tag == "main"
        self._details -= tag == "details"
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if self._main and not self._skip:
            self.text.append(data)
            if not self._details:
                self.outside_details.append(data)


def read(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    page = Text()
    page.feed(response.content.decode())
    return page


def shape(path):
    """The kind of an address: its path with every number and code replaced."""
    return re.sub(r"/[^/]*\d[^/]*(?=/)", "/#", path)


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    """The demo's public pages (path → Text), loaded once for the module and rolled back."""
    test_settings = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    with test_settings, django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        client, found, shapes, queue = Client(), {}, set(), ["/"]
        while queue and len(found) < LIMIT:
            path = queue.pop(0)
            found[path] = page = read(client, path)
            for href in page.links:
                link = urlsplit(urldefrag(href)[0])
                target = link.path
                if link.netloc or not target.startswith("/") or target.startswith(SKIP):
                    continue
                if target.endswith(DOWNLOADS) or shape(target) in shapes:
                    continue
                shapes.add(shape(target))
                queue.append(target)
        found["/account/signup/"] = read(client, "/account/signup/")
        citizen = Client()
        citizen.force_login(User.objects.get(email="cittadino@demo.patto.localhost"))
        proposal = next(
            p for p in found if p.startswith(f"{PIANO}versioni/") and shape(p).endswith("/#/")
        )
        found[f"citizen {proposal}"] = read(citizen, proposal)
        yield found
        transaction.set_rollback(True)


def test_the_crawl_reaches_the_main_public_pages(pages):
    wanted = ["/", PIANO, f"{PIANO}versioni/", "/incontri/", f"{PIANO}tavoli/", "/dati-aperti/"]
    assert set(wanted) <= set(pages)
    assert any("/azioni/" in path for path in pages)


def test_the_pages_speak_to_one_person(pages):
    found = {
        (path, marker)
        for path, page in pages.items()
        for marker in MARKERS
        if marker in " ".join(page.text)
    }
    assert not found


def test_technical_words_only_inside_an_explanation(pages):
    found = {
        (path, word)
        for path, page in pages.items()
        if path != "/dati-aperti/"  # the open-data page names formats and fields on purpose
        for word in TECHNICAL
        if word in " ".join(page.outside_details)
    }
    assert not found


def test_a_programme_name_after_a_preposition_has_its_article(pages):
    text = " ".join(pages["/incontri/"].text)
    assert "Calendario degli incontri del Piano Sociale Metropolitano" in text
    assert "incontri di Piano" not in text
