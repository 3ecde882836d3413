"""SQL query counts of the pages that show online contributions, pinned at two sizes: the
number of contributions and comments on a version, a policy or an action does not change the
number of queries."""

import pytest
from django.urls import reverse

from tavoli.models import Moderation

pytestmark = pytest.mark.django_db

SIZES = [3, 30]  # every kind of target and moderation state at both sizes


def populate(c, size):
    for i in range(size):
        about = ("action", "policy", "version")[i % 3]
        moderation = (Moderation.APPROVED, Moderation.PENDING, Moderation.HIDDEN)[i % 3]
        contribution = c.online(about=about, moderation=moderation, text=f"Testo {i}")
        c.comment(contribution, text=f"Commento {i}")
        c.comment(contribution, moderation=Moderation.PENDING, author=c.author)


def count(client, django_assert_num_queries, url, n):
    with django_assert_num_queries(n):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("size", SIZES)
def test_action_page(client, django_assert_num_queries, consultation, size):
    c = consultation
    populate(c, size)
    url = reverse("matrice:action", args=[c.programme.slug, 2, c.action.code])
    # the action page's 7 (the version under consultation is the newest public one, read
    # already), + the contributions' public actions and their comments
    count(client, django_assert_num_queries, url, 9)
    client.force_login(c.author)
    # + the person and their two roles (the session is in the cache), less the menu: kept by
    # the process since the first request (patto.cache.kept)
    count(client, django_assert_num_queries, url, 11)


@pytest.mark.parametrize("size", SIZES)
def test_version_page(client, django_assert_num_queries, consultation, size):
    c = consultation
    populate(c, size)
    url = reverse("patto:version", args=[c.programme.slug, 2])
    # the version page's 9 (the version under consultation is the newest public one, read
    # already), + the contributions' public actions and their comments; at most 12 on an
    # empty cache, as every public page
    count(client, django_assert_num_queries, url, 11)
    client.force_login(c.author)
    # + the person and their two roles (the session is in the cache), and no plan: the frozen
    # version's body is now cached, and no menu: kept by the process (patto.cache.kept)
    count(client, django_assert_num_queries, url, 10)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("about", ["", "politica", "azione"])
def test_item_contributions_page(client, django_assert_num_queries, consultation, size, about):
    c = consultation
    populate(c, size)
    url = reverse("tavoli:item_contributions", args=[c.programme.slug, 2])
    if about:
        url += f"?{about}={c.policy.code if about == 'politica' else c.action.code}"
    # menu, public versions, consultation phases, the item (policy or action), the count, a
    # page of contributions, their public actions and their comments (none of the policy's is
    # public: they wait for moderation, so no page and nothing to prefetch)
    count(client, django_assert_num_queries, url, {"": 7, "politica": 5, "azione": 8}[about])


@pytest.mark.parametrize("size", SIZES)
def test_contribution_page(client, django_assert_num_queries, consultation, size):
    c = consultation
    populate(c, size)
    contribution = c.online(text="Con i commenti")
    for i in range(size):
        c.comment(contribution, text=f"Ancora {i}")
    url = reverse("tavoli:contribution", args=[c.programme.slug, contribution.pk])
    # menu, programme, contribution, its public actions, its comments, the action it is about,
    # consultation phases and version
    count(client, django_assert_num_queries, url, 8)


@pytest.mark.parametrize("size", SIZES)
def test_moderation_queue(client, django_assert_num_queries, consultation, size):
    c = consultation
    populate(c, size)
    client.force_login(c.staff)
    # session, user, roles, menu; a count and a page of each of the four lists (pending and
    # hidden contributions and comments; no page for the hidden comments, none of them), the
    # policies and actions the contributions are about
    count(client, django_assert_num_queries, reverse("redazione:tavoli_moderation"), 13)
