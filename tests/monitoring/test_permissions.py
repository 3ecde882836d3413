"""Who may do what with the monitoring of the plan in force, through the pages: a table of
every role (anonymous, registered user, spokesperson of the action's zone, spokesperson of
another zone, staff) × every action (see the staff pages, record the state, add an update, add
an indicator, record a value, publish or decline a proposal, explain a dropped action, propose
an update as a spokesperson). Anonymous visitors are sent to the login page, the others refused
with 403 (or 404 for what they may not know exists); a refused request changes nothing.

Then hostile input, as staff and as a spokesperson: refused with a message next to the field,
what was typed still in the form, nothing stored."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from patto.models import (
    ActionMonitoring,
    DroppedAction,
    IndicatorValue,
    MonitoringIndicator,
    MonitoringUpdate,
    UpdateAttachment,
    UpdateStatus,
    VersionStatus,
)
from patto.monitoring import services
from tests.monitoring.conftest import fake_pdf, pdf_upload
from tests.versions import build_version, freeze

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "registered", "spokesperson", "other spokesperson", "staff"]


def person(world, role):
    return {
        "anonymous": None,
        "registered": world.registered,
        "spokesperson": world.sp1,
        "other spokesperson": world.sp2,
        "staff": world.staff,
    }[role]


def log_in(client, world, role):
    user = person(world, role)
    if user is not None:
        client.force_login(user)
    return user


def action_url(world, part=None, action=None):
    key = (action or world.local).key
    if part is None:
        return reverse("redazione:monitoring_action", args=[world.programme.slug, key])
    return reverse("redazione:monitoring_action_save", args=[world.programme.slug, key, part])


@pytest.fixture
def scene(world):
    """The world with something to act on: an indicator, a proposal of zone 1's spokesperson
    with a PDF, and an action dropped by a newer published version."""
    world.indicator = services.add_indicator(
        programme=world.programme,
        action_key=world.local.key,
        name="Famiglie seguite",
        target=Decimal(100),
        by=world.staff,
    )
    world.proposal = services.add_update(
        programme=world.programme,
        action_key=world.local.key,
        happened_on=datetime.date(2024, 3, 1),
        title="Nuovo sportello a Ivrea",
        text="Aperto il lunedì.",
        zone=world.zone1,
        attachments=[pdf_upload()],
        by=world.sp1,
    )
    world.dropped = DroppedAction.objects.create(
        programme=world.programme,
        action_key=world.elsewhere.key,
        last_version=world.version,
        dropped_in=world.version,
    )
    return world


def assert_refused(response, role):
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == 403


# Staff pages ---------------------------------------------------------------------------------

STAFF_PAGES = {
    "actions": lambda w: reverse("redazione:monitoring", args=[w.programme.slug]),
    "action": lambda w: action_url(w),
    "proposals": lambda w: reverse("redazione:monitoring_proposals", args=[w.programme.slug]),
    "dropped": lambda w: reverse("redazione:monitoring_dropped", args=[w.programme.slug]),
    "attachment": lambda w: reverse(
        "redazione:monitoring_attachment", args=[w.proposal.attachments.get().pk]
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_the_staff_pages_are_for_staff_only(client, scene, role):
    log_in(client, scene, role)
    for name, url in STAFF_PAGES.items():
        response = client.get(url(scene))
        if role == "staff":
            assert response.status_code == 200, name
        else:
            assert_refused(response, role)


def test_staff_pages_show_what_is_recorded(client, scene):
    client.force_login(scene.staff)
    proposals = client.get(STAFF_PAGES["proposals"](scene)).content.decode()
    assert "Nuovo sportello a Ivrea" in proposals and "relazione" in proposals
    page = client.get(action_url(scene)).content.decode()
    assert "Famiglie seguite" in page and "Proposto" in page
    attachment = client.get(STAFF_PAGES["attachment"](scene))
    assert attachment["Content-Type"] == "application/pdf"
    assert b"".join(attachment.streaming_content).startswith(b"%PDF-")
    # an update's text is shown as it will be published (Markdown), not as typed
    services.add_update(
        programme=scene.programme,
        action_key=scene.local.key,
        happened_on=datetime.date(2024, 3, 2),
        title="Anche il sabato",
        text="Aperto *anche* il sabato.",
        zone=scene.zone1,
        by=scene.sp1,
    )
    for url in (STAFF_PAGES["proposals"](scene), action_url(scene)):
        page = client.get(url).content.decode()
        assert "<em>anche</em>" in page and "*anche*" not in page
    # every monitoring page leads to the reports and to what the public sees
    slug = scene.programme.slug
    for name in ("actions", "proposals", "dropped"):
        page = client.get(STAFF_PAGES[name](scene)).content.decode()
        assert reverse("redazione:monitoring_reports", args=[slug]) in page, name
        assert reverse("monitoring:overview", args=[slug]) in page, name
    # an action not in the plan in force, a programme without one: not found
    draft = build_version(scene.programme, number=2, actions=1)
    assert client.get(action_url(scene, action=draft.action)).status_code == 404


def test_staff_narrow_the_list_by_state_and_by_proposals_waiting(client, scene):
    services.record_implementation(
        programme=scene.programme,
        action_key=scene.everywhere.key,
        state="suspended",
        state_reason="Manca il personale.",
        progress=10,
        expected_revision=None,
        by=scene.staff,
    )
    client.force_login(scene.staff)
    url = STAFF_PAGES["actions"](scene)

    def listed(query):
        page = client.get(url + query).content.decode()
        return page, {
            a.code
            for a in (scene.local, scene.everywhere, scene.elsewhere)
            if f">{a.code} {a.title}</a>" in page
        }

    assert listed("")[1] == {"1.1.1", "1.1.2", "1.1.3"}
    page, codes = listed("?stato=suspended")
    assert codes == {scene.everywhere.code}
    assert "1 azione corrisponde ai filtri." in page and "Azzera" in page
    assert '<option value="suspended" selected>' in page
    # nothing recorded counts as not started, as on the public pages
    assert listed("?stato=not_started")[1] == {scene.local.code, scene.elsewhere.code}
    assert listed("?proposte=1")[1] == {scene.local.code}  # zone 1's proposal
    page, codes = listed("?stato=completed")
    assert not codes and "Nessuna azione corrisponde ai filtri scelti." in page
    # a state that does not exist: said next to the field, and the whole list shown
    page, codes = listed("?stato=finita&page=1")
    assert "Questo stato non esiste" in page and len(codes) == 3


# Staff writes: (POST address, form data, "did it happen?") ------------------------------------


@dataclass
class Write:
    url: Callable
    data: Callable
    happened: Callable


TODAY = timezone.localdate


WRITES = {
    "record state": Write(
        lambda w: action_url(w, "stato"),
        lambda w: {"state": "in_progress", "progress": "30", "committed": "100", "spent": ""},
        lambda w: ActionMonitoring.objects.filter(progress=30).exists(),
    ),
    "add update": Write(
        lambda w: action_url(w, "aggiornamento"),
        lambda w: {"happened_on": "2024-04-01", "title": "Bando uscito", "text": "Il bando."},
        lambda w: MonitoringUpdate.objects.filter(title="Bando uscito").exists(),
    ),
    "add indicator": Write(
        lambda w: action_url(w, "indicatore"),
        lambda w: {"name": "Sportelli aperti", "target": "5"},
        lambda w: MonitoringIndicator.objects.filter(name="Sportelli aperti").exists(),
    ),
    "record value": Write(
        lambda w: action_url(w, "valore"),
        lambda w: {"indicator": w.indicator.pk, "measured_on": "2024-04-01", "value": "12"},
        lambda w: IndicatorValue.objects.filter(value=12).exists(),
    ),
    "publish": Write(
        lambda w: reverse(
            "redazione:monitoring_proposal_decide",
            args=[w.programme.slug, w.proposal.pk, "pubblica"],
        ),
        lambda w: {},
        lambda w: MonitoringUpdate.objects.filter(status=UpdateStatus.PUBLISHED).exists(),
    ),
    "decline": Write(
        lambda w: reverse(
            "redazione:monitoring_proposal_decide",
            args=[w.programme.slug, w.proposal.pk, "rifiuta"],
        ),
        lambda w: {f"rifiuta-{w.proposal.pk}-reason": "Già pubblicato altrove."},
        lambda w: MonitoringUpdate.objects.filter(status=UpdateStatus.DECLINED).exists(),
    ),
    "explain dropped": Write(
        lambda w: reverse(
            "redazione:monitoring_dropped_explain", args=[w.programme.slug, w.dropped.pk]
        ),
        lambda w: {f"motivo-{w.dropped.pk}-reason": "Finanziata da un altro fondo."},
        lambda w: DroppedAction.objects.exclude(reason="").exists(),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", WRITES)
def test_only_staff_write_the_monitoring(client, scene, role, write):
    step = WRITES[write]
    log_in(client, scene, role)
    response = client.post(step.url(scene), step.data(scene))
    if role == "staff":
        assert response.status_code == 302, response.content.decode()[:2000]
        assert step.happened(scene)
    else:
        assert_refused(response, role)
        assert not step.happened(scene)


# The spokesperson's pages -------------------------------------------------------------------


def propose_url(world, action):
    return reverse("portavoce:monitoring_propose", args=[world.programme.slug, action.key])


@pytest.mark.parametrize("role", ROLES)
def test_a_spokesperson_proposes_updates_about_their_own_zone(client, world, role):
    log_in(client, world, role)
    listing = client.get(reverse("portavoce:monitoring"))
    response = client.post(
        propose_url(world, world.local),
        {
            "zone": world.zone1.pk,
            "happened_on": "2024-04-01",
            "title": "Aperto a Ivrea",
            "text": "Lo sportello è aperto.",
        },
    )
    proposed = MonitoringUpdate.objects.filter(title="Aperto a Ivrea")
    if role == "spokesperson":
        assert listing.status_code == 200
        assert world.local.title in listing.content.decode()
        assert world.elsewhere.title not in listing.content.decode()  # zone 2's only
        assert response.status_code == 302
        assert proposed.get().status == UpdateStatus.PROPOSED
        assert "Aperto a Ivrea" in client.get(reverse("portavoce:monitoring")).content.decode()
    elif role == "other spokesperson":
        # the list is theirs; this action is not about their zone
        assert listing.status_code == 200
        assert response.status_code == 403
        assert not proposed.exists()
    else:  # staff are no spokespersons: they write updates on their own pages
        assert_refused(listing, role)
        assert_refused(response, role)
        assert not proposed.exists()


def test_a_spokesperson_chooses_only_among_their_zones(client, world):
    client.force_login(world.sp2)
    # the action of every zone: zone 2's spokesperson may write about zone 2, not zone 1
    response = client.post(
        propose_url(world, world.everywhere),
        {"zone": world.zone1.pk, "happened_on": "2024-04-01", "title": "T", "text": "X"},
    )
    assert response.status_code == 200
    assert "La scelta effettuata non compare tra quelle disponibili" in response.content.decode()
    assert not MonitoringUpdate.objects.exists()
    # a programme none of their zones validates, an action out of force: not found
    other = build_version(slug="altro", actions=1, status=VersionStatus.DRAFT)
    freeze(other.version, VersionStatus.PUBLISHED, published_at=timezone.now())
    assert client.get(propose_url(other, other.action)).status_code == 404


def test_the_spokesperson_reads_what_became_of_each_proposal(client, scene):
    services.decline_update(
        update=scene.proposal, reason="Manca la data del bando.", by=scene.staff
    )
    client.force_login(scene.sp1)
    page = client.get(reverse("portavoce:monitoring")).content.decode()
    assert "Non pubblicato" in page and "Manca la data del bando." in page


@pytest.mark.parametrize("role", ROLES)
def test_a_spokesperson_downloads_the_pdfs_of_their_own_proposals(client, scene, role):
    """Whatever became of the proposal: to check what was sent, or to send it again."""
    services.decline_update(update=scene.proposal, reason="Manca la data.", by=scene.staff)
    attachment = scene.proposal.attachments.get()
    url = reverse("portavoce:monitoring_attachment", args=[attachment.pk])
    log_in(client, scene, role)
    listing = client.get(reverse("portavoce:monitoring"))
    response = client.get(url)
    if role == "spokesperson":
        assert f'href="{url}"' in listing.content.decode()
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    elif role == "other spokesperson":  # another zone's proposal: as if it did not exist
        assert url not in listing.content.decode()
        assert response.status_code == 404
    else:  # staff read it on their own pages (STAFF_PAGES["attachment"])
        assert_refused(response, role)
    assert client.post(url).status_code in {302, 403, 404, 405}


# Hostile input ------------------------------------------------------------------------------

HOSTILE = {
    "negative money": (
        "stato",
        {"state": "in_progress", "progress": "10", "committed": "-5"},
        "non possono essere negative",
    ),
    "progress 150": ("stato", {"state": "in_progress", "progress": "150"}, "da 0 a 100"),
    "future update": (
        "aggiornamento",
        {"happened_on": "2999-01-01", "title": "Dal futuro", "text": "Testo"},
        "nel futuro",
    ),
    "huge text": (
        "aggiornamento",
        {"happened_on": "2024-01-01", "title": "Lungo", "text": "x" * 20_000},
        "al massimo 10.000 caratteri (ne hai scritti 20.000)",
    ),
    "huge title": (
        "aggiornamento",
        {"happened_on": "2024-01-01", "title": "x" * 5000, "text": "Testo"},
        "al massimo 200 caratteri (ne hai scritti 5.000)",
    ),
    "future value": (
        "valore",
        {"measured_on": "2999-01-01", "value": "3"},
        "nel futuro",
    ),
    "huge number": ("indicatore", {"name": "Tanti", "target": "9" * 40}, "cifre"),
    "money that reads two ways": (
        "stato",
        {"state": "in_progress", "progress": "10", "committed": "150.00,5"},
        "Scrivi il numero così: 150.000,50 oppure 150000,50",
    ),
    "a target that reads two ways": (
        "indicatore",
        {"name": "Sportelli", "target": "1.5.0"},
        "Scrivi il numero così: 150.000,50 oppure 150000,50",
    ),
    "a value with a comma for thousands": (
        "valore",
        {"measured_on": "2024-01-01", "value": "1,500.5"},
        "Scrivi il numero così: 150.000,50 oppure 150000,50",
    ),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_input_is_refused_with_a_message_and_nothing_changes(client, scene, case):
    part, data, message = HOSTILE[case]
    if part == "valore":
        data = {**data, "indicator": scene.indicator.pk}
    client.force_login(scene.staff)
    before = (
        ActionMonitoring.objects.count(),
        MonitoringUpdate.objects.count(),
        IndicatorValue.objects.count(),
        MonitoringIndicator.objects.count(),
    )
    response = client.post(action_url(scene, part), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page.replace("&#x27;", "'"), page[:3000]
    assert "Non salvato" in page
    after = (
        ActionMonitoring.objects.count(),
        MonitoringUpdate.objects.count(),
        IndicatorValue.objects.count(),
        MonitoringIndicator.objects.count(),
    )
    assert after == before
    # what was typed is still there
    if "title" in data and len(data["title"]) < 100:
        assert f'value="{data["title"]}"' in page


@pytest.mark.parametrize("who", ["staff", "spokesperson"])
def test_a_file_renamed_pdf_is_refused_and_the_text_is_kept(client, world, who):
    client.force_login(world.staff if who == "staff" else world.sp1)
    data = {
        "happened_on": "2024-01-01",
        "title": "Con allegato",
        "text": "Il testo scritto con cura.",
        "attachments": [pdf_upload(), fake_pdf("bilancio.pdf")],
    }
    if who == "staff":
        url = action_url(world, "aggiornamento")
    else:
        url, data["zone"] = propose_url(world, world.local), world.zone1.pk
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "«bilancio.pdf» non è un PDF valido" in page
    assert 'value="Con allegato"' in page and "Il testo scritto con cura." in page
    assert not MonitoringUpdate.objects.exists() and not UpdateAttachment.objects.exists()


def test_a_conflict_is_shown_and_the_typed_values_kept(client, world, other_staff):
    services.record_implementation(
        programme=world.programme,
        action_key=world.local.key,
        state="in_progress",
        progress=20,
        expected_revision=None,
        by=other_staff,
    )
    services.record_implementation(
        programme=world.programme,
        action_key=world.local.key,
        state="in_progress",
        progress=50,
        committed=Decimal("150000.50"),
        expected_revision=1,
        by=other_staff,
    )
    client.force_login(world.staff)
    response = client.post(
        action_url(world, "stato"), {"revision": "1", "state": "completed", "progress": "100"}
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Nel frattempo" in page and "Cosa è cambiato nel frattempo" in page
    # the other person's amount as the field reads it back, not as the database stores it
    assert "150.000,50" in page and "150000.50" not in page
    assert 'name="progress" value="100"' in page
    assert 'name="revision" value="2"' in page
    assert ActionMonitoring.objects.get().progress == 50


def test_the_inputs_carry_the_bounds_the_server_keeps(client, scene):
    world = scene  # with an indicator: the form of its values is on the page
    client.force_login(world.staff)
    page = client.get(action_url(world)).content.decode()
    assert 'name="progress" value="0" inputmode="numeric" min="0" max="100"' in page
    # the amounts are typed the Italian way (150.000,50), which a number box refuses
    assert 'type="text" name="committed" inputmode="decimal"' in page
    assert 'type="text" name="spent" inputmode="decimal"' in page
    today = timezone.localdate().isoformat()
    assert f'name="happened_on" max="{today}"' in page
    assert f'name="measured_on" max="{today}"' in page


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("150.000,50", Decimal("150000.50"), "150.000,50"),
        ("150000,50", Decimal("150000.50"), "150.000,50"),
        ("150.000", Decimal("150000"), "150.000"),  # one hundred fifty thousand, never 150.0
        ("1.234.567,8", Decimal("1234567.80"), "1.234.567,80"),
        ("150000.50", Decimal("150000.50"), "150.000,50"),
    ],
)
def test_amounts_are_read_as_an_italian_writes_them_and_shown_back_so(
    client, scene, typed, stored, shown
):
    client.force_login(scene.staff)
    data = {"state": "in_progress", "progress": "30", "committed": typed, "spent": "1.000"}
    response = client.post(action_url(scene, "stato"), data, follow=True)
    assert "Stato di attuazione salvato." in response.content.decode()
    monitoring = ActionMonitoring.objects.get()
    assert (monitoring.committed, monitoring.spent) == (stored, Decimal(1000))
    client.post(action_url(scene, "indicatore"), {"name": "Persone", "target": typed})
    assert MonitoringIndicator.objects.get(name="Persone").target == stored

    # the page writes them back the same way, and the form sent again changes nothing
    page = client.get(action_url(scene)).content.decode()
    assert f'name="committed" value="{shown}" inputmode="decimal"' in page
    assert 'name="spent" value="1.000" inputmode="decimal"' in page
    again = {**data, "committed": shown, "spent": "1.000", "revision": monitoring.revision}
    client.post(action_url(scene, "stato"), again)
    monitoring.refresh_from_db()
    assert (monitoring.committed, monitoring.spent) == (stored, Decimal(1000))


@pytest.mark.parametrize(
    ("committed", "spent", "warned"),
    [("1000", "1500.5", True), ("1000", "1000", False), ("", "1500", False)],
)
def test_more_spent_than_committed_is_kept_with_a_warning(client, world, committed, spent, warned):
    client.force_login(world.staff)
    data = {"state": "in_progress", "progress": "30", "committed": committed, "spent": spent}
    response = client.post(action_url(world, "stato"), data, follow=True)
    page = response.content.decode()
    assert "Stato di attuazione salvato." in page
    assert ActionMonitoring.objects.get().spent == Decimal(spent)
    warning = "Le risorse spese (1.500,50 €) superano quelle impegnate (1.000,00 €)."
    assert (warning in page) is warned
