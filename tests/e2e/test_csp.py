"""The Content-Security-Policy is strict (only the portal's own scripts, styles and images; no
inline script, style element or style attribute) and the pages satisfy it: the public site, the
staff area, the spokesperson area, the account pages and the Django admin are crawled in Chromium
with the demo content, each as the role that sees them, and any ``securitypolicyviolation`` or
CSP console error fails the test. The pages are found by following links, a few of each kind,
so a page added later is checked without anyone listing it here."""

from collections import defaultdict
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve
from django.utils import translation

pytestmark = pytest.mark.browser

PER_KIND = 2
SKIP = ("/account/logout", "/i18n/", "/media/", "/static/", "/healthz")
DOWNLOADS = (".csv", ".json", ".ics", ".pdf", ".ods", ".xlsx", ".atom")
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""
ACCOUNTS = {
    "redazione": ("redazione@demo.patto.localhost", "patto-redazione-2018"),
    "portavoce": ("portavoce.zona1@demo.patto.localhost", "patto-zona1-2018"),
    "admin": ("admin@demo.patto.localhost", "patto-admin-2018"),
}


def kind(path: str, query: str) -> str | None:
    language = "en" if path.startswith("/en/") else "it"
    try:
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        return None
    keys = ",".join(sorted({k for k, _ in parse_qsl(query) if k not in {"page", "o"}}))
    return f"{language}:{match.view_name}?{keys}"


class Checker:
    def __init__(self, page, base_url):
        self.page, self.base_url = page, base_url
        self.console: list[str] = []
        self.failures: dict[str, list[str]] = {}
        self.visited: list[str] = []
        page.add_init_script(LISTEN)
        page.on(
            "console",
            lambda m: self.console.append(m.text) if "Content Security Policy" in m.text else None,
        )

    def visit(self, url: str, *, expect=(200,)) -> None:
        self.console.clear()
        response = self.page.goto(url)
        assert response.status in expect, f"{url} answered {response.status}"
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(150)  # scripts run on load (Bootstrap Italia, htmx)
        problems = self.page.evaluate("window.__cspViolations || []") + self.console
        if problems:
            self.failures[url] = list(problems)
        self.visited.append(url)

    def crawl(self, starts, *, within: str, limit: int) -> None:
        queue, seen, per_kind, count = list(starts), set(), defaultdict(int), 0
        while queue and count < limit:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            parts = urlsplit(url)
            k = kind(parts.path, parts.query)
            if k is None or per_kind[k] >= PER_KIND:
                continue
            per_kind[k] += 1
            count += 1
            self.visit(url)
            for href in self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                href, _ = urldefrag(href)
                path = urlsplit(href).path
                inside = href.startswith(self.base_url + within)
                if inside and not path.endswith(DOWNLOADS) and not any(s in href for s in SKIP):
                    queue.append(href)

    def report(self) -> str:
        return "\n\n".join(f"{url}\n  " + "\n  ".join(p) for url, p in self.failures.items())


def log_in(checker: Checker, email: str, password: str) -> None:
    page = checker.page
    checker.visit(f"{checker.base_url}/account/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=login]) [type=submit]").click()
    page.wait_for_load_state("load")
    assert "/account/login/" not in page.url, f"{email} could not log in"


@pytest.fixture
def checker(browser, portal_url):
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    yield Checker(context.new_page(), portal_url)
    context.close()


def test_the_policy_is_sent_and_strict(checker):
    response = checker.page.goto(checker.base_url + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_public_pages_and_account_pages_satisfy_the_policy(checker):
    base = checker.base_url
    checker.crawl([f"{base}/", f"{base}/en/"], within="/", limit=45)
    for path in [
        "/account/login/",
        "/account/signup/",
        "/account/password/reset/",
        "/zone/cerca-comune/?q=ciri%C3%A8",
    ]:
        checker.visit(base + path)
    checker.visit(base + "/pagina-che-non-esiste/", expect=(404,))
    assert len(checker.visited) > 25
    assert not checker.failures, checker.report()


@pytest.mark.parametrize(
    ("role", "start", "minimum"),
    [("redazione", "/redazione/", 15), ("portavoce", "/portavoce/", 2), ("admin", "/admin/", 15)],
)
def test_private_areas_satisfy_the_policy(checker, role, start, minimum):
    log_in(checker, *ACCOUNTS[role])
    checker.crawl([checker.base_url + start], within=start, limit=40)
    assert len(checker.visited) > minimum, checker.visited
    assert not checker.failures, checker.report()


def test_the_admin_login_goes_through_the_portal_login(checker):
    checker.visit(checker.base_url + "/admin/login/?next=/admin/")
    assert "/account/login/" in checker.page.url
    assert not checker.failures, checker.report()
