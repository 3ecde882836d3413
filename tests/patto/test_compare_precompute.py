"""The comparison a version's page links to ("compare with the previous version") is computed
by a Celery task when the version is submitted (and again, as a no-op, when it is validated and
published), so that its first visitor does not wait for it; the same task renders the
spokespersons' review of a version sent to the zones. The task is idempotent, and a lost
enqueue (Redis down) costs only that first visitor the computation, never an error."""

import socket

import pytest
from django.core.cache import cache
from django.urls import reverse

from matrice.models import Action
from patto.models import VersionStatus
from patto.programme import services as programme_services
from patto.programme.tasks import precompute_comparison
from patto.validation import services as validation_services
from tests.pdf.builders import fill_draft, plan_programme
from tests.reliability.processes import broker

pytestmark = pytest.mark.django_db


def two_versions():
    """Version 1 published; version 2 a draft copied from it, with an action retitled. (In a
    test, the on_commit callbacks of these steps never run.)"""
    plan = plan_programme()
    v1 = fill_draft(plan, policies=2, areas=1, actions=2)
    approve(plan, programme_services.submit_version(version=v1, by=plan.staff))
    programme_services.publish_version(version=v1, by=plan.staff)
    v2 = programme_services.create_version(programme=plan.programme, by=plan.staff)
    action = Action.objects.filter(version=v2).order_by("code").first()
    action.title = "Un titolo riscritto per la versione due"
    action.save()
    return plan, v2


def approve(plan, version):
    for zone, person in zip(plan.zones, plan.spokespersons, strict=True):
        validation_services.decide_validation(
            version=version, zone=zone, by=person, decision="approved"
        )


def compare_url(plan, language=""):
    path = reverse("patto:compare", args=[plan.programme.slug]) + "?da=1&a=2"
    return f"/{language}{path}" if language else path


def policy_url(plan):
    return compare_url(plan) + "&politica=1"


def closed_port() -> int:
    """A local port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_submitting_computes_the_comparison_before_anyone_asks(
    client, eager_celery, django_capture_on_commit_callbacks, django_assert_num_queries
):
    plan, v2 = two_versions()
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.submit_version(version=v2, by=plan.staff)

    # menu, programme, public versions: no version is read for the comparison, in Italian, in
    # English, nor for a policy's page (whose menu is the comparison's, kept: patto.cache.kept)
    for url, queries in (
        (compare_url(plan), 3),
        (compare_url(plan, "en"), 3),
        (policy_url(plan), 2),
    ):
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200
    page = client.get(compare_url(plan)).content.decode()
    assert "Un titolo riscritto per la versione due" in page and "Modifica" in page
    english = client.get(compare_url(plan, "en")).content.decode()
    assert "Un titolo riscritto per la versione due" in english and "Change" in english

    # the spokesperson's review is kept too: user, zones, version, its zone, the decision, the
    # draft, the last decided version; the header's roles and menu
    client.force_login(plan.spokespersons[0])
    review = reverse("portavoce:review", args=[v2.pk, plan.zones[0].number])
    with django_assert_num_queries(10):
        response = client.get(review)
    assert "Un titolo riscritto per la versione due" in response.content.decode()


def test_running_the_task_again_computes_nothing(
    eager_celery, django_capture_on_commit_callbacks, django_assert_num_queries
):
    plan, v2 = two_versions()
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.submit_version(version=v2, by=plan.staff)
    # the version and the previous public one, the validating zones and the versions they last
    # decided on are read; neither version's content
    with django_assert_num_queries(4):
        assert precompute_comparison.delay(v2.pk).get() == "computed"


def test_validation_and_publication_ask_again(
    client, eager_celery, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """A message lost at submission (here: its on_commit never runs), or a cache that lost
    the comparison (emptied), is made up for by the next step of the lifecycle."""
    plan, v2 = two_versions()
    programme_services.submit_version(version=v2, by=plan.staff)
    with django_capture_on_commit_callbacks(execute=True):
        approve(plan, v2)
    with django_assert_num_queries(3):
        assert client.get(compare_url(plan)).status_code == 200

    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.publish_version(version=v2, by=plan.staff)
    with django_assert_num_queries(3):
        assert client.get(compare_url(plan)).status_code == 200


def test_the_first_version_has_nothing_to_compare(eager_celery):
    plan = plan_programme()
    v1 = fill_draft(plan, policies=1, areas=1, actions=1)
    programme_services.submit_version(version=v1, by=plan.staff)
    assert precompute_comparison.delay(v1.pk).get() == "nothing to compare"
    assert precompute_comparison.delay(0).get() == "nothing to compare"  # deleted meanwhile


def test_with_redis_down_submitting_works_and_the_first_visitor_computes_it(
    client, settings, django_capture_on_commit_callbacks, django_assert_num_queries, caplog
):
    plan, v2 = two_versions()
    down = f"redis://127.0.0.1:{closed_port()}/0"
    # the cache and the broker both on a Redis that refuses connections
    settings.CACHES = {
        "default": {
            "BACKEND": "patto.cache.backends.ResilientRedisCache",
            "LOCATION": down,
        }
    }
    with broker(down), django_capture_on_commit_callbacks(execute=True):
        programme_services.submit_version(version=v2, by=plan.staff)
    v2.refresh_from_db()
    assert v2.status == VersionStatus.IN_VALIDATION
    assert "precompute_comparison" in caplog.text  # the lost enqueue is logged

    # menu, programme, public versions, and both versions read for the comparison
    with django_assert_num_queries(12):
        response = client.get(compare_url(plan))
    assert response.status_code == 200
    assert "Un titolo riscritto per la versione due" in response.content.decode()
