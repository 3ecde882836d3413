"""The spokesperson's review page (``/portavoce/versioni/<pk>/zona/<n>/``): a refused form comes
back with everything as typed, the error next to its field and listed at the top; the zone's
draft (saved, shown again, seen only by the zone's current spokespersons, deleted when the zone
decides or the version leaves validation); the confirmation step; the changes since the zone's
last decision marked in the text, with anchors and links from one to the next; a large version
stays reviewable, one part at a time, in a fixed number of queries. Who may do what is the table of
``test_validation_area.py``."""

import html
import re

import pytest
from django.contrib.admin import site
from django.urls import reverse

from matrice.models import Action, ActionArea
from patto.models import (
    Decision,
    PlanVersion,
    Validation,
    ValidationDraft,
    VersionStatus,
)
from patto.programme import services as programme_services
from patto.validation import services as validation_services
from tests.factories import ActionFactory, ProgrammeFactory, ZoneFactory
from tests.people import someone
from tests.versions import build_version, validate

pytestmark = pytest.mark.django_db

REASON = "Manca la zona 3.\nE la collina."


@pytest.fixture
def piano():
    """«Piano», validated by zones 1 and 2 (one spokesperson each, and a staff member). Version
    1 (policies 1 and 2; areas 1.1, 1.2, 2.1; actions 1.1.1, 1.2.1, 2.1.1, 1.1.2, 1.2.2, 2.1.2)
    approved by both zones and published; version 2, its copy, in validation, where action
    1.1.1 is rewritten, 1.2.2 removed, 2.1.2 moved to area 1.1 and 1.2.9 added."""
    programme = ProgrammeFactory(slug="piano", title="Piano")
    zone1, zone2 = ZoneFactory(number=1), ZoneFactory(number=2)
    programme.validating_zones.set([zone1, zone2])
    staff = someone("staff")
    sp1 = someone("spokesperson", zone=zone1, first_name="Paola", last_name="Prima")
    sp2 = someone("spokesperson", zone=zone2)
    v1 = build_version(
        programme,
        policies=2,
        areas=["1.1", "1.2", "2.1"],
        actions=6,
        tools=1,
        targets=0,
        action={"description": "Sportelli unici per le famiglie."},
    ).version
    validate(v1, by=staff)
    programme_services.publish_version(version=v1, by=staff)
    v2 = programme_services.create_version(programme=programme, by=staff)
    rewritten = Action.objects.get(version=v2, code="1.1.1")
    rewritten.description = "Sportelli unici per le famiglie e per i giovani."
    rewritten.save()
    Action.objects.get(version=v2, code="1.2.2").delete()
    moved = Action.objects.get(version=v2, code="2.1.2")
    moved.area = ActionArea.objects.get(version=v2, code="1.1")
    moved.save()
    ActionFactory(
        version=v2,
        area=ActionArea.objects.get(version=v2, code="1.2"),
        code="1.2.9",
        title="Doposcuola nei piccoli comuni",
        position=9,
    )
    programme_services.submit_version(version=v2, by=staff)
    return {
        "programme": programme,
        "zone1": zone1,
        "zone2": zone2,
        "staff": staff,
        "sp1": sp1,
        "sp2": sp2,
        "v1": v1,
        "version": v2,
    }


def url(piano, zone="zone1", version="version"):
    return reverse("portavoce:review", args=[piano[version].pk, piano[zone].number])


def key(piano, code, version="version"):
    return str(Action.objects.get(version=piano[version], code=code).key)


def remark(piano, code, version="version"):
    return f"remark-action-{key(piano, code, version)}"


def box(page: str, name: str) -> str | None:
    """The text of the remark box ``name`` in ``page`` (None: no such box), its line breaks as
    a browser sends them. The line break after the opening tag is not part of it (HTML)."""
    found = re.search(rf'<textarea id="{name}" name="{name}"[^>]*>\n(.*?)</textarea>', page, re.S)
    return re.sub(r"\r?\n", "\r\n", html.unescape(found[1])) if found else None


def typed(piano):
    """What the spokesperson of zone 1 has typed: a reason and remarks on two actions (one of
    them with a line break, as a browser sends it)."""
    return {
        "reason": REASON,
        remark(piano, "1.1.1"): "Aggiungere i giovani adulti.",
        remark(piano, "1.2.9"): "Anche nelle frazioni.\r\nE in collina.",
    }


def part(page: str, start: str, end: str) -> str:
    """``page`` from ``start`` to the first ``end`` after it."""
    first = page.index(start)
    return page[first : page.index(end, first)]


def assert_all_kept(page, piano):
    assert box(page, remark(piano, "1.1.1")) == "Aggiungere i giovani adulti."
    assert box(page, remark(piano, "1.2.9")) == "Anche nelle frazioni.\r\nE in collina."
    assert html.escape(REASON) in page


def assert_nothing_stored(piano):
    assert not Validation.objects.filter(version=piano["version"]).exists()
    assert not ValidationDraft.objects.exists()
    version = PlanVersion.objects.get(pk=piano["version"].pk)
    assert version.status == VersionStatus.IN_VALIDATION


# A refused form keeps everything -------------------------------------------------------------


@pytest.mark.parametrize("step", ["check", "confirm"])
@pytest.mark.parametrize(
    ("fields", "error", "target"),
    [
        ({}, "Scegli se approvare o chiedere modifiche.", "id_decision_0"),
        ({"decision": "forse"}, "Scegli se approvare o chiedere modifiche.", "id_decision_0"),
        ({"decision": "changes_requested", "reason": " \r\n "}, "scrivi il motivo", "id_reason"),
        (
            {"decision": "approved", "reason": "x" * 5001},
            "al massimo 5.000 caratteri",
            "id_reason",
        ),
    ],
)
def test_a_refused_decision_keeps_every_remark_and_the_reason(
    client, piano, step, fields, error, target
):
    client.force_login(piano["sp1"])
    data = {**typed(piano), "step": step, **fields}
    response = client.post(url(piano), data)
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index('id="errori"') : page.index('id="changes-title"')]
    assert f'href="#{target}"' in summary and error in summary  # the summary links the field
    field = target.removesuffix("_0")  # and the error is next to the field
    assert re.search(rf'id="{field}_error"><p class="text-danger small mb-[01]">[^<]*{error}', page)
    assert box(page, remark(piano, "1.1.1")) == "Aggiungere i giovani adulti."
    assert box(page, remark(piano, "1.2.9")) == "Anche nelle frazioni.\r\nE in collina."
    if "reason" not in fields:
        assert html.escape(REASON) in page
    assert_nothing_stored(piano)


@pytest.mark.parametrize("step", ["check", "confirm", "save"])
def test_a_remark_too_long_is_refused_next_to_it_and_kept(client, piano, step):
    client.force_login(piano["sp1"])
    long = "parola " * 300  # 2,100 characters
    data = {**typed(piano), remark(piano, "2.1.1"): long, "decision": "approved", "step": step}
    response = client.post(url(piano), data)
    assert response.status_code == 400
    page = response.content.decode()
    name = remark(piano, "2.1.1")
    assert f'href="#{name}"' in page
    assert f'id="{name}-error"' in page and "al massimo 2.000 caratteri" in page
    assert box(page, name) == long
    assert_all_kept(page, piano)
    assert_nothing_stored(piano)


def test_line_breaks_count_once_against_the_limit(client, piano):
    client.force_login(piano["sp1"])
    text = "riga\r\n" * 333 + "ab"  # 2,000 characters as typed, 2,333 as sent
    response = client.post(url(piano), {remark(piano, "1.1.1"): text, "step": "save"})
    assert response.status_code == 302
    assert ValidationDraft.objects.get().remarks.get().text == text.replace("\r\n", "\n")


@pytest.mark.parametrize("step", ["check", "confirm", "save", "back"])
def test_a_step_on_a_closed_version_shows_what_was_typed_and_records_nothing(client, piano, step):
    client.force_login(piano["sp1"])
    page_opened = client.get(url(piano))
    assert page_opened.status_code == 200
    # meanwhile zone 2 asks for changes: the version leaves validation
    validation_services.decide_validation(
        version=piano["version"],
        zone=piano["zone2"],
        by=piano["sp2"],
        decision=Decision.CHANGES_REQUESTED,
        reason="Da rifare",
    )
    response = client.post(url(piano), {**typed(piano), "decision": "approved", "step": step})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Non si può decidere" in page
    assert "Quello che avevi scritto (non registrato)" in page
    assert "Aggiungere i giovani adulti." in page and "E in collina." in page
    assert html.escape(REASON) in page
    assert not Validation.objects.filter(version=piano["version"], zone=piano["zone1"]).exists()
    assert not ValidationDraft.objects.exists()


def test_deciding_twice_in_two_tabs_is_refused_with_what_was_typed(client, piano):
    client.force_login(piano["sp1"])
    client.post(url(piano), {"decision": "approved", "step": "confirm"})
    response = client.post(url(piano), {**typed(piano), "decision": "approved", "step": "confirm"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "ha già deciso" in page and "Aggiungere i giovani adulti." in page
    validation = Validation.objects.get(version=piano["version"], zone=piano["zone1"])
    assert not validation.remarks.exists()


# Opening a remark box ------------------------------------------------------------------------


def test_the_page_sends_no_box_per_item_only_what_was_written(client, piano):
    client.force_login(piano["sp1"])
    page = client.get(url(piano)).content.decode()
    form = part(page, 'id="review-form"', "</form>")
    assert re.findall(r'<textarea[^>]* name="([^"]+)"', form) == ["reason"]
    buttons = re.findall(r'name="step" value="write:(\w+):', form)
    assert len(buttons) == 2 + 3 + 6  # every policy, area and action has its button
    # the pattern review.js copies is outside the form, inert
    assert '<template id="remark-template">' in page[page.index("</form>") :]


def test_opening_a_box_without_javascript_keeps_what_is_written(client, piano):
    client.force_login(piano["sp1"])
    name = remark(piano, "2.1.1")
    response = client.post(
        url(piano), {**typed(piano), "step": f"write:action:{key(piano, '2.1.1')}"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert_all_kept(page, piano)
    assert box(page, name) == ""
    assert re.search(rf'<textarea id="{name}"[^>]* autofocus', page)
    assert page.count(" autofocus") == 1
    assert_nothing_stored(piano)
    # an item that is not in the version opens nothing, and nothing breaks
    response = client.post(url(piano), {**typed(piano), "step": "write:action:nessuna"})
    assert response.status_code == 200 and " autofocus" not in response.content.decode()


def test_remarks_on_items_of_another_version_are_ignored(client, piano):
    client.force_login(piano["sp1"])
    data = {remark(piano, "1.2.2", version="v1"): "Voce eliminata", "step": "save"}
    assert client.post(url(piano), data).status_code == 302
    assert not ValidationDraft.objects.exists()  # nothing to keep


# The draft ---------------------------------------------------------------------------------


def save(client, piano, **fields):
    return client.post(url(piano), {**typed(piano), "step": "save", **fields})


def test_a_draft_is_saved_and_shown_again_after_logging_out_and_in(client, piano):
    client.force_login(piano["sp1"])
    response = save(client, piano, decision="changes_requested", draft_revision="0")
    assert response.status_code == 302 and response["Location"] == url(piano)
    draft = ValidationDraft.objects.get(version=piano["version"], zone=piano["zone1"])
    assert draft.decision == "changes_requested" and draft.reason == REASON
    assert draft.updated_by == piano["sp1"] and draft.revision == 1
    assert not Validation.objects.filter(version=piano["version"]).exists()  # not the record

    client.logout()
    client.force_login(piano["sp1"])
    page = client.get(url(piano)).content.decode()
    assert "Hai una bozza salvata" in page and "Paola Prima" in page
    assert_all_kept(page, piano)
    assert re.search(r'name="decision" value="changes_requested"[^>]* checked', page)
    assert 'name="draft_revision" value="1"' in page


def test_saving_again_replaces_the_draft_and_an_empty_one_is_deleted(client, piano):
    client.force_login(piano["sp1"])
    save(client, piano, draft_revision="0")
    client.post(
        url(piano),
        {remark(piano, "1.1.1"): "Solo questa.", "step": "save", "draft_revision": "1"},
    )
    draft = ValidationDraft.objects.get()
    assert [r.text for r in draft.remarks.all()] == ["Solo questa."]
    assert draft.reason == "" and draft.revision == 2
    response = client.post(
        url(piano), {remark(piano, "1.1.1"): "  ", "step": "save", "draft_revision": "2"}
    )
    assert response.status_code == 302
    assert not ValidationDraft.objects.exists()


def test_a_draft_saved_meanwhile_by_the_other_spokesperson_is_not_overwritten(client, piano):
    colleague = someone("spokesperson", zone=piano["zone1"], first_name="Carlo")
    client.force_login(colleague)
    client.post(
        url(piano),
        {remark(piano, "2.1.1"): "La mia osservazione.", "step": "save", "draft_revision": "0"},
    )
    client.force_login(piano["sp1"])  # had opened the page before the colleague saved
    response = save(client, piano, draft_revision="0")
    assert response.status_code == 409
    page = response.content.decode()
    assert "La bozza non è stata salvata" in page and "Carlo" in page
    assert "La mia osservazione." in page  # the draft saved meanwhile, shown
    assert_all_kept(page, piano)  # and what this person typed, in the fields
    assert 'name="draft_revision" value="1"' in page
    draft = ValidationDraft.objects.get()
    assert [r.text for r in draft.remarks.all()] == ["La mia osservazione."]
    assert save(client, piano, draft_revision="1").status_code == 302  # saving again wins
    assert ValidationDraft.objects.get().remarks.count() == 2


@pytest.mark.parametrize("step", ["write:action:x", "back", "check"])
def test_a_page_shown_again_keeps_the_revision_it_was_opened_on(client, piano, step):
    colleague = someone("spokesperson", zone=piano["zone1"])
    client.force_login(colleague)
    client.post(url(piano), {remark(piano, "2.1.1"): "Sua.", "step": "save", "draft_revision": "0"})
    client.force_login(piano["sp1"])  # had opened the page before the colleague saved
    data = {**typed(piano), "step": step, "draft_revision": "0"}
    page = client.post(url(piano), data).content.decode()
    assert 'name="draft_revision" value="0"' in page  # a save from here is still caught
    assert save(client, piano, draft_revision="0").status_code == 409


def test_the_draft_is_seen_only_by_the_zones_current_spokespersons(client, piano):
    client.force_login(piano["sp1"])
    save(client, piano)
    secret = "Aggiungere i giovani adulti."
    colleague = someone("spokesperson", zone=piano["zone1"])
    client.force_login(colleague)
    assert secret in client.get(url(piano)).content.decode()
    former = someone("spokesperson", zone=piano["zone1"])
    former.spokesperson_assignments.update(end_date="2017-01-01")
    for person in (piano["sp2"], former, piano["staff"], someone("registered")):
        client.force_login(person)
        response = client.get(url(piano))
        assert response.status_code == 403 and secret not in response.content.decode()
    client.force_login(piano["sp2"])
    assert secret not in client.get(url(piano, zone="zone2")).content.decode()
    assert secret not in client.get(reverse("portavoce:home")).content.decode()
    client.logout()
    assert client.get(url(piano)).status_code == 302
    assert secret not in client.get(piano["version"].get_absolute_url()).content.decode()
    assert ValidationDraft not in site._registry  # not in the admin either


def test_the_draft_goes_when_the_zone_decides(client, piano):
    client.force_login(piano["sp1"])
    save(client, piano, draft_revision="0")
    data = {
        "decision": "approved",
        "reason": "",
        remark(piano, "1.1.1"): "Aggiungere i giovani adulti.",
        "step": "confirm",
    }
    assert client.post(url(piano), data).status_code == 302
    assert not ValidationDraft.objects.exists()
    validation = Validation.objects.get(version=piano["version"], zone=piano["zone1"])
    assert [r.text for r in validation.remarks.all()] == ["Aggiungere i giovani adulti."]


@pytest.mark.parametrize("last", [Decision.APPROVED, Decision.CHANGES_REQUESTED])
def test_every_draft_goes_when_the_version_leaves_validation(client, piano, last):
    client.force_login(piano["sp1"])
    save(client, piano)
    assert ValidationDraft.objects.count() == 1
    if last == Decision.APPROVED:  # zone 1's own approval validates the version
        validation_services.decide_validation(
            version=piano["version"], zone=piano["zone2"], by=piano["sp2"], decision=last
        )
        assert ValidationDraft.objects.count() == 1  # zone 1 has not decided yet
        validation_services.decide_validation(
            version=piano["version"], zone=piano["zone1"], by=piano["sp1"], decision=last
        )
    else:  # zone 2 asks for changes: nobody decides any more
        validation_services.decide_validation(
            version=piano["version"],
            zone=piano["zone2"],
            by=piano["sp2"],
            decision=last,
            reason="Da rifare",
        )
    assert not ValidationDraft.objects.exists()


def test_a_draft_cannot_be_saved_once_the_zone_has_decided(piano):
    validation_services.decide_validation(
        version=piano["version"], zone=piano["zone1"], by=piano["sp1"], decision="approved"
    )
    with pytest.raises(validation_services.TransitionError):
        validation_services.save_draft(
            version=piano["version"], zone=piano["zone1"], by=piano["sp1"], reason="Tardi"
        )
    with pytest.raises(validation_services.PermissionDenied):
        validation_services.save_draft(
            version=piano["version"], zone=piano["zone2"], by=piano["sp1"], reason="Non mia"
        )
    assert not ValidationDraft.objects.exists()


# The confirmation step -----------------------------------------------------------------------


def test_the_decision_is_confirmed_before_it_is_recorded(client, piano):
    client.force_login(piano["sp1"])
    data = {**typed(piano), "decision": "changes_requested", "step": "check"}
    response = client.post(url(piano), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Conferma la decisione" in page and "Torna a modificare" in page
    assert "non si può più modificare" in page
    assert "Modifiche richieste" in page and html.escape(REASON.replace("\n", "\n")) in page
    assert "Aggiungere i giovani adulti." in page and "1.2.9 Doposcuola nei piccoli comuni" in page
    assert '<input type="hidden" name="step"' not in page  # the buttons say which step
    assert not Validation.objects.filter(version=piano["version"]).exists()

    # «Torna a modificare» sends it all back to the form
    back = {**data, "step": "back"}
    response = client.post(url(piano), back)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Conferma la decisione" not in page
    assert_all_kept(page, piano)
    assert re.search(r'value="changes_requested"[^>]* checked', page)
    assert not Validation.objects.filter(version=piano["version"]).exists()

    # «Conferma la decisione» records it, once, with the remarks
    response = client.post(url(piano), {**data, "step": "confirm"}, follow=True)
    assert "Decisione registrata" in response.content.decode()
    validation = Validation.objects.get(version=piano["version"], zone=piano["zone1"])
    assert validation.decision == Decision.CHANGES_REQUESTED
    assert validation.reason == REASON
    assert {r.item_label: r.text for r in validation.remarks.all()} == {
        "1.1.1 Azione 1.1.1": "Aggiungere i giovani adulti.",
        "1.2.9 Doposcuola nei piccoli comuni": "Anche nelle frazioni.\nE in collina.",
    }
    public = client.get(piano["version"].get_absolute_url()).content.decode()
    assert "Anche nelle frazioni." in public and "Manca la zona 3." in public
    # the review page shows the decision, and each remark under its item
    page = client.get(url(piano)).content.decode()
    assert "Rileggi e conferma" not in page and "Con 2 osservazioni" in page
    assert "L&#x27;osservazione della zona:" in page or "L'osservazione della zona:" in page


def test_the_confirmation_carries_only_what_was_written(client, piano):
    client.force_login(piano["sp1"])
    data = {
        "decision": "approved",
        remark(piano, "1.1.1"): "Una.",
        remark(piano, "2.1.1"): "",  # a box opened and left empty
        "step": "check",
    }
    page = client.post(url(piano), data).content.decode()
    assert "1 osservazione" in page
    page = part(page, 'id="confirm-form"', "</form>")
    hidden = re.findall(r'<input type="hidden" name="([^"]+)"', page)
    assert sorted(hidden) == sorted(
        ["csrfmiddlewaretoken", "decision", "reason", "draft_revision", remark(piano, "1.1.1")]
    )


# The changes, marked in the text -------------------------------------------------------------


def test_the_changes_are_marked_in_the_text_with_a_way_from_one_to_the_next(client, piano):
    client.force_login(piano["sp1"])
    page = client.get(url(piano)).content.decode()
    assert "Rispetto alla versione 1" in page
    listed = part(page, 'class="review-changes-list"', "</ol>")
    anchors = re.findall(r'href="#(modifica-[^"]+)"', listed)
    expected = [f"modifica-action-{key(piano, code)}" for code in ("1.1.1", "2.1.2", "1.2.9")] + [
        f"modifica-action-{key(piano, '1.2.2', version='v1')}"
    ]
    assert anchors == expected  # in the order of the text
    text = page[page.index('id="content-title"') :]
    assert re.findall(r'id="(modifica-[^"]+)"', text) == expected  # each marked where it is
    following = re.findall(r'<a href="#(modifica-[^"]+)">Modifica successiva', text)
    assert following == expected[1:]
    previous = re.findall(r'<a href="#(modifica-[^"]+)">Modifica precedente', text)
    assert previous == expected[:-1]
    assert text.count('href="#elenco-modifiche"') == 4

    def mark(anchor):
        start = text.index(f'id="{anchor}"')
        return text[start : text.index("Elenco delle modifiche", start)]

    changed = mark(expected[0])
    assert "Modifica</span>" in changed and "1 di 4" in changed
    assert re.search(r"<ins>.*e per i giovani</ins>", changed)  # the word diff
    moved = mark(expected[1])
    assert "Spostamento" in moved and "Prima era in «2.1 Ambito 2.1»" in moved
    assert "Aggiunta" in mark(expected[2]) and "Doposcuola nei piccoli comuni" in mark(expected[2])
    removed = mark(expected[3])
    assert "Eliminazione" in removed and "Azione 1.2.2</del>" in removed
    assert "È l&#x27;ultima modifica." in removed or "È l'ultima modifica." in removed
    assert "Scrivi un'osservazione" in text and "Scrivi un'osservazione" not in removed


def test_no_marks_when_the_zone_has_not_decided_on_an_earlier_version(client, piano):
    client.force_login(piano["sp1"])
    programme = ProgrammeFactory(slug="nuovo")
    programme.validating_zones.set([piano["zone1"]])
    version = build_version(programme, tools=0, targets=0).version
    programme_services.submit_version(version=version, by=piano["staff"])
    page = client.get(reverse("portavoce:review", args=[version.pk, 1])).content.decode()
    assert "non ha ancora deciso su una versione precedente" in page
    assert "modifica-" not in page and "Scrivi un'osservazione" in page


# A large version -----------------------------------------------------------------------------


def large(piano, actions):
    """Version 3 of «Piano» with ``actions`` actions, in validation; zone 1 decided on 2."""
    for zone, person in (("zone1", "sp1"), ("zone2", "sp2")):
        validation_services.decide_validation(
            version=piano["version"], zone=piano[zone], by=piano[person], decision="approved"
        )
    programme_services.publish_version(version=piano["version"], by=piano["staff"])
    version = build_version(
        piano["programme"], number=3, policies=2, areas=2, actions=actions, tools=2, targets=2
    ).version
    programme_services.submit_version(version=version, by=piano["staff"])
    return version


@pytest.mark.parametrize("actions", [4, 40])
def test_the_page_runs_a_fixed_number_of_queries(client, piano, django_assert_num_queries, actions):
    version = large(piano, actions)
    page = reverse("portavoce:review", args=[version.pk, 1])
    client.force_login(piano["sp1"])
    # user, zones, version, its zone, the decision, the draft, the last decided version; the
    # comparison's nine and the text's six, kept afterwards; the header's roles and menu
    with django_assert_num_queries(25):
        assert client.get(page).status_code == 200
    client.post(page, {f"remark-policy-{version.policies.first().key}": "Nota", "step": "save"})
    # the text kept; + the draft's remarks
    with django_assert_num_queries(11):
        assert client.get(page).status_code == 200
    # a refused step: + the service's checks (the zone, its spokesperson, not decided yet), less
    # the menu's programmes, kept by the process since the first page (patto.cache.kept)
    with django_assert_num_queries(13):
        assert client.post(page, {"step": "check"}).status_code == 400


LONG_TEXT = "\n\n".join(
    [
        "Il servizio accompagna le famiglie con figli minori nei comuni della zona, con "
        "sportelli di ascolto, educativa domiciliare e gruppi di sostegno tra genitori. " * 4
    ]
    * 22
)  # about 14,000 characters, a few printed pages


def long_version(piano):
    """Version 3 of «Piano», sent to the zones: 30 actions in one area, each with a long
    description; zones 1 and 2 decided on version 2."""
    for zone, person in (("zone1", "sp1"), ("zone2", "sp2")):
        validation_services.decide_validation(
            version=piano["version"], zone=piano[zone], by=piano[person], decision="approved"
        )
    programme_services.publish_version(version=piano["version"], by=piano["staff"])
    version = build_version(
        piano["programme"],
        number=3,
        policies=1,
        areas=1,
        actions=30,
        tools=1,
        targets=1,
        action={"description": LONG_TEXT},
    ).version
    programme_services.submit_version(version=version, by=piano["staff"])
    return version


def parts_of(client, page) -> list[str]:
    """Every part of the review at ``page``, each checked to weigh under 400 KB."""
    html = client.get(page).content.decode()
    numbers = {"1"} | set(re.findall(r'formaction="\?parte=(\d+)"', html))
    texts = []
    for number in sorted(numbers, key=int):
        response = client.get(f"{page}?parte={number}")
        assert response.status_code == 200
        assert len(response.content) < 400_000, (number, len(response.content))
        texts.append(response.content.decode())
    return texts


def test_long_texts_are_read_in_parts_each_page_under_400_kb(client, piano):
    """Thirty actions fit one page by their number, not by their texts: the text is cut in
    parts by size."""
    version = long_version(piano)
    client.force_login(piano["sp1"])
    parts = parts_of(client, reverse("portavoce:review", args=[version.pk, 1]))
    assert len(parts) > 1, "thirty long actions on one page"
    shown = [c for part in parts for c in re.findall(r'<h5 class="h6 mb-1">(1\.1\.\d+) ', part)]
    assert shown == [f"1.1.{n}" for n in range(1, 31)]  # every action once, in order


def test_long_removed_texts_are_read_in_parts_too(client, piano):
    """The next version removes 29 of those actions: each is shown where it stood with its
    whole old text, and they too are spread over parts under 400 KB."""
    long = long_version(piano)
    for zone, person in (("zone1", "sp1"), ("zone2", "sp2")):
        validation_services.decide_validation(
            version=long, zone=piano[zone], by=piano[person], decision="approved"
        )
    programme_services.publish_version(version=long, by=piano["staff"])
    draft = programme_services.create_version(programme=piano["programme"], by=piano["staff"])
    Action.objects.filter(version=draft).exclude(code="1.1.1").delete()
    programme_services.submit_version(version=draft, by=piano["staff"])
    client.force_login(piano["sp1"])
    parts = parts_of(client, reverse("portavoce:review", args=[draft.pk, 1]))
    assert len(parts) > 1, "29 long removed actions on one page"
    removed = [c for part in parts for c in re.findall(r"eliminato: </span>(1\.1\.\d+) ", part)]
    assert sorted(removed, key=lambda c: int(c.rsplit(".", 1)[1])) == [
        f"1.1.{n}" for n in range(2, 31)
    ]


def test_a_1000_action_version_is_reviewable(client, piano):
    version = large(piano, 1000)
    page = reverse("portavoce:review", args=[version.pk, 1])
    client.force_login(piano["sp1"])
    response = client.get(page)
    assert response.status_code == 200
    form = response.content.decode()
    form = part(form, 'id="review-form"', "</form>")
    # what a browser sends: the token, the draft's revision, the decision, the reason and the
    # button pressed; no box for the 1,000 actions nobody wrote on
    sent = set(re.findall(r'<(?:input|textarea)[^>]* name="([^"]+)"', form))
    assert sent == {"csrfmiddlewaretoken", "draft_revision", "decision", "reason"}
    # the text a part at a time (here four areas of 250 actions, five parts each), every
    # part reachable from the list of the parts
    assert len(response.content) < 400_000
    linked = set(re.findall(r'name="step" value="show" formaction="\?parte=(\d+)"', form))
    assert linked == {str(number) for number in range(2, 21)}
    actions = list(Action.objects.filter(version=version).order_by("code")[:2])
    data = {f"remark-action-{a.key}": f"Su {a.code}" for a in actions}
    # to another part with what is typed: the remarks written in the first stay in the form
    response = client.post(f"{page}?parte=2", {**data, "step": "show"})
    other = response.content.decode()
    assert len(response.content) < 400_000 and 'aria-current="page">1.1 ' in other
    assert box(other, f"remark-action-{actions[0].key}") == "Su 1.1.1"
    assert f'action="{page}?parte=2"' in other
    response = client.post(page, {**data, "decision": "approved", "step": "check"})
    assert response.status_code == 200 and "2 osservazioni" in response.content.decode()
