"""The zones' remarks where the redazione prepares the next version: on the staff page of each
item of the draft (the remarks on the item of the same key in the latest version that received
decisions), on a staff page listing every remark of a version zone by zone with links to the
draft, and linked from the dashboard, also once the next version is sent. Only the redazione
sees these pages; query counts do not grow with the remarks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matrice.models import Action, ActionArea, Policy
from patto.models import Decision, ItemKind, Validation, ValidationRemark, VersionStatus
from patto.programme import services as programme_services
from tests.people import login_as, someone
from tests.versions import FAMILIES, build_version, freeze

pytestmark = pytest.mark.django_db

DECIDED = timezone.make_aware(datetime.datetime(2018, 5, 14, 10, 0))


def decide(version, zone, *, remarks=(), decision=Decision.CHANGES_REQUESTED, reason="Rivedere"):
    """``zone`` decides on ``version`` with ``remarks``: (item kind, item, text)."""
    validation = Validation.objects.create(
        version=version,
        zone=zone,
        decision=decision,
        reason=reason if decision == Decision.CHANGES_REQUESTED else "",
        decided_by=someone("spokesperson", zone=zone),
        decided_at=DECIDED,
    )
    for kind, item, text in remarks:
        ValidationRemark.objects.create(
            validation=validation,
            item_kind=kind,
            item_key=item.key,
            item_label=f"{item.code} {item.title}",
            text=text,
        )
    return validation


@pytest.fixture
def world(staff):
    """Version 1, sent back by zone 1 (remarks on its action and its policy; zone 2 approved
    with a remark on the action too; zone 3 did not decide), and version 2, the draft copied
    from it."""
    content = build_version(
        **FAMILIES | {"zones": 3}, actions=2, status=VersionStatus.CHANGES_REQUESTED
    )
    zones = content.zones
    for zone, name in zip(zones, ("Alfa", "Beta", "Gamma"), strict=True):
        zone.name = f"Zona {name}"
        zone.save()
    content.programme.validating_zones.set(zones)
    first, second = content.actions
    decide(
        content.version,
        zones[0],
        remarks=[
            (ItemKind.ACTION, first, "Aggiungere i _centri estivi_."),
            (ItemKind.POLICY, content.policy, "Manca la casa."),
        ],
    )
    decide(
        content.version,
        zones[1],
        decision=Decision.APPROVED,
        remarks=[(ItemKind.ACTION, first, "Bene, ma con più risorse.")],
    )
    draft = programme_services.create_version(programme=content.programme, by=staff)
    return {
        "content": content,
        "draft": draft,
        "zones": zones,
        "action": Action.objects.get(version=draft, key=first.key),
        "other_action": Action.objects.get(version=draft, key=second.key),
        "policy": Policy.objects.get(version=draft),
        "area": ActionArea.objects.get(version=draft),
    }


def item_url(world, name, item):
    return reverse(f"redazione:matrice_{name}", args=[world["draft"].programme.slug, item.pk])


def remarks_url(world, number=1):
    return reverse("redazione:version_remarks", args=[world["draft"].programme.slug, number])


# The item's page in the draft -----------------------------------------------------------------


def test_the_draft_action_shows_what_the_zones_remarked_on_it(staff_client, world):
    html = staff_client.get(item_url(world, "action", world["action"])).content.decode()

    section = html[html.index('id="zone-remarks-title"') : html.index("</section>")]
    assert "Osservazioni delle zone sulla versione 1" in section
    assert "Zona Alfa" in section and "Zona Beta" in section and "Zona Gamma" not in section
    assert "14 maggio 2018" in section
    assert "Aggiungere i <em>centri estivi</em>." in section  # rendered, as elsewhere
    assert "Bene, ma con più risorse." in section
    assert "Manca la casa." not in section  # that one is on the policy
    assert remarks_url(world) in section


def test_the_policy_shows_its_remarks_and_an_item_without_any_shows_none(staff_client, world):
    html = staff_client.get(item_url(world, "policy", world["policy"])).content.decode()
    assert "Osservazioni delle zone sulla versione 1" in html and "Manca la casa." in html

    for name, item in (("area", world["area"]), ("action", world["other_action"])):
        html = staff_client.get(item_url(world, name, item)).content.decode()
        assert "Osservazioni delle zone" not in html, name


def test_once_the_draft_is_sent_the_next_draft_still_shows_the_remarks_of_the_last_decisions(
    staff_client, staff, world
):
    """Version 2 sent (no decision yet), version 3 drafted: the remarks shown are still those
    on version 1, the latest version that received decisions."""
    freeze(world["draft"], VersionStatus.IN_VALIDATION)
    third = programme_services.create_version(programme=world["draft"].programme, by=staff)
    action = Action.objects.get(version=third, key=world["action"].key)

    html = staff_client.get(item_url(world, "action", action)).content.decode()
    assert "Osservazioni delle zone sulla versione 1" in html
    assert "Aggiungere i <em>centri estivi</em>." in html

    # when the zones decide on version 2, its remarks replace those on version 1
    decide(
        world["draft"],
        world["zones"][2],
        remarks=[(ItemKind.ACTION, world["action"], "Nella versione 2 va meglio.")],
    )
    html = staff_client.get(item_url(world, "action", action)).content.decode()
    assert "Osservazioni delle zone sulla versione 2" in html
    assert "Nella versione 2 va meglio." in html and "centri estivi" not in html


# Every remark of a version --------------------------------------------------------------------


def test_the_remarks_page_lists_every_remark_by_zone_with_links_to_the_draft(staff_client, world):
    world["other_action"].delete()  # not in the draft any more (no remark on it: nothing lost)
    Policy.objects.filter(pk=world["policy"].pk).update(title="Famiglie")  # key unchanged
    html = staff_client.get(remarks_url(world)).content.decode()

    one, two, three = (f'id="zona-{zone.number}"' for zone in world["zones"])
    zone1 = html[html.index(one) : html.index(two)]
    assert "Modifiche richieste" in zone1 and "Rivedere" in zone1
    assert "Aggiungere i <em>centri estivi</em>." in zone1 and "Manca la casa." in zone1
    assert f'href="{item_url(world, "action", world["action"])}"' in zone1
    assert f'href="{item_url(world, "policy", world["policy"])}"' in zone1
    zone2 = html[html.index(two) : html.index(three)]
    assert "Approvata" in zone2 and "Bene, ma con più risorse." in zone2
    assert "Non ha deciso" in html[html.index(three) :]
    assert "3 osservazioni sulle voci" in html


def test_the_versions_page_links_each_sent_version_to_its_remarks(staff_client, world):
    programme = world["draft"].programme
    html = staff_client.get(reverse("redazione:programme", args=[programme.slug])).text
    assert f'href="{remarks_url(world)}"' in html  # version 1, decided on
    assert f'href="{remarks_url(world, world["draft"].number)}"' not in html  # the draft


def test_a_remark_on_an_item_gone_from_the_draft_says_so(staff_client, world):
    Action.objects.filter(pk=world["action"].pk).delete()
    html = staff_client.get(remarks_url(world)).content.decode()
    assert "Aggiungere i <em>centri estivi</em>." in html
    assert "non è più nella bozza" in html
    assert item_url(world, "action", world["action"]) not in html


def test_an_unknown_version_is_not_found(staff_client, world):
    assert staff_client.get(remarks_url(world, 9)).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("registered", 403), ("spokesperson", 403), ("staff", 200)],
)
def test_only_the_redazione_reads_the_remarks_pages(client, world, role, status):
    zone = world["zones"][0]
    login_as(client, role, spokesperson=someone("spokesperson", zone=zone))
    for page in (remarks_url(world), item_url(world, "action", world["action"])):
        response = client.get(page)
        assert response.status_code == status, page
        if status != 200:
            assert "Aggiungere i" not in response.content.decode()


# The dashboard --------------------------------------------------------------------------------


def test_the_dashboard_links_the_counts_and_keeps_the_remarks_once_the_next_version_is_sent(
    staff_client, world
):
    one, two = (f"{remarks_url(world)}#zona-{zone.number}" for zone in world["zones"][:2])
    html = staff_client.get("/redazione/").content.decode()
    assert f'href="{one}"' in html  # "(2 osservazioni sulle voci)"
    assert f'href="{two}"' in html
    assert "Tutte le osservazioni delle zone sulla versione 1" in html

    freeze(world["draft"], VersionStatus.IN_VALIDATION)  # version 2 sent: its table is empty
    html = staff_client.get("/redazione/").content.decode()
    assert f'href="{one}"' not in html
    assert f'href="{remarks_url(world)}"' in html
    assert "Tutte le osservazioni delle zone sulla versione 1" in html


# Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("remarks", [1, 6])
def test_the_pages_run_a_fixed_number_of_queries(
    staff_client, django_assert_num_queries, world, remarks
):
    extra = decide(world["content"].version, world["zones"][2])
    for n in range(remarks):
        item = world["content"].actions[n % 2]
        ValidationRemark.objects.create(
            validation=extra,
            item_kind=ItemKind.ACTION,
            item_key=item.key,
            item_label=item.title,
            text=f"Osservazione {n}",
        )
    with django_assert_num_queries(12):
        assert staff_client.get(remarks_url(world)).status_code == 200
    with django_assert_num_queries(33):
        assert staff_client.get(item_url(world, "action", world["action"])).status_code == 200
