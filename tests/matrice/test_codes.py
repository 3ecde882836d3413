"""The codes of a draft: the next free code proposed for a new item, and renumbering the draft
in the order of its tree (preview, then confirm), through the same locking and history as a hand
edit; frozen versions refused, contributions following their items."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from matrice import codes, services
from matrice.import_services import draft_state
from matrice.models import Action, ActionArea, Policy
from patto.core.exceptions import FrozenVersionError
from patto.core.locking import ConflictError
from patto.models import VersionStatus
from tests.factories import ContributionFactory
from tests.people import login_as, someone
from tests.versions import FAMILIES, build_version, freeze

pytestmark = pytest.mark.django_db


def codes_of(model, version):
    return list(
        model.objects.filter(version=version)
        .order_by("position", "code")
        .values_list("code", flat=True)
    )


# The next free code --------------------------------------------------------------------------


def test_the_next_action_code_follows_the_highest_of_its_area():
    d = build_version(areas=2, actions=["1.1.1", "1.2.1", "1.1.2", "1.2.7"])
    area_11, area_12 = d.areas
    assert codes.next_code(version=d.version, kind="action", parent=area_11) == "1.1.3"
    assert codes.next_code(version=d.version, kind="action", parent=area_12) == "1.2.8"


def test_an_empty_area_starts_at_one_and_a_taken_code_is_skipped():
    d = build_version(areas=["1.1", "1.2"], actions=["1.1.1", "1.2.1"])
    empty = ActionArea.objects.create(
        version=d.version, policy=d.policy, code="1.3", title="Vuoto", position=3
    )
    assert codes.next_code(version=d.version, kind="action", parent=empty) == "1.3.1"
    # 1.3.1 is taken by an action that sits in another area: the next one is proposed
    Action.objects.filter(pk=d.actions[1].pk).update(code="1.3.1")
    assert codes.next_code(version=d.version, kind="action", parent=empty) == "1.3.2"


def test_areas_and_policies_are_proposed_too():
    d = build_version(policies=2, areas=["1.1", "1.2", "2.1"], actions=0)
    assert codes.next_code(version=d.version, kind="area", parent=d.policies[0]) == "1.3"
    assert codes.next_code(version=d.version, kind="area", parent=d.policies[1]) == "2.2"
    assert codes.next_code(version=d.version, kind="policy") == "3"


def test_no_proposal_without_a_parent_or_with_one_of_another_version():
    d = build_version(**FAMILIES)
    other = build_version(slug="altro", **FAMILIES)
    assert codes.next_code(version=d.version, kind="action", parent=None) == ""
    assert codes.next_code(version=d.version, kind="action", parent=other.area) == ""


def test_the_new_action_page_proposes_the_code_and_a_person_may_change_it(client):
    d = build_version(actions=["1.1.1", "1.1.2", "1.1.3"])
    login_as(client, "staff")
    slug = d.programme.slug
    page = client.get(
        reverse("redazione:matrice_action_create", args=[slug]) + f"?ambito={d.area.pk}"
    )
    assert page.context["form"].initial["code"] == "1.1.4"
    assert 'value="1.1.4"' in page.content.decode()
    assert "Ti proponiamo 1.1.4" in page.content.decode()
    response = client.post(
        reverse("redazione:matrice_action_create", args=[slug]),
        {"area": d.area.pk, "code": "1.1.9", "title": "Scelta a mano"},
    )
    assert response.status_code == 302
    assert Action.objects.filter(version=d.version, code="1.1.9").exists()


def test_each_area_of_the_form_carries_its_own_proposal(client):
    d = build_version(areas=2, actions=["1.1.1", "1.2.1", "1.1.2"])
    assert codes.next_codes(version=d.version, kind="action") == {
        d.areas[0].pk: "1.1.3",
        d.areas[1].pk: "1.2.2",
    }
    assert codes.next_codes(version=d.version, kind="area") == {d.policy.pk: "1.3"}
    login_as(client, "staff")
    html = client.get(
        reverse("redazione:matrice_action_create", args=[d.programme.slug])
    ).content.decode()
    # no area chosen by the link: nothing proposed yet, each area says what it would propose
    assert 'data-proposed=""' in html
    assert f'value="{d.areas[1].pk}" data-next-code="1.2.2"' in html


# Renumbering ---------------------------------------------------------------------------------


def shuffled_draft():
    """Policy 1 with areas 1.1 (actions 1.1.1, 1.1.2, 1.1.3) and 1.2 (1.2.1, 1.2.2); the last
    action of 1.1 moved to the top, and area 1.2 moved above 1.1."""
    d = build_version(areas=2, actions=["1.1.1", "1.2.1", "1.1.2", "1.2.2", "1.1.3"])
    staff = someone("staff")
    last = Action.objects.get(version=d.version, code="1.1.3")
    services.move_item(item=last, by=staff, direction="up")
    services.move_item(item=Action.objects.get(pk=last.pk), by=staff, direction="up")
    services.move_item(item=d.areas[1], by=staff, direction="up")
    return d, staff


def test_the_preview_lists_old_and_new_codes_in_the_order_of_the_tree():
    d, _ = shuffled_draft()
    changes = codes.renumbering(d.version)
    assert [(c.kind, c.old, c.new) for c in changes] == [
        ("area", "1.2", "1.1"),
        ("action", "1.2.1", "1.1.1"),
        ("action", "1.2.2", "1.1.2"),
        ("area", "1.1", "1.2"),
        ("action", "1.1.3", "1.2.1"),
        ("action", "1.1.1", "1.2.2"),
        ("action", "1.1.2", "1.2.3"),
    ]
    # a preview writes nothing
    assert codes_of(ActionArea, d.version) == ["1.2", "1.1"]


def test_renumbering_swaps_codes_keeps_items_and_records_who_did_it():
    d, staff = shuffled_draft()
    moved = Action.objects.get(version=d.version, code="1.1.3")
    before = moved.revision
    changes = codes.renumber_codes(version=d.version, by=staff, state=draft_state(d.version))
    assert len(changes) == 7
    assert codes_of(ActionArea, d.version) == ["1.1", "1.2"]
    moved.refresh_from_db()
    assert moved.code == "1.2.1"
    assert moved.key == Action.objects.get(pk=moved.pk).key  # the same row and key
    assert moved.revision == before + 1  # an open form from before would now conflict
    record = moved.history.order_by("-history_date").first()
    assert record.history_user == staff
    assert record.code == "1.2.1"
    assert record.history_change_reason == codes.RENUMBER_REASON
    # nothing left to do
    assert codes.renumbering(d.version) == []


def test_contributions_follow_their_items():
    d, staff = shuffled_draft()
    moved = Action.objects.get(version=d.version, code="1.1.3")
    by_row = ContributionFactory(programme=d.programme)
    by_row.led_to.add(moved)
    by_key = ContributionFactory(programme=d.programme, version=d.version, action_key=moved.key)
    codes.renumber_codes(version=d.version, by=staff, state=draft_state(d.version))
    assert [a.code for a in by_row.led_to.all()] == ["1.2.1"]
    assert Action.objects.get(version=d.version, key=by_key.action_key).code == "1.2.1"


def test_a_frozen_version_is_refused_and_its_codes_never_change():
    d, staff = shuffled_draft()
    state = draft_state(d.version)
    freeze(d.version, VersionStatus.PUBLISHED)
    with pytest.raises(FrozenVersionError):
        codes.renumber_codes(version=d.version, by=staff, state=state)
    assert codes_of(ActionArea, d.version) == ["1.2", "1.1"]
    assert sorted(codes_of(Action, d.version)) == ["1.1.1", "1.1.2", "1.1.3", "1.2.1", "1.2.2"]


def test_a_change_after_the_preview_refuses_the_renumbering():
    d, staff = shuffled_draft()
    state = draft_state(d.version)
    area = ActionArea.objects.get(version=d.version, code="1.1")
    services.update_area(
        area=area, by=staff, revision=area.revision, policy=d.policy, code="1.1", title="Nuovo"
    )
    with pytest.raises(codes.StaleRenumberError):
        codes.renumber_codes(version=d.version, by=staff, state=state)
    assert codes_of(ActionArea, d.version) == ["1.2", "1.1"]


def test_only_the_redazione_renumbers():
    d, _ = shuffled_draft()
    with pytest.raises(PermissionDenied):
        codes.renumber_codes(
            version=d.version, by=someone("registered"), state=draft_state(d.version)
        )
    assert codes_of(ActionArea, d.version) == ["1.2", "1.1"]


def test_the_renumbering_pages_preview_then_confirm(client):
    d, _ = shuffled_draft()
    login_as(client, "staff")
    url = reverse("redazione:matrice_renumber", args=[d.programme.slug])
    page = client.get(url)
    html = page.content.decode()
    assert "<del>1.1.3</del>" in html and "<ins>1.2.1</ins>" in html
    assert codes_of(ActionArea, d.version) == ["1.2", "1.1"]

    stale = client.post(url, {"state": "vecchio"})
    assert stale.status_code == 409
    assert "Nel frattempo la bozza è cambiata" in stale.content.decode()
    assert codes_of(ActionArea, d.version) == ["1.2", "1.1"]

    done = client.post(url, {"state": page.context["state"]}, follow=True)
    assert "è cambiato il codice di 7 voci" in done.content.decode()
    assert codes_of(ActionArea, d.version) == ["1.1", "1.2"]
    again = client.get(url)
    assert "Niente da rinumerare" in again.content.decode()


def test_an_open_edit_form_from_before_the_renumbering_conflicts():
    d, staff = shuffled_draft()
    policy = Policy.objects.get(pk=d.policy.pk)
    Policy.objects.filter(pk=policy.pk).update(code="7")
    codes.renumber_codes(version=d.version, by=staff, state=draft_state(d.version))
    with pytest.raises(ConflictError):
        services.update_policy(
            policy=policy, by=staff, revision=policy.revision, code="7", title="Vecchia"
        )
    assert Policy.objects.get(pk=policy.pk).code == "1"


@pytest.mark.parametrize("size", [1, 6])
def test_the_preview_reads_the_same_queries_at_any_size(client, django_assert_num_queries, size):
    d = build_version(policies=size, areas=size, actions=size * size * 2)
    # every code out of order: each area's actions in reverse
    for area in d.areas:
        for position, action in enumerate(area.actions.order_by("-code"), start=1):
            Action.objects.filter(pk=action.pk).update(position=position)
    login_as(client, "staff")
    url = reverse("redazione:matrice_renumber", args=[d.programme.slug])
    with django_assert_num_queries(14):
        response = client.get(url)
    assert len(response.context["changes"]) == size * size * 2
