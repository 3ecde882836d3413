"""No object of the staff or spokesperson area is reachable by guessing its id (IDOR).

The URLs are enumerated from the URL configuration, so a view added later is covered without
anyone listing it here; a URL whose parameters this module cannot fill fails the test (nothing
is skipped silently): add its objects to ``OBJECTS`` / ``NESTED`` below.

- every /redazione/ URL, GET and POST: anonymous → login page; a registered user and a
  spokesperson → 403/404;
- /portavoce/: a registered user → 403; the spokesperson of one zone on another zone's review
  → 403; on a draft, or on a programme their zone does not validate → 404;
- nested URLs with an object of another programme (an action of programme A under programme
  B's draft, a membership of another table, a version number of another programme) → 404, even
  for the redazione; an item of a submitted version under the draft's URL changes nothing;
and in every refused case nothing is stored (every row of every table of the portal's apps is
compared before and after)."""

import datetime
import uuid

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import URLResolver, get_resolver, reverse

from patto.models import DroppedAction, MonitoringUpdate, UpdateAttachment, VersionStatus
from patto.programme import services
from tavoli.models import Comment
from tests.factories import (
    BodyFactory,
    ContributionFactory,
    MeetingFactory,
    PhaseFactory,
    ProgrammeFactory,
    UserFactory,
    ZoneFactory,
)
from tests.matrice.sheets import pending_import
from tests.people import login_as, someone
from tests.tavoli.factories import TableMembershipFactory
from tests.versions import FAMILIES, Content, build_version
from zone.models import MembershipImport
from zone.services import membership_state

pytestmark = pytest.mark.django_db

AREAS = {"redazione", "portavoce"}
APPS = {"patto", "matrice", "tavoli", "incontri", "zone"}
REFUSED = {403, 404}


def area_patterns():
    """(namespace, URL name, parameter names, view initkwargs) of every staff and spokesperson
    URL, from the URL configuration."""

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif namespace in AREAS:
                params = tuple(p.pattern.converters) if hasattr(p.pattern, "converters") else ()
                yield namespace, p.name, params, getattr(p.callback, "view_initkwargs", {})

    found = sorted({_key(x) for x in walk(get_resolver().url_patterns)})
    assert len(found) > 40, found  # the enumeration did find the areas
    return found


def _key(entry):
    namespace, name, params, initkwargs = entry
    kind = initkwargs.get("kind")
    return namespace, name, params, kind.name if kind else None


def snapshot() -> dict[str, str]:
    """A digest of every row of every table (history and many-to-many included) of the
    portal's apps, computed by the database in one query; users without their ``last_login``,
    which logging in the test's roles updates."""
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in APPS
    )
    if connection.vendor != "postgresql":
        pytest.skip("the snapshot of every table needs PostgreSQL")
    parts = [
        f"SELECT '{table}', md5(coalesce(string_agg("
        f"(to_jsonb(t) - 'last_login')::text, ',' ORDER BY (to_jsonb(t) - 'last_login')::text"
        f"), '')) FROM \"{table}\" t"
        for table in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


@pytest.fixture
def world():
    """Programme A (validated by two zones; version 1 in validation, version 2 a draft) and
    programme B (a draft), each with its own tables, memberships, contributions, meetings."""
    a = ProgrammeFactory(slug="programma-a", title="Programma A")
    zone_a, zone_b = ZoneFactory(), ZoneFactory()
    a.validating_zones.set([zone_a, zone_b])
    staff = someone("staff")
    submitted = build_version(programme=a, number=1, **FAMILIES)
    services.submit_version(version=submitted.version, by=staff)
    draft = copy_of(submitted, services.create_version(programme=a, by=staff))
    b = build_version(
        programme=ProgrammeFactory(slug="programma-b", title="Programma B"), number=1, **FAMILIES
    )
    other = ProgrammeFactory(slug="programma-c")  # validated by a zone of its own
    other_zone = ZoneFactory()
    other.validating_zones.set([other_zone])
    other_version = build_version(programme=other, number=1, **FAMILIES).version
    services.submit_version(version=other_version, by=someone("staff"))
    w = {
        "a": a,
        "draft": draft,
        "submitted": submitted,
        "b": b,
        "zones": (zone_a, zone_b),
        "other_version": other_version,
        "other_zone": other_zone,
        "table": draft.table,
        "membership": TableMembershipFactory(table=draft.table, body=BodyFactory()),
        "b_membership": TableMembershipFactory(table=b.table, body=BodyFactory()),
        "body": BodyFactory(),
        "contribution": ContributionFactory(programme=a),
        "meeting": MeetingFactory(
            programme=a, minutes_file=SimpleUploadedFile("verbale.pdf", b"%PDF-1.4\n%%EOF\n")
        ),
        "phase": PhaseFactory(programme=a, position=9),
    }
    w["spreadsheet_import"] = pending_import(draft)
    w["membership_import"] = MembershipImport.objects.create(
        uploaded_by=staff,
        file_name="elenco.csv",
        sha256="0" * 64,
        membership_state=membership_state(),
        content=b"zona;comune\n1;Torino\n",
    )
    w["comment"] = Comment.objects.create(
        contribution=w["contribution"], author=UserFactory(), text="Un commento."
    )
    w["spokesperson_a"] = someone("spokesperson", zone=zone_a)
    w["spokesperson_b"] = someone("spokesperson", zone=zone_b)
    monitoring_world(w, staff)
    return w


def monitoring_world(w, staff):
    """The monitoring's staff pages need a plan in force: programme M's published version 1,
    with a spokesperson's proposed update (and its PDF) on its action and an action a later
    version dropped."""
    m = build_version(
        programme=ProgrammeFactory(slug="programma-m", title="Programma M"),
        number=1,
        status=VersionStatus.PUBLISHED,
        **FAMILIES,
    )
    proposal = MonitoringUpdate.objects.create(
        programme=m.programme,
        action_key=m.action.key,
        happened_on=datetime.date(2026, 1, 15),
        title="Proposta",
        text="Il testo.",
        author=w["spokesperson_a"],
    )
    w["m"] = m
    w["proposal"] = proposal
    w["attachment"] = UpdateAttachment.objects.create(
        update=proposal,
        title="Delibera",
        file=SimpleUploadedFile("delibera.pdf", b"%PDF-1.4\n%%EOF\n"),
        size=15,
        uploaded_by=staff,
    )
    w["dropped"] = DroppedAction.objects.create(
        programme=m.programme,
        action_key=uuid.uuid4(),
        last_version=m.version,
        dropped_in=m.version,
    )


def copy_of(d: Content, version) -> Content:
    """``d``'s items as copied into the new draft ``version`` (same keys, new rows)."""

    def same(items):
        return [type(obj).objects.get(version=version, key=obj.key) for obj in items]

    return Content(
        programme=d.programme,
        version=version,
        policies=same(d.policies),
        areas=same(d.areas),
        actions=same(d.actions),
        tools=same(d.tools),
        targets=same(d.targets),
        zones=d.zones,
        tables=d.tables,
    )


def item(d, kind):
    return {
        "policy": d.policy,
        "area": d.area,
        "action": d.action,
        "tool": d.tools[1],
        "target": d.targets[1],
    }[kind]


# The object behind ``pk`` for URL names that start with these words (matrice's item pages
# say their kind in their initkwargs).
OBJECTS = {
    "tavoli_table": "table",
    "tavoli_membership": "table",
    "tavoli_body": "body",
    "tavoli_contribution": "contribution",
    "incontri_meeting": "meeting",
    "tavoli_comment": "comment",
    "tavoli_phase": "phase",
    "matrice_import": "spreadsheet_import",
    "zone_import": "membership_import",
}


# The object behind ``pk`` of the monitoring's staff pages (programme M's plan in force).
MONITORING_OBJECTS = {
    "monitoring_attachment": "attachment",
    "monitoring_dropped_explain": "dropped",
    "monitoring_proposal_decide": "proposal",
}
# The fixed words of their URLs: the form saved, the decision taken.
MONITORING_WORDS = {"part": "stato", "decision": "pubblica"}


def kwargs_for(w, name, params, kind) -> dict:
    """Parameters that reach an existing object of programme A's draft (or its version in
    validation for the spokesperson area; of programme M's plan in force for the monitoring)."""
    values = {}
    monitoring = name.startswith("monitoring")
    for param in params:
        if monitoring and param == "slug":
            values[param] = w["m"].programme.slug
        elif monitoring and param == "key":
            values[param] = w["m"].action.key
        elif monitoring and param in MONITORING_WORDS:
            values[param] = MONITORING_WORDS[param]
        elif monitoring and param == "pk" and name in MONITORING_OBJECTS:
            values[param] = w[MONITORING_OBJECTS[name]].pk
        elif param == "slug":
            values[param] = w["a"].slug
        elif param == "number":
            values[param] = w["draft"].version.number
        elif param == "transition":
            values[param] = "invia"
        elif param == "membership":
            values[param] = w["membership"].pk
        elif param == "zone_number":
            values[param] = w["zones"][0].number
        elif param == "pk" and name == "review":
            values[param] = w["submitted"].version.pk
        elif param == "pk" and kind:
            values[param] = item(w["draft"], kind).pk
        elif param == "pk" and any(name.startswith(p) for p in OBJECTS):
            prefix = next(p for p in OBJECTS if name.startswith(p))
            values[param] = w[OBJECTS[prefix]].pk
        else:
            pytest.fail(f"test_idor cannot fill <{param}> of URL '{name}': add it to kwargs_for")
    return values


def nested_cases(w, name, params, kind):
    """Parameter sets that mix objects of different programmes (each must 404), and items of
    A's submitted version under A's draft URL (``frozen``: the item pages show any version of
    the programme read-only by design, so those must change nothing)."""
    own = kwargs_for(w, name, params, kind)
    cases = []
    if "slug" in params and len(params) > 1:
        cases.append(("other programme", {**own, "slug": w["b"].programme.slug}))
    if "membership" in params:
        cases.append(("other table", {**own, "membership": w["b_membership"].pk}))
    if "number" in params:  # B has no version 2
        cases.append(("other programme", {**own, "slug": w["b"].programme.slug, "number": 2}))
    if kind and "pk" in params:
        cases.append(("frozen", {**own, "pk": item(w["submitted"], kind).pk}))
    if len(params) > 1 and not cases:
        pytest.fail(f"test_idor has no cross-object case for URL '{name}' {params}")
    return cases


@pytest.fixture
def roles(world):
    spokesperson = world["spokesperson_a"]
    return {"registered": someone("registered"), "spokesperson": spokesperson}


def test_every_staff_url_refuses_anyone_but_the_redazione(client, world, roles):
    before = snapshot()
    staff_urls = [p for p in area_patterns() if p[0] == "redazione"]
    for _ns, name, params, kind in staff_urls:
        url = reverse(f"redazione:{name}", kwargs=kwargs_for(world, name, params, kind))
        client.logout()
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (url, method, response.status_code)
            assert response["Location"].startswith(reverse("account_login")), url
        for role, user in roles.items():
            client.force_login(user)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code in REFUSED, (role, method, url, response.status_code)
    assert snapshot() == before


def test_nested_urls_with_objects_of_another_programme_or_version_are_404(client, world):
    login_as(client, "staff")
    checked = 0
    for _ns, name, params, kind in area_patterns():
        if _ns != "redazione":
            continue
        url = reverse(f"redazione:{name}", kwargs=kwargs_for(world, name, params, kind))
        own = client.get(url)
        assert own.status_code in {200, 405}, (url, own.status_code)  # the own object is there
        for what, case in nested_cases(world, name, params, kind):
            before = snapshot()
            crossed = reverse(f"redazione:{name}", kwargs=case)
            for method in ("get", "post"):
                response = getattr(client, method)(crossed, {"revision": 1, "direction": "up"})
                if what == "frozen":
                    assert response.status_code in {200, 302, 404, 405}, (method, crossed)
                elif method == "get" and own.status_code == 405:
                    assert response.status_code == 405, crossed  # POST-only: nothing to see
                else:
                    assert response.status_code == 404, (method, crossed, response.status_code)
            assert snapshot() == before, crossed
            checked += 1
    assert checked > 25


def review_url(version, zone):
    return reverse("portavoce:review", args=[version.pk, zone.number])


# Every POST of the review page is one of its steps (the button pressed): open a remark box,
# save the draft, check, back, confirm the decision.
STEPS = ("write:policy:x", "save", "check", "back", "confirm")


def test_the_spokesperson_area_shows_each_zone_only_its_own_versions(client, world, roles):
    before = snapshot()
    zone_a, zone_b = world["zones"]
    submitted, draft = world["submitted"].version, world["draft"].version
    decide = {"decision": "approved"}

    client.logout()
    for url in (reverse("portavoce:home"), review_url(submitted, zone_a)):
        assert client.get(url)["Location"].startswith(reverse("account_login"))
        for step in STEPS:
            response = client.post(url, {**decide, "step": step})
            assert response["Location"].startswith(reverse("account_login"))

    client.force_login(roles["registered"])
    assert client.get(reverse("portavoce:home")).status_code == 403
    for step in STEPS:
        response = client.post(review_url(submitted, zone_a), {**decide, "step": step})
        assert response.status_code == 403

    client.force_login(world["spokesperson_a"])
    assert client.get(review_url(submitted, zone_a)).status_code == 200  # the own zone
    refused = [
        (review_url(submitted, zone_b), 403),  # another zone of the same programme
        (review_url(draft, zone_a), 404),  # a version not in validation
        (review_url(world["other_version"], zone_a), 404),  # a programme the zone doesn't validate
        (review_url(world["other_version"], world["other_zone"]), 403),  # nor its zone
        (reverse("portavoce:review", args=[999_999, zone_a.number]), 404),
    ]
    for url, status in refused:
        assert client.get(url).status_code == status, url
        for step in STEPS:
            data = {**decide, "remark-policy-x": "Nota", "step": step}
            assert client.post(url, data).status_code == status, (url, step)
    assert snapshot() == before
    assert submitted.validations.count() == 0
    assert draft.status == VersionStatus.DRAFT
