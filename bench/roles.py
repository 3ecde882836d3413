"""The people at work, measured in-process with Django's test client against the benchmark's
database and settings (``bench/dataset.py``'s ``add_consultation``: the programme
``bench-consultazione``, its version in validation with the open consultation, its draft, the
moderation backlog, and the people).

``python bench/roles.py pages``: the pages of each role (citizen, redazione, spokesperson) as
JSON, [{"role", "page", "path"}…], for the measurements over HTTP (``bench/run.py``).

``python bench/roles.py sessions``: a logged-in session for the redazione, the spokesperson of
zone 1 and each of the first citizens, made as Django's ``force_login`` makes them (a session in
the database and the cache, with the instants ``patto.accounts.session_expiry`` reads), as
the ``Cookie`` header a browser sends: {"staff": …, "spokesperson": …, "citizens": […]}.

``python bench/roles.py reads``: each role's pages once with an empty cache (cold) and once
right after (warm): status, SQL queries, HTML bytes and milliseconds, as ``bench/queries.py``
does for the public pages. Run before the comparisons are precomputed (it empties the cache).

``python bench/roles.py writes``: the writes a person waits for, each timed a few times on the
1,000-action versions (at scale 10) through the views, as a browser sends them: save an
action of the draft, move one (the htmx request, whose answer's size is reported), a zone's
decision with remarks on ``REMARKS`` items (the confirmation shown, then the decision recorded),
and, in turns, withdraw the version in validation, send the draft to the zones, start a new
version from it. They change the data: run last. Prints {label: {"runs": [...], ...}}.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patto.settings")

import django
from django.apps import apps

if not apps.ready:  # imported by the tests, Django is already set up
    django.setup()

from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse

from bench.dataset import (
    CITIZENS,
    CONSULTATION_PROGRAMME,
    SPOKESPERSON_ZONES,
    STAFF_EMAIL,
    citizen_email,
    spokesperson_email,
)
from matrice.models import Action
from patto.models import PlanVersion, User, VersionStatus
from tavoli.models import Contribution

CITIZEN, STAFF, SPOKESPERSON = "citizen", "staff", "spokesperson"
REMARKS = 20  # items a spokesperson writes a remark on, in each decision
SAVES, MOVES, CYCLES = 3, 4, 3  # how many times each write is timed
HOST = "127.0.0.1"


def programme_versions() -> dict:
    """The consultation programme's versions by status: the one in validation, the draft."""
    versions = PlanVersion.objects.filter(programme__slug=CONSULTATION_PROGRAMME)
    return {
        "proposal": versions.get(status=VersionStatus.IN_VALIDATION),
        "draft": versions.get(status=VersionStatus.DRAFT),
    }


def citizen_emails() -> list[str]:
    """The first ``CITIZENS`` citizens' addresses: those the bench logs in."""
    return [citizen_email(number) for number in range(1, CITIZENS + 1)]


def middle_action(version) -> Action:
    """An action in the middle of its area in ``version``: it can move up and down."""
    first = Action.objects.filter(version=version).order_by("position").first()
    siblings = list(Action.objects.filter(area=first.area).order_by("position", "code", "pk"))
    return siblings[len(siblings) // 2]


def role_pages() -> list[dict]:
    """The pages each role is measured on: the citizen's, on the programme with the open
    consultation (its version page lists every contribution with a comment form), the
    redazione's on the 1,000-action draft and the backlog, the spokesperson's review of the
    1,000-action version in validation."""
    versions = programme_versions()
    proposal, draft = versions["proposal"], versions["draft"]
    slug = CONSULTATION_PROGRAMME
    # the action with the most contributions (the first of every tenth has some)
    action_key = (
        Contribution.objects.filter(version=proposal, action_key__isnull=False)
        .values_list("action_key", flat=True)
        .order_by("action_key")
        .first()
    )
    action = Action.objects.get(version=proposal, key=action_key)
    in_draft = middle_action(draft)
    pages = [
        (CITIZEN, "home (logged in)", "/"),
        (CITIZEN, "programme (logged in)", reverse("patto:programme", args=[slug])),
        (
            CITIZEN,
            "version with the open consultation",
            reverse("patto:version", args=[slug, proposal.number]),
        ),
        (
            CITIZEN,
            "action with contributions",
            reverse("matrice:action", args=[slug, proposal.number, action.code]),
        ),
        (CITIZEN, "contributions list", reverse("tavoli:contributions", args=[slug])),
        (CITIZEN, "profile", reverse("profile:detail")),
        (STAFF, "dashboard", reverse("redazione:dashboard")),
        (STAFF, "programme's versions", reverse("redazione:programme", args=[slug])),
        (STAFF, "draft overview", reverse("redazione:matrice_draft", args=[slug])),
        (
            STAFF,
            "action of the draft",
            reverse("redazione:matrice_action", args=[slug, in_draft.pk]),
        ),
        (STAFF, "moderation queue", reverse("redazione:tavoli_moderation")),
        (STAFF, "contributions (staff)", reverse("redazione:tavoli_contributions")),
        (SPOKESPERSON, "spokesperson home", reverse("portavoce:home")),
        (
            SPOKESPERSON,
            "review of the version in validation",
            reverse("portavoce:review", args=[proposal.pk, SPOKESPERSON_ZONES[0]]),
        ),
    ]
    return [{"role": role, "page": page, "path": path} for role, page, path in pages]


def client_of(email: str) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(User.objects.get(email=email))
    return client


def sessions() -> dict:
    """The ``Cookie`` header of a session of each role (the first ``CITIZENS`` citizens)."""

    def cookie(email):
        client = client_of(email)
        return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())

    return {
        STAFF: cookie(STAFF_EMAIL),
        SPOKESPERSON: cookie(spokesperson_email(SPOKESPERSON_ZONES[0])),
        "citizens": [cookie(email) for email in citizen_emails()],
    }


def clear_caches():
    for cache in caches.all():
        cache.clear()


def timed(method, client, path, data=None, **extra):
    """One request: (response, milliseconds, SQL queries)."""
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = getattr(client, method)(path, data, **extra)
        elapsed = (time.perf_counter() - started) * 1000
    return response, elapsed, len(captured)


def reads() -> dict:
    clients = {
        CITIZEN: client_of(citizen_emails()[0]),
        STAFF: client_of(STAFF_EMAIL),
        SPOKESPERSON: client_of(spokesperson_email(SPOKESPERSON_ZONES[0])),
    }
    pages = role_pages()
    for page in pages:  # a first round warms up the process (imports, URL resolvers)
        clients[page["role"]].get(page["path"])
    results = {}
    for page in pages:
        client = clients[page["role"]]
        clear_caches()
        response, ms_cold, cold = timed("get", client, page["path"])
        _, ms_warm, warm = timed("get", client, page["path"])
        results[page["page"]] = {
            **page,
            "status": response.status_code,
            "queries_cold": cold,
            "queries_warm": warm,
            "bytes": len(response.content),
            "ms_cold": round(ms_cold, 1),
            "ms_warm": round(ms_warm, 1),
        }
    clear_caches()
    return results


def form_values(form) -> dict:
    """What a browser sends for an unchanged ``form``: each field's value as shown."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    return data


class Writes:
    """The writes, each run recorded as {"ms", "queries", "status", "bytes"}."""

    def __init__(self):
        self.results = {}
        self.staff = client_of(STAFF_EMAIL)

    def record(self, label, response, ms, queries, expected):
        run = {
            "ms": round(ms, 1),
            "queries": queries,
            "status": response.status_code,
            "bytes": len(response.content),
            "ok": response.status_code == expected,
        }
        self.results.setdefault(label, {"runs": []})["runs"].append(run)

    def save_action(self, draft):
        action = middle_action(draft)
        path = reverse("redazione:matrice_action", args=[CONSULTATION_PROGRAMME, action.pk])
        for run in range(SAVES):
            data = form_values(self.staff.get(path).context["form"])
            data["title"] = f"Azione salvata dal bench ({run + 1})"
            self.record("save an action", *timed("post", self.staff, path, data), expected=302)

    def move_action(self, draft):
        action = middle_action(draft)
        path = reverse("redazione:matrice_action_move", args=[CONSULTATION_PROGRAMME, action.pk])
        for run in range(MOVES):
            direction = "down" if run % 2 == 0 else "up"
            self.record(
                "move an action (htmx)",
                *timed("post", self.staff, path, {"direction": direction}, HTTP_HX_REQUEST="true"),
                expected=200,
            )

    def decide(self, proposal):
        keys = Action.objects.filter(version=proposal).order_by("position")
        remarks = {
            f"remark-action-{key}": f"Osservazione del bench sull'azione {i + 1}."
            for i, key in enumerate(keys.values_list("key", flat=True)[:REMARKS])
        }
        for number in SPOKESPERSON_ZONES:
            client = client_of(spokesperson_email(number))
            path = reverse("portavoce:review", args=[proposal.pk, number])
            data = {**remarks, "decision": "approved", "reason": "Approvata dal bench."}
            self.record(
                f"decide with {REMARKS} remarks: check",
                *timed("post", client, path, {**data, "step": "check"}),
                expected=200,
            )
            self.record(
                f"decide with {REMARKS} remarks: confirm",
                *timed("post", client, path, {**data, "step": "confirm"}),
                expected=302,
            )

    def lifecycle(self):
        """In turns: withdraw the version in validation, send the draft to the zones, withdraw
        it, start a new version (a copy of it) — so every turn finds a version in validation
        and no draft, then a draft again."""
        slug = CONSULTATION_PROGRAMME
        for _turn in range(CYCLES):
            self.withdraw()
            draft = PlanVersion.objects.get(programme__slug=slug, status=VersionStatus.DRAFT)
            path = reverse("redazione:version_transition", args=[slug, draft.number, "invia"])
            self.record("submit", *timed("post", self.staff, path), expected=302)
            draft.refresh_from_db()
            assert draft.status == VersionStatus.IN_VALIDATION, draft.status
            self.withdraw()
            path = reverse("redazione:new_version", args=[slug])
            response, ms, queries = timed(
                "post", self.staff, path, {"change_note": "Nuova versione del bench."}
            )
            self.record("new version", response, ms, queries, expected=302)
            assert PlanVersion.objects.filter(
                programme__slug=slug, status=VersionStatus.DRAFT
            ).exists()
        self.withdraw()

    def withdraw(self):
        version = PlanVersion.objects.filter(
            programme__slug=CONSULTATION_PROGRAMME, status=VersionStatus.IN_VALIDATION
        ).first()
        if version is None:
            return
        path = reverse("redazione:version_withdraw", args=[CONSULTATION_PROGRAMME, version.number])
        data = {"reason": "Ritirata dal bench per misurare il prossimo invio."}
        self.record("withdraw", *timed("post", self.staff, path, data), expected=302)

    def summary(self) -> dict:
        for figures in self.results.values():
            runs = figures["runs"]
            figures["median_ms"] = round(statistics.median(r["ms"] for r in runs), 1)
            figures["max_ms"] = max(r["ms"] for r in runs)
            figures["queries"] = max(r["queries"] for r in runs)
            figures["bytes"] = max(r["bytes"] for r in runs)
            figures["ok"] = all(r["ok"] for r in runs)
        return self.results


def writes() -> dict:
    versions = programme_versions()
    measured = Writes()
    measured.save_action(versions["draft"])
    measured.move_action(versions["draft"])
    measured.decide(versions["proposal"])
    measured.lifecycle()
    return measured.summary()


def main(mode):
    setup_test_environment()  # the test client's context; e-mails stay in memory
    if mode == "pages":
        print(json.dumps(role_pages()))
    elif mode == "sessions":
        print(json.dumps(sessions()))
    elif mode == "reads":
        print(json.dumps(reads()))
    elif mode == "writes":
        print(json.dumps(writes()))
    else:
        raise SystemExit(f"unknown mode {mode!r}: pages, sessions, reads or writes")


if __name__ == "__main__":
    main(sys.argv[1])
