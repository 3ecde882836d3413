"""The back office: every page opens, search and filters work, frozen content is read-only and a
frozen version cannot be deleted."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.urls import reverse

from incontri.models import Meeting, Registration
from matrice.models import Action, ActionArea, Policy, Target, Tool
from patto.models import (
    MailJob,
    OutgoingEmail,
    Phase,
    PlanVersion,
    Programme,
    User,
    Validation,
    ValidationRemark,
    VersionStatus,
)
from tavoli.models import Body, Comment, Contribution, TableMembership, ThematicTable
from tests.versions import freeze
from zone.models import MembershipImport, Municipality, Province, SpokespersonAssignment, Zone

PROJECT_APPS = {"patto", "zone", "matrice", "tavoli", "incontri"}
ALL_MODELS = sorted(model._meta.label_lower for model in admin.site._registry)
PROJECT_MODELS = [label for label in ALL_MODELS if label.split(".")[0] in PROJECT_APPS]
# no "add" in the admin: validations are decided by spokespersons, registrations made on the
# site (where the capacity and the waiting list are kept)
READ_ONLY_MODELS = {
    "patto.validation",
    "patto.validationremark",
    "incontri.registration",
    # the record of the official lists loaded at /redazione/zone/importa/
    "zone.membershipimport",
    # the outbox of e-mails: written by the services, sent by the worker
    "patto.mailjob",
    "patto.outgoingemail",
}


def _url(label, view, *args):
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


def _content(version, *, zone, table):
    """One item of each kind in ``version`` (a draft)."""
    tool = Tool.objects.create(version=version, code="S1", name="Sportello unico")
    target = Target.objects.create(version=version, code="D1", name="Famiglie")
    policy = Policy.objects.create(version=version, code="1", title="Inclusione sociale")
    area = ActionArea.objects.create(
        version=version, policy=policy, code="1.1", title="Contrasto alla povertà"
    )
    action = Action.objects.create(
        version=version, area=area, code="1.1.1", title="Reddito di inclusione"
    )
    action.tools.add(tool)
    action.targets.add(target)
    action.zones.add(zone)
    action.tables.add(table)
    return action


@pytest.fixture
def world(db):
    province = Province.objects.create(
        istat_code="001", name="Torino", abbreviation="TO", is_metropolitan_city=True
    )
    zone = Zone.objects.create(
        number=1, name="Torino", full_name="Zona omogenea 1 Torino", province=province
    )
    comune = Municipality.objects.create(
        istat_code="001272", name="Torino", province=province, zone=zone
    )
    comune_without_zone = Municipality.objects.create(
        istat_code="001086", name="Ciriè", province=province
    )
    spokesperson = User.objects.create_user(
        username="portavoce",
        email="portavoce@example.org",
        password="x",
        actor_category="amministratori_locali",
    )
    SpokespersonAssignment.objects.create(zone=zone, user=spokesperson, start_date=date(2018, 1, 1))
    membership_import = MembershipImport.objects.create(
        uploaded_by=None,  # an account deleted since
        file_name="elenco.csv",
        sha256="0" * 64,
        membership_state="0" * 64,
        content=b"zona;comune\n1;Torino\n",
    )
    programme = Programme.objects.create(
        slug="piano-sociale",
        kind="piano",
        title="Piano sociale metropolitano",
        promoter="Città metropolitana di Torino",
    )
    programme.validating_zones.add(zone)
    other_programme = Programme.objects.create(
        slug="patto", kind="patto", title="Patto per il sociale", promoter="Regione Piemonte"
    )
    phase = Phase.objects.create(programme=programme, title="Consultazione delle zone")
    table = ThematicTable.objects.create(
        programme=programme, phase=phase, slug="poverta", title="Povertà e inclusione"
    )
    body = Body.objects.create(name="Cooperativa Esempio", category="cooperative")
    TableMembership.objects.create(table=table, body=body)

    frozen = PlanVersion.objects.create(programme=programme, number=1)
    frozen_action = _content(frozen, zone=zone, table=table)
    freeze(frozen, VersionStatus.IN_VALIDATION)
    draft = PlanVersion.objects.create(programme=programme, number=2, based_on=frozen)
    draft_action = _content(draft, zone=zone, table=table)

    validation = Validation.objects.create(
        version=frozen,
        zone=zone,
        decision="changes_requested",
        reason="Manca un'azione.",
        decided_by=spokesperson,
    )
    ValidationRemark.objects.create(
        validation=validation,
        item_kind="action",
        item_key=frozen_action.key,
        item_label=str(frozen_action),
        text="Precisare i destinatari.",
    )
    meeting = Meeting.objects.create(
        programme=programme,
        phase=phase,
        kind="zone",
        title="Incontro della zona 1",
        province=province,
        zone=zone,
        municipality=comune,
    )
    meeting.tables.add(table)
    Registration.objects.create(meeting=meeting, user=spokesperson)
    contribution = Contribution.objects.create(
        programme=programme,
        table=table,
        meeting=meeting,
        kind="proposal",
        title="Più sportelli",
        text="Aprire sportelli nei comuni piccoli.",
        author_name="Maria Rossi",
        body=body,
        status="accepted",
        response="Vedi azione 1.1.1.",
    )
    contribution.led_to.add(draft_action)
    comment = Comment.objects.create(
        contribution=contribution, author=spokesperson, text="D'accordo.", moderation="pending"
    )
    mail_job = MailJob.objects.create(
        task="patto.programme.notifications.version_submitted", args=[frozen.pk]
    )
    outgoing = OutgoingEmail.objects.create(
        job=mail_job,
        template="patto/email/version_submitted",
        to="portavoce@example.org",
        from_email="Patto <noreply@patto.localhost>",
        subject="Una versione da validare",
        text="Testo.",
    )
    return SimpleNamespace(**locals())


def _filters(w):
    """One combination of filters per changelist, with the object it must keep."""
    on_content = {
        "version__programme__id__exact": w.programme.pk,
        "version__id__exact": w.frozen.pk,
        "version__status__exact": VersionStatus.IN_VALIDATION,
    }
    return {
        "patto.user": ({"actor_category__exact": "amministratori_locali"}, w.spokesperson),
        "patto.programme": ({"kind__exact": "piano"}, w.programme),
        "patto.phase": ({"programme__id__exact": w.programme.pk}, w.phase),
        "patto.planversion": (
            {"programme__id__exact": w.programme.pk, "status__exact": "in_validation"},
            w.frozen,
        ),
        "patto.validation": (
            {"decision__exact": "changes_requested", "version__id__exact": w.frozen.pk},
            w.validation,
        ),
        "patto.validationremark": ({"item_kind__exact": "action"}, None),
        "patto.mailjob": ({"done_at__isempty": "1"}, w.mail_job),
        "patto.outgoingemail": (
            {"sent_at__isempty": "1", "template__exact": "patto/email/version_submitted"},
            w.outgoing,
        ),
        "matrice.tool": (on_content, None),
        "matrice.target": (on_content, None),
        "matrice.policy": (on_content, None),
        "matrice.actionarea": (on_content, None),
        "matrice.action": ({**on_content, "zones__id__exact": w.zone.pk}, w.frozen_action),
        "zone.province": ({"is_metropolitan_city__exact": "1"}, w.province),
        "zone.zone": ({"province__id__exact": w.province.pk}, w.zone),
        "zone.municipality": (
            {"province__id__exact": w.province.pk, "zone__isnull": "True"},
            w.comune_without_zone,
        ),
        "zone.spokespersonassignment": ({"current": "yes", "zone__id__exact": w.zone.pk}, None),
        "zone.membershipimport": ({"status__exact": "pending"}, w.membership_import),
        "tavoli.body": ({"category__exact": "cooperative"}, w.body),
        "tavoli.thematictable": ({"programme__id__exact": w.programme.pk}, w.table),
        "tavoli.tablemembership": ({"table__id__exact": w.table.pk}, None),
        "tavoli.contribution": (
            {
                "programme__id__exact": w.programme.pk,
                "status__exact": "accepted",
                "kind__exact": "proposal",
                "table__id__exact": w.table.pk,
                "channel__exact": "table",
                "moderation__exact": "approved",
            },
            w.contribution,
        ),
        "tavoli.comment": (
            {"moderation__exact": "pending", "contribution__programme__id__exact": w.programme.pk},
            w.comment,
        ),
        "incontri.meeting": (
            {
                "kind__exact": "zone",
                "status__exact": "scheduled",
                "programme__id__exact": w.programme.pk,
                "province__id__exact": w.province.pk,
                "zone__id__exact": w.zone.pk,
                "date__isnull": "True",
            },
            w.meeting,
        ),
        "incontri.registration": ({"status__exact": "confirmed"}, None),
    }


# Every page opens -------------------------------------------------------------------------


@pytest.mark.parametrize("label", ALL_MODELS)
def test_changelist_opens_plain_and_searched(admin_client, world, label):
    assert admin_client.get(_url(label, "changelist")).status_code == 200
    response = admin_client.get(_url(label, "changelist"), {"q": "torino"})
    assert response.status_code == 200


def test_every_project_changelist_has_a_filter_case(world):
    assert set(_filters(world)) == set(PROJECT_MODELS)


@pytest.mark.parametrize("label", PROJECT_MODELS)
def test_changelist_filters(admin_client, world, label):
    params, kept = _filters(world)[label]
    response = admin_client.get(_url(label, "changelist"), params)
    # An unknown filter parameter would redirect to ?e=1.
    assert response.status_code == 200
    results = list(response.context["cl"].result_list)
    assert results
    if kept is not None:
        assert kept in results


@pytest.mark.parametrize("label", PROJECT_MODELS)
def test_add_page_opens(admin_client, world, label):
    response = admin_client.get(_url(label, "add"))
    assert response.status_code == (403 if label in READ_ONLY_MODELS else 200)


@pytest.mark.parametrize("label", PROJECT_MODELS)
def test_change_page_opens(admin_client, world, label):
    model = next(m for m in admin.site._registry if m._meta.label_lower == label)
    obj = model._default_manager.order_by("pk").first()
    assert admin_client.get(_url(label, "change", obj.pk)).status_code == 200


# Search and columns -----------------------------------------------------------------------


def test_municipality_search_by_name_without_accents_and_by_istat_code(admin_client, world):
    url = _url("zone.municipality", "changelist")
    for query in ("cirie", "001086"):
        results = list(admin_client.get(url, {"q": query}).context["cl"].result_list)
        assert results == [world.comune_without_zone]


def test_contribution_search_by_body_name(admin_client, world):
    response = admin_client.get(_url("tavoli.contribution", "changelist"), {"q": "esempio"})
    assert list(response.context["cl"].result_list) == [world.contribution]


def test_meeting_without_date_is_to_be_confirmed(admin_client, world):
    response = admin_client.get(_url("incontri.meeting", "changelist"))
    assert "da confermare" in response.content.decode()


# Frozen content is read-only --------------------------------------------------------------


def test_frozen_action_is_read_only(admin_client, world):
    url = _url("matrice.action", "change", world.frozen_action.pk)
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()

    response = admin_client.post(
        url, {"area": world.frozen_action.area_id, "code": "9.9.9", "title": "Altro", "position": 0}
    )
    assert response.status_code == 403
    world.frozen_action.refresh_from_db()
    assert world.frozen_action.title == "Reddito di inclusione"


def test_frozen_action_cannot_be_deleted(admin_client, world):
    url = _url("matrice.action", "delete", world.frozen_action.pk)
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Action.objects.filter(pk=world.frozen_action.pk).exists()


def test_frozen_content_bulk_delete_is_refused(admin_client, world):
    response = admin_client.post(
        _url("matrice.tool", "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [world.frozen.tools.get().pk],
            "post": "yes",
        },
        follow=True,
    )
    assert "non si possono eliminare" in response.content.decode()
    assert world.frozen.tools.exists()


def test_draft_action_is_editable(admin_client, world):
    action = world.draft_action
    url = _url("matrice.action", "change", action.pk)
    response = admin_client.get(url)
    assert 'name="_save"' in response.content.decode()
    form = response.context["adminform"].form
    # Only the catalogues and areas of the action's own version are offered.
    assert list(form.fields["tools"].queryset) == list(world.draft.tools.all())
    assert list(form.fields["area"].queryset) == [action.area]

    response = admin_client.post(
        url,
        {
            "area": action.area_id,
            "code": action.code,
            "title": "Reddito di inclusione sociale",
            "position": 0,
            "tools": [world.draft.tools.get().pk],
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Reddito di inclusione sociale"
    assert action.version == world.draft


def test_new_content_can_only_go_into_a_draft(admin_client, world):
    response = admin_client.get(_url("matrice.policy", "add"))
    assert list(response.context["adminform"].form.fields["version"].queryset) == [world.draft]


def test_policy_inline_areas_take_the_policy_version(admin_client, world):
    policy = world.draft_action.area.policy
    area = world.draft_action.area
    data = {
        "code": policy.code,
        "title": policy.title,
        "position": 0,
        "action_areas-TOTAL_FORMS": 2,
        "action_areas-INITIAL_FORMS": 1,
        "action_areas-MIN_NUM_FORMS": 0,
        "action_areas-MAX_NUM_FORMS": 1000,
        "action_areas-0-id": area.pk,
        "action_areas-0-policy": policy.pk,
        "action_areas-0-code": area.code,
        "action_areas-0-title": area.title,
        "action_areas-0-position": 0,
        "action_areas-1-policy": policy.pk,
        "action_areas-1-code": area.code,  # taken in this version
        "action_areas-1-title": "Nuovo ambito",
        "action_areas-1-position": 1,
    }
    url = _url("matrice.policy", "change", policy.pk)
    response = admin_client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert not ActionArea.objects.filter(title="Nuovo ambito").exists()

    data["action_areas-1-code"] = "1.2"
    assert admin_client.post(url, data).status_code == 302
    assert ActionArea.objects.get(title="Nuovo ambito").version == world.draft


# Plan versions ----------------------------------------------------------------------------


def test_frozen_version_is_read_only_and_cannot_be_deleted(admin_client, world):
    response = admin_client.get(_url("patto.planversion", "change", world.frozen.pk))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()

    url = _url("patto.planversion", "delete", world.frozen.pk)
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert PlanVersion.objects.filter(pk=world.frozen.pk).exists()


def test_frozen_version_bulk_delete_is_refused(admin_client, world):
    response = admin_client.post(
        _url("patto.planversion", "changelist"),
        {"action": "delete_selected", "_selected_action": [world.frozen.pk], "post": "yes"},
        follow=True,
    )
    assert "Solo le bozze si possono eliminare" in response.content.decode()
    assert PlanVersion.objects.filter(pk=world.frozen.pk).exists()


def test_draft_version_delete_page_opens(admin_client, world):
    url = _url("patto.planversion", "delete", world.draft.pk)
    assert admin_client.get(url).status_code == 200


def test_draft_version_lifecycle_fields_are_read_only(admin_client, world):
    response = admin_client.get(_url("patto.planversion", "change", world.draft.pk))
    form = response.context["adminform"].form
    assert set(form.fields) == {"change_note"}


def test_new_version_is_created_by_the_service(admin_client, admin_user, world):
    url = _url("patto.planversion", "add")
    # The programme already has a draft: refused with a form error.
    response = admin_client.post(url, {"programme": world.programme.pk, "change_note": "x"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["programme"]

    response = admin_client.post(
        url, {"programme": world.other_programme.pk, "change_note": "Prima stesura"}
    )
    assert response.status_code == 302
    version = PlanVersion.objects.get(programme=world.other_programme)
    assert (version.number, version.status, version.created_by) == (1, "draft", admin_user)


def test_validations_are_read_only(admin_client, world):
    url = _url("patto.validation", "change", world.validation.pk)
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert admin_client.post(url, {"decision": "approved"}).status_code == 403
    delete_url = _url("patto.validation", "delete", world.validation.pk)
    assert admin_client.get(delete_url).status_code == 403


# Forms ------------------------------------------------------------------------------------


def test_action_add_page_offers_the_chosen_version_only(admin_client, world):
    response = admin_client.get(_url("matrice.action", "add"), {"version": world.draft.pk})
    form = response.context["adminform"].form
    assert list(form.fields["area"].queryset) == [world.draft_action.area]
    assert list(form.fields["targets"].queryset) == list(world.draft.targets.all())


def test_meeting_is_added_with_audiences(admin_client, world):
    response = admin_client.post(
        _url("incontri.meeting", "add"),
        {
            "programme": world.programme.pk,
            "kind": "plenary",
            "title": "Plenaria di avvio",
            "status": "scheduled",
            "date": "2018-10-15",
            "audiences": ["terzo_settore", "cittadini"],
            "registrations-TOTAL_FORMS": 0,
            "registrations-INITIAL_FORMS": 0,
            "registrations-MIN_NUM_FORMS": 0,
            "registrations-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Plenaria di avvio")
    assert meeting.audiences == ["terzo_settore", "cittadini"]


def test_user_is_added_with_email(admin_client, world):
    response = admin_client.post(
        _url("patto.user", "add"),
        {
            "email": "redazione@example.org",
            "username": "redazione",
            "usable_password": "true",
            "password1": "una-password-lunga-42",
            "password2": "una-password-lunga-42",
            "body_name": "Regione Piemonte",
            "actor_category": "enti_pubblici",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="redazione@example.org")
    assert (user.body_name, user.actor_category) == ("Regione Piemonte", "enti_pubblici")
