"""Every page of the demo has a ``<title>`` of its own: a visitor with several tabs open, a screen
reader user hearing the title first, a search result, a bookmark each tell the pages apart.

The pages are found by crawling the demo with the test client, following the links each page
has: the public site as an anonymous visitor, then the areas of the redazione, of a zone's
spokesperson and of a registered user (from their home, following the links to pages that are
not public). Two different addresses never share a title; the same address with another query
string may share it only when it shows the same thing (``?page=1``, a ``?next=`` after login).
A few query-string variants of each address are enough: their titles are made the same way.

The check runs in tests/test_demo.py, on that module's demo content (loaded once for both)."""

import hashlib
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

from patto.models import User

ROLES = {
    "anonymous": (None, ["/"]),
    "redazione": ("redazione@demo.patto.localhost", ["/redazione/"]),
    "spokesperson": ("portavoce.zona1@demo.patto.localhost", ["/portavoce/"]),
    "registered": ("cittadino@demo.patto.localhost", ["/profilo/"]),
}
NOT_PAGES = ("/admin/", "/account/logout/", "/i18n/", "/media/", "/static/", "/en/")
DOWNLOADS = (".csv", ".json", ".ics", ".pdf", ".atom")
VARIANTS = 3  # query strings followed for each address and set of query keys
LIMIT = 1500  # pages for one role, far above the demo's


class Page(HTMLParser):
    """A page's title, the links it has and the text its ``<main>`` shows."""

    def __init__(self):
        super().__init__()
        self.title, self.links, self.text = [], [], []
        self._in = []

    def handle_starttag(self, tag, attrs):
        if tag in ("title", "main", "script", "style"):
            self._in.append(tag)
        if tag == "a" and (href := dict(attrs).get("href")):
            self.links.append(href)

    def handle_endtag(self, tag):
        if tag in self._in:
            self._in.remove(tag)

    def handle_data(self, data):
        if "script" in self._in or "style" in self._in:
            return
        if "title" in self._in:
            self.title.append(data)
        elif "main" in self._in:
            self.text.append(data)

    @classmethod
    def of(cls, html: str) -> "Page":
        page = cls()
        page.feed(html)
        page.title = " ".join("".join(page.title).split())
        page.text = hashlib.sha256(" ".join(" ".join(page.text).split()).encode()).hexdigest()
        return page


def is_public(path: str) -> bool:
    """Whether ``path`` is a page of the public site (served through the page cache)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    view = getattr(match.func, "view_class", None)
    return getattr(view.dispatch if view else match.func, "public_page", False)


def crawl(client, starts, *, follow) -> list[tuple[str, str, str]]:
    """(address, title, digest of the main text) of every HTML page reached from ``starts``
    through links whose path ``follow`` accepts."""
    queue, seen, variants, pages = list(starts), set(), defaultdict(int), []
    while queue and len(pages) < LIMIT:
        address = queue.pop(0)
        if address in seen:
            continue
        seen.add(address)
        parts = urlsplit(address)
        kind = (parts.path, tuple(sorted({k for k, _ in parse_qsl(parts.query)})))
        if parts.query and variants[kind] >= VARIANTS:
            continue
        variants[kind] += 1
        response = client.get(address)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        page = Page.of(response.content.decode())
        pages.append((address, page.title, page.text))
        for href in page.links:
            url, _ = urldefrag(urljoin("http://testserver" + address, href))
            link = urlsplit(url)
            if link.scheme != "http" or link.netloc != "testserver":
                continue
            if link.path.startswith(NOT_PAGES) or link.path.endswith(DOWNLOADS):
                continue
            if follow(link.path):
                queue.append(link.path + (f"?{link.query}" if link.query else ""))
    return pages


def assert_no_two_pages_share_a_title():
    """The crawl of the four roles on the demo content (loaded by the caller)."""
    by_title = defaultdict(lambda: defaultdict(set))  # title → (role, path) → main texts
    addresses = defaultdict(set)
    untitled = []
    for role, (email, starts) in ROLES.items():
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))
        follow = (lambda path: True) if email is None else (lambda path: not is_public(path))
        pages = crawl(client, starts, follow=follow)
        assert len(pages) > 3, (role, pages)  # the crawl went beyond the start
        for address, title, text in pages:
            if not title:
                untitled.append(address)
            by_title[title][(role, urlsplit(address).path)].add(text)
            addresses[title].add(address)
    assert not untitled, untitled
    shared = {}
    for title, pages in by_title.items():
        paths = {path for _, path in pages}
        same_content = all(len(texts) == 1 for texts in pages.values())
        if len(paths) > 1 or not same_content:
            shared[title] = sorted(addresses[title])
    assert not shared, "\n".join(f"{t!r}: {a}" for t, a in shared.items())
    reached = {path for pages in by_title.values() for _, path in pages}
    for expected in (
        "/programmi/",
        "/programmi/piano-sociale-metropolitano/versioni/1/matrice/",
        "/redazione/",
        "/portavoce/",
        "/profilo/",
    ):
        assert expected in reached, expected
