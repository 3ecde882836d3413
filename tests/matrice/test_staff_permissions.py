"""Who may open the redazione's pages on a draft and change it: a table of every page (GET) and
every change (POST) × every role. Anonymous visitors are sent to the login page, registered users
and spokespersons get 403, the redazione gets the page (200) or is redirected after the change
(302); objects of another programme, or that do not exist, answer 404 to the redazione."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from matrice.import_services import draft_state
from matrice.models import Action, ActionArea, Policy, SpreadsheetImport, Target, Tool
from tests.matrice.sheets import edit_xlsx, export, pending_import
from tests.people import login_as
from tests.versions import FAMILIES, build_version

pytestmark = pytest.mark.django_db

KINDS = ["policy", "area", "action", "tool", "target"]
MODELS = {"policy": Policy, "area": ActionArea, "action": Action, "tool": Tool, "target": Target}


def item_of(d, kind):
    """The item a page of ``kind`` is about (tools and targets: one no action uses)."""
    return {
        "policy": d.policy,
        "area": d.area,
        "action": d.action,
        "tool": d.tools[1],
        "target": d.targets[1],
    }[kind]


def form_data(d, kind, item=None):
    data = {
        "policy": {"code": "2", "title": "Casa e abitare"},
        "area": {"policy": d.policy.pk, "code": "1.2", "title": "Nuovo ambito"},
        "action": {
            "area": d.area.pk,
            "code": "1.1.9",
            "title": "Nuova azione",
            "tools": [d.tools[0].pk, d.tools[1].pk],
            "targets": [d.targets[0].pk],
        },
        "tool": {"code": "S9", "name": "Nuovo strumento"},
        "target": {"code": "D9", "name": "Nuovi destinatari"},
    }[kind]
    if item is not None:
        data |= {"code": item.code, "revision": item.revision}
    return data


def spreadsheet_request(d, page):
    slug = d.programme.slug
    if page == "export ods":
        return "get", reverse("redazione:matrice_version_ods", args=[slug, 1]), None
    if page == "export xlsx":
        return "get", reverse("redazione:matrice_version_xlsx", args=[slug, 1]), None
    if page == "import page":
        return "get", reverse("redazione:matrice_import", args=[slug]), None
    if page == "upload":
        content = edit_xlsx(export(d.version), {("Azioni", "D2"): "Caricato"})
        data = {"file": SimpleUploadedFile("piano.xlsx", content)}
        return "post", reverse("redazione:matrice_import", args=[slug]), data
    upload = pending_import(d)
    url = reverse("redazione:matrice_import_preview", args=[slug, upload.pk])
    if page == "preview":
        return "get", url, None
    return "post", url, {"sha256": upload.sha256, "state": upload.draft_state}  # confirm


SPREADSHEET_PAGES = ("export ods", "export xlsx", "import page", "preview", "upload", "confirm")


def request_for(d, case):
    """(method, url, data) of one row of the table, on the draft ``d``."""
    slug = d.programme.slug
    page, kind = case
    if page in ("matrice_draft", "matrice_draft_matrix", "matrice_catalogues"):
        return "get", reverse(f"redazione:{page}", args=[slug]), None
    if page in SPREADSHEET_PAGES:
        return spreadsheet_request(d, page)
    if page == "renumber page":
        return "get", reverse("redazione:matrice_renumber", args=[slug]), None
    if page == "renumber":
        url = reverse("redazione:matrice_renumber", args=[slug])
        return "post", url, {"state": draft_state(d.version)}
    item = item_of(d, kind)
    name = f"redazione:matrice_{kind}"
    return {
        "create page": ("get", reverse(f"{name}_create", args=[slug]), None),
        "item page": ("get", reverse(name, args=[slug, item.pk]), None),
        "delete page": ("get", reverse(f"{name}_delete", args=[slug, item.pk]), None),
        "create": ("post", reverse(f"{name}_create", args=[slug]), form_data(d, kind)),
        "update": ("post", reverse(name, args=[slug, item.pk]), form_data(d, kind, item)),
        "delete": (
            "post",
            reverse(f"{name}_delete", args=[slug, item.pk]),
            {"revision": item.revision},
        ),
        "move": ("post", reverse(f"{name}_move", args=[slug, item.pk]), {"direction": "up"}),
    }[page]


CASES = [
    ("matrice_draft", None),
    ("matrice_draft_matrix", None),
    ("matrice_catalogues", None),
    *[(page, kind) for kind in KINDS for page in ("create page", "item page", "delete page")],
    *[(change, kind) for kind in KINDS for change in ("create", "update", "delete", "move")],
    *[(page, None) for page in SPREADSHEET_PAGES],
    ("renumber page", None),
    ("renumber", None),
]


def case_id(case):
    page, kind = case
    return f"{page}-{kind}" if kind else page


@pytest.fixture(params=["anonymous", "registered user", "spokesperson", "redazione"])
def role(request, client):
    login_as(client, request.param)
    return request.param


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_permissions_table(client, role, case):
    d = build_version(**FAMILIES)
    method, url, data = request_for(d, case)
    response = getattr(client, method)(url, data or {})

    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role in ("registered user", "spokesperson"):
        assert response.status_code == 403
    else:
        expected = 200 if method == "get" else 302
        assert response.status_code == expected, response.content[:2000]


def test_refused_changes_change_nothing(client):
    d = build_version(**FAMILIES)
    login_as(client, "registered")
    for kind in KINDS:
        _, url, data = request_for(d, ("update", kind))
        client.post(url, data)
        _, url, data = request_for(d, ("delete", kind))
        client.post(url, data)
    for page in ("upload", "confirm", "renumber"):
        _, url, data = request_for(d, (page, None))
        assert client.post(url, data).status_code == 403
    assert Policy.objects.get(pk=d.policy.pk).title == "Famiglie e minori"
    assert Tool.objects.filter(version=d.version).count() == 2
    assert Action.objects.get(pk=d.action.pk).title == "Centri per le famiglie 1"
    assert not SpreadsheetImport.objects.exclude(status="pending").exists()
    assert SpreadsheetImport.objects.count() == 1  # the one made for the confirm row


@pytest.mark.parametrize("page", ["preview", "confirm"])
def test_an_upload_of_another_programme_is_404(staff_client, page):
    mine = build_version(**FAMILIES)
    other = build_version(slug="altro-piano", **FAMILIES)
    method, url, data = request_for(other, (page, None))
    url = url.replace(f"/{other.programme.slug}/", f"/{mine.programme.slug}/")
    assert getattr(staff_client, method)(url, data or {}).status_code == 404
    assert Action.objects.get(pk=other.action.pk).title == "Centri per le famiglie 1"


def test_any_member_of_the_redazione_may_confirm_and_is_the_one_recorded(client):
    d = build_version(**FAMILIES)
    upload = pending_import(d)
    confirmer = login_as(client, "staff")
    response = client.post(
        reverse("redazione:matrice_import_preview", args=[d.programme.slug, upload.pk]),
        {"sha256": upload.sha256, "state": upload.draft_state},
    )
    assert response.status_code == 302
    action = Action.objects.get(pk=d.action.pk)
    assert action.title == "Dal foglio"
    assert action.history.order_by("-history_date").first().history_user == confirmer


# 404: what does not exist, or belongs to another programme ----------------------------------


@pytest.mark.parametrize("page", ["matrice_draft", "matrice_draft_matrix", "matrice_catalogues"])
def test_unknown_programme_is_404(staff_client, page):
    build_version(**FAMILIES)
    response = staff_client.get(reverse(f"redazione:{page}", args=["non-esiste"]))
    assert response.status_code == 404


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("page", ["item page", "delete page", "update", "delete", "move"])
def test_item_of_another_programme_is_404(staff_client, kind, page):
    mine = build_version(**FAMILIES)
    other = build_version(slug="altro-piano", **FAMILIES)
    method, url, data = request_for(other, (page, kind))
    # the same item, asked for under this programme's URL
    url = url.replace(f"/{other.programme.slug}/", f"/{mine.programme.slug}/")
    response = getattr(staff_client, method)(url, data or {})
    assert response.status_code == 404
    item = MODELS[kind].objects.get(pk=item_of(other, kind).pk)
    assert item.revision == 1  # untouched


@pytest.mark.parametrize("kind", KINDS)
def test_item_that_does_not_exist_is_404(staff_client, kind):
    d = build_version(**FAMILIES)
    url = reverse(f"redazione:matrice_{kind}", args=[d.programme.slug, 999999])
    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url, {"revision": 1}).status_code == 404
