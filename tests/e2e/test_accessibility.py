"""Every public page, visited in a real browser with the demo content, passes axe-core's WCAG 2.1
A and AA rules; every internal link answers. The pages are found by crawling from the home page
(Italian and English), a few of each kind, so a page added later is checked without anyone
listing it here."""

from collections import defaultdict
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve
from django.utils import translation

pytestmark = pytest.mark.browser

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PER_KIND = 3  # pages of the same kind (URL name, language and query keys) to check
DOWNLOADS = (".csv", ".json", ".ics", ".pdf", ".ods", ".xlsx")
NOT_PUBLIC = ("/admin/", "/account/logout", "/i18n/", "/media/", "/static/")


def page_kind(path: str, query: str) -> str | None:
    language = "en" if path.startswith("/en/") else "it"
    try:
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        return None
    keys = ",".join(sorted({k for k, _ in parse_qsl(query) if k != "page"}))
    return f"{language}:{match.view_name}?{keys}"


def describe(violations):
    lines = []
    for v in violations:
        targets = [" ".join(n["target"]) for n in v["nodes"][:3]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} → {targets}")
    return "\n".join(lines)


def crawl(page, base_url, starts, limit=160):
    seen_urls, per_kind, queue, pages = set(), defaultdict(int), list(starts), []
    links_checked = {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in seen_urls:
            continue
        seen_urls.add(url)
        parts = urlsplit(url)
        kind = page_kind(parts.path, parts.query)
        if kind is None or per_kind[kind] >= PER_KIND:
            continue
        per_kind[kind] += 1
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        pages.append(url)
        yield url
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            href, _ = urldefrag(href)
            if not href.startswith(base_url) or any(p in href for p in NOT_PUBLIC):
                continue
            if urlsplit(href).path.endswith(DOWNLOADS):
                links_checked.setdefault(href, None)
                continue
            queue.append(href)
    for href in links_checked:
        response = page.request.get(href)
        assert response.status == 200, f"download {href} answered {response.status}"


def test_every_public_page_passes_axe(page, portal_url):
    axe = Axe()
    failures, visited = {}, []
    for url in crawl(page, portal_url, [f"{portal_url}/", f"{portal_url}/en/"]):
        visited.append(url)
        result = axe.run(page, options=WCAG)
        if result.violations_count:
            failures[url] = describe(result.response["violations"])
    kinds = {page_kind(urlsplit(u).path, urlsplit(u).query) for u in visited}
    # the crawl must have reached the pages a citizen uses, not stopped at the home page
    for expected in [
        "it:home",
        "it:patto:programme",
        "it:patto:version",
        "it:matrice:matrix",
        "it:matrice:actions",
        "it:matrice:action",
        "it:patto:versions",
        "it:incontri:list",
        "it:incontri:detail",
        "it:zone:list",
        "it:zone:detail",
        "it:tavoli:list",
        "it:tavoli:detail",
        "it:tavoli:contributions",
        "it:patto:open_data",
        "it:patto:accessibility",
        "en:home",
    ]:
        assert any(k.startswith(expected + "?") for k in kinds), f"{expected} not reached"
    assert not failures, "\n\n".join(f"{url}\n{text}" for url, text in failures.items())


@pytest.mark.parametrize(
    "path",
    ["/zone/cerca-comune/?q=ciri%C3%A8", "/pagina-che-non-esiste/", "/account/login/"],
)
def test_other_pages_pass_axe(page, portal_url, path):
    page.goto(portal_url + path)
    result = Axe().run(page, options=WCAG)
    assert not result.violations_count, describe(result.response["violations"])
