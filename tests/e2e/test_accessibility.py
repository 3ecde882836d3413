"""Every page of every role, visited in a real browser with the demo content, passes axe-core's
WCAG 2.1 A and AA rules, and the Nu HTML Checker reports no error in its HTML; every internal
link answers.

The pages are found by crawling, a few of each kind, so a page added later is checked without
anyone listing it here: as a visitor from the home page (Italian and English) and the account
pages, then signed in as each person of the demo (a registered participant, the spokesperson of
zone 1, the redazione) from their own pages (profile, account, spokesperson area, staff area),
with one page of each public kind those lead to, since a signed-in header and forms differ. The
crawl runs once per test run (a module fixture); the HTML the server sent for each page is saved,
and vnu.jar checks all of it in one run (a JVM start is slow).

An English page has the template of the Italian page of its kind, translated: axe checks the
template on the Italian page, in the browser, and the English page is only requested, its HTML
checked by vnu.jar (a translation that breaks the markup shows there) and its links followed.
A download is requested once for each address and set of query keys (``?esito=accepted`` and
``?esito=rejected`` are one export with another value)."""

from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve
from django.utils import translation

from tests.conftest import IN_CI
from tests.e2e import nu_html
from tests.e2e.portal import log_in_as

pytestmark = pytest.mark.browser
# Every link's address, made absolute: a link inside an SVG (the zones' map) has no string
# ``href`` property (it is an SVGAnimatedString), so the attribute is read and resolved.
HREFS = "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"

# axe-core's options for every page the browser tests check: the WCAG 2.1 A and AA rules, and
# the details of the violations only (every rule still runs; without ``resultTypes`` axe also
# sends back each node that passed, megabytes on a long page that nothing reads).
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
DOWNLOADS = (".csv", ".json", ".ics", ".pdf", ".ods", ".xlsx", ".atom", ".ttl", ".rdf", ".jsonld")
NOT_CRAWLED = ("/admin/", "/account/logout", "/i18n/", "/media/", "/static/", "/healthz")
PRIVATE = ("/account/", "/profilo/", "/portavoce/", "/redazione/")


@dataclass
class Crawl:
    """Where one role's crawl starts, how many pages of a kind it visits and how many pages in
    all. A visitor's crawl follows every link. A signed-in person's follows the links of their
    own pages (``PRIVATE``, in Italian) and visits one page of each public kind those link to
    (what the header, the profile, the staff pages lead to), without going further: the public
    site is the visitor's crawl."""

    starts: list[str]
    per_kind: int
    limit: int

    def follows(self, role: str, path: str) -> bool:
        return role == "anonymous" or path.startswith(PRIVATE)

    def room(self, role: str, path: str, visits_of_kind: int) -> bool:
        """One page of a kind in English (the Italian pages' templates, translated), and of a
        public kind for a signed-in person; ``per_kind`` of the others."""
        english = path.startswith("/en/")
        return visits_of_kind < (self.per_kind if self.follows(role, path) and not english else 1)

    def queues(self, role: str, path: str) -> bool:
        """Whether a link to ``path`` is queued; a signed-in person's English pages are their
        starts only (the same templates as the Italian ones)."""
        return role == "anonymous" or not path.startswith("/en/")


CRAWLS = {
    "anonymous": Crawl(
        starts=[
            "/",
            "/en/",
            "/account/login/",
            "/account/signup/",
            "/account/password/reset/",
            "/zone/cerca-comune/?q=ciri%C3%A8",
            "/pagina-che-non-esiste/",
        ],
        per_kind=2,
        limit=120,
    ),
    "registered": Crawl(
        starts=["/profilo/", "/en/profilo/", "/account/password/change/", "/account/email/"],
        per_kind=1,
        limit=30,
    ),
    "spokesperson": Crawl(starts=["/portavoce/", "/en/portavoce/"], per_kind=1, limit=30),
    "staff": Crawl(starts=["/redazione/", "/en/redazione/"], per_kind=2, limit=120),
}
NOT_FOUND = {"/pagina-che-non-esiste/"}  # answers 404, with the portal's page


@dataclass
class Visited:
    role: str
    url: str
    kind: str
    html: Path
    axe: str = ""  # the violations, described; empty when there are none


@dataclass
class Crawled:
    pages: list[Visited] = field(default_factory=list)

    def kinds(self, role: str) -> set[str]:
        return {p.kind for p in self.pages if p.role == role}


def page_kind(path: str, query: str) -> str | None:
    language = "en" if path.startswith("/en/") else "it"
    try:
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        return None
    keys = ",".join(sorted({k for k, _ in parse_qsl(query) if k not in {"page", "o"}}))
    return f"{language}:{match.view_name}?{keys}"


class Links(HTMLParser):
    """The ``href`` of every link of an HTML document, in document order (as the browser's
    ``a[href]``, those inside an SVG included), made absolute against ``url``."""

    def __init__(self, url: str):
        super().__init__()
        self.url, self.hrefs = url, []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href is not None:
            self.hrefs.append(urljoin(self.url, href))

    @classmethod
    def of(cls, url: str, html: bytes) -> list[str]:
        parser = cls(url)
        parser.feed(html.decode())
        return parser.hrefs


def describe(violations):
    lines = []
    for v in violations:
        targets = [" ".join(n["target"]) for n in v["nodes"][:3]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} → {targets}")
    return "\n".join(lines)


def crawl(page, base_url: str, role: str, plan: Crawl, folder: Path, crawled: Crawled):
    """Visit the pages of ``role`` from ``plan.starts`` following links, run axe on each and
    save the HTML the server sent; check that every download linked from them answers."""
    axe = Axe()
    queue, seen, count = [base_url + s for s in plan.starts], set(), 0
    per_kind, downloads = defaultdict(int), {}
    while queue and count < plan.limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        kind = page_kind(parts.path, parts.query) or f"not found:{parts.path}"
        if not plan.room(role, parts.path, per_kind[kind]):
            continue
        per_kind[kind] += 1
        count += 1
        english = parts.path.startswith("/en/")
        # an English page: the server's HTML only, with the browser's cookies (see above)
        response = page.request.get(url) if english else page.goto(url)
        expected = 404 if parts.path in NOT_FOUND else 200
        assert response.status == expected, f"{role}: {url} answered {response.status}"
        html = folder / f"{len(crawled.pages):04d}.html"
        html.write_bytes(response.body())
        violations = ""
        if not english:
            result = axe.run(page, options=WCAG)
            violations = describe(result.response["violations"]) if result.violations_count else ""
        crawled.pages.append(Visited(role, url, kind, html, violations))
        if not plan.follows(role, parts.path):
            continue
        links = (
            Links.of(url, html.read_bytes())
            if english
            else page.eval_on_selector_all("a[href]", HREFS)
        )
        for href in links:
            href, _ = urldefrag(href)
            if not href.startswith(base_url) or any(p in href for p in NOT_CRAWLED):
                continue
            link = urlsplit(href)
            if link.path.endswith(DOWNLOADS):
                keys = frozenset(k for k, _ in parse_qsl(link.query))
                downloads.setdefault((link.path, keys), (href, url))
            elif plan.queues(role, link.path):
                queue.append(href)
    for href, where in downloads.values():
        response = page.request.get(href)
        assert response.status == 200, f"{role}: {href} (on {where}) answered {response.status}"


# The demo has no draft, and the staff's editing pages (policies, areas, actions, tools,
# targets of a draft) exist only for one: the crawl starts a draft of the Piano, as "Nuova
# versione" does, and deletes it afterwards, unless another test had started it.
START_DRAFT = """
from patto.models import Programme, User, VersionStatus
from patto.programme.services import create_version
programme = Programme.objects.get(slug="piano-sociale-metropolitano")
if not programme.versions.filter(status=VersionStatus.DRAFT).exists():
    by = User.objects.get(email="redazione@demo.patto.localhost")
    print(create_version(programme=programme, by=by, change_note="Bozza della prova").pk)
"""
DROP_DRAFT = """
from patto.models import PlanVersion, VersionStatus
PlanVersion.objects.filter(pk={pk}, status=VersionStatus.DRAFT).delete()
"""


@pytest.fixture(scope="module")
def crawled(browser, portal_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    result = Crawled()
    draft = portal_url.manage("shell", "-v", "0", "-c", START_DRAFT).strip()
    try:
        for role, plan in CRAWLS.items():
            context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            if role != "anonymous":
                log_in_as(page, portal_url, role)
            crawl(page, portal_url, role, plan, folder, result)
            context.close()
    finally:
        if draft:
            portal_url.manage("shell", "-v", "0", "-c", DROP_DRAFT.format(pk=int(draft)))
    return result


# The pages each crawl must have reached, so that it cannot pass by stopping at its start.
REACHED = {
    "anonymous": [
        "it:home",
        "it:patto:programme",
        "it:patto:version",
        "it:matrice:matrix",
        "it:matrice:actions",
        "it:matrice:action",
        "it:patto:versions",
        "it:patto:compare",
        "it:incontri:list",
        "it:incontri:detail",
        "it:zone:list",
        "it:zone:detail",
        "it:zone:municipality_search",
        "it:tavoli:list",
        "it:tavoli:detail",
        "it:tavoli:contributions",
        "it:patto:open_data",
        "it:patto:accessibility",
        "it:participation:portal",
        "it:participation:programme",
        "it:monitoring:overview",
        "it:account_login",
        "it:account_signup",
        "it:account_reset_password",
        "en:home",
    ],
    "registered": [
        "it:profile:detail",
        "it:profile:delete",
        "it:account_change_password",
        "it:account_email",
        "en:profile:detail",
        "it:tavoli:contribution",  # their own, one of them waiting for moderation
        "it:tavoli:withdraw",  # withdrawing one of them (the page before the confirmation)
        "it:incontri:detail",  # the meeting they registered for
        "it:home",
    ],
    "spokesperson": [
        "it:portavoce:home",
        "it:portavoce:review",
        "en:portavoce:home",
        "it:portavoce:monitoring",
        "it:portavoce:monitoring_propose",
    ],
    "staff": [
        "it:redazione:dashboard",
        "it:redazione:programme",
        "it:redazione:version_note",
        "it:redazione:version_remarks",
        "it:redazione:matrice_draft",
        "it:redazione:matrice_catalogues",
        "it:redazione:matrice_action",
        "it:redazione:matrice_policy",
        "it:redazione:matrice_tool",
        "it:redazione:tavoli_contribution",
        "it:redazione:tavoli_contributions",
        "it:redazione:tavoli_moderation",
        "it:redazione:incontri_meetings",
        "it:redazione:incontri_meeting",
        "it:redazione:monitoring",
        "it:redazione:monitoring_action",
        "it:redazione:monitoring_proposals",
        "it:redazione:monitoring_dropped",
    ],
}


@pytest.mark.parametrize("role", list(CRAWLS))
def test_the_crawl_reaches_the_pages_of_each_role(crawled, role):
    kinds = crawled.kinds(role)
    for expected in REACHED[role]:
        assert any(k.startswith(expected + "?") for k in kinds), f"{role}: {expected} not reached"


def test_every_page_of_every_role_passes_axe(crawled):
    failures = [f"{p.role}: {p.url}\n{p.axe}" for p in crawled.pages if p.axe]
    assert not failures, "\n\n".join(failures)


CONTROL = "<!DOCTYPE html><html lang=it><title>Prova</title><p>Regole:<ul><li>una</ul></p>"


def test_every_page_of_every_role_is_valid_html(crawled):
    """No error reported by the Nu HTML Checker on the crawled pages (``--errors-only``: its
    warnings and informative messages are not counted)."""
    why = nu_html.missing()
    if why:
        if IN_CI:
            pytest.fail(f"CI=true but {why}", pytrace=False)
        pytest.skip(why)
    # a page with a known error goes in the batch too: the checker ran and was understood
    control = crawled.pages[0].html.with_name("control.html")
    control.write_text(CONTROL, encoding="utf-8")
    errors = nu_html.check([p.html for p in crawled.pages] + [control])
    assert any("“p” end tag" in line for line in errors.pop(control, [])), "vnu found nothing"
    by_file = {p.html: p for p in crawled.pages}
    report = [
        f"{by_file[f].role}: {by_file[f].url}\n  " + "\n  ".join(lines)
        if f in by_file
        else f"{f}\n  " + "\n  ".join(lines)
        for f, lines in errors.items()
    ]
    total = sum(len(lines) for lines in errors.values())
    assert not errors, f"{total} errors on {len(errors)} pages:\n\n" + "\n\n".join(report)
