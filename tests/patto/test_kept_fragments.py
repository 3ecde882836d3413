"""The parts of the layout every page shares (navigation, footer, rating widget, stylesheets)
are rendered once per process (``patto.cache.kept``), yet each page still shows its own section
as the current one, in its own language, and a change to the programmes shows at once."""

import re

import pytest
from django.urls import reverse

from patto.models import VersionStatus
from tests.factories import ProgrammeFactory, SpokespersonFactory, StaffFactory
from tests.matrice.test_pages import plan_version

pytestmark = pytest.mark.django_db


def current_nav_entries(html: str) -> list[str]:
    """The labels of the main menu's entries marked as the current page."""
    nav = html[html.index('id="nav-main"') :]
    return re.findall(r'class="nav-link[^"]*active"[^>]*aria-current="page"><span>([^<]+)', nav)


def test_each_section_is_marked_current_though_the_navigation_is_kept(client):
    assert current_nav_entries(client.get(reverse("home")).content.decode()) == ["Pagina iniziale"]
    assert current_nav_entries(client.get(reverse("incontri:list")).content.decode()) == [
        "Incontri"
    ]
    assert current_nav_entries(client.get(reverse("zone:list")).content.decode()) == [
        "Zone omogenee"
    ]
    # back to a section seen before: its own copy, not the last one rendered
    assert current_nav_entries(client.get(reverse("home")).content.decode()) == ["Pagina iniziale"]


def test_the_programme_of_the_page_is_the_current_one_in_the_menu(client):
    first, second = plan_version(actions=1).programme, ProgrammeFactory()
    for programme, other in ((first, second), (second, first)):
        html = client.get(reverse("patto:programme", args=[programme.slug])).content.decode()
        assert f'href="{programme.get_absolute_url()}" aria-current="page"' in html
        assert f'href="{other.get_absolute_url()}" aria-current="page"' not in html


def test_a_new_programme_is_in_the_menu_of_the_very_next_page(client):
    client.get(reverse("incontri:list"))
    programme = ProgrammeFactory(title="Programma appena creato")
    html = client.get(reverse("incontri:list")).content.decode()
    assert f'href="{programme.get_absolute_url()}"' in html
    assert "Programma appena creato" in html


def test_the_layout_follows_the_language_of_the_page(client):
    italian = client.get(reverse("zone:list")).content.decode()
    english = client.get("/en" + reverse("zone:list")).content.decode()
    assert "Vai al piè di pagina" in italian and "Informativa privacy" in italian
    assert "Informativa privacy" not in english and "Privacy notice" in english
    assert current_nav_entries(english) == ["Homogeneous zones"]
    # the rating widget's questions, kept too
    assert "Quanto sono chiare le informazioni su questa pagina?" in italian
    assert "Quanto sono chiare" not in english


def test_the_rating_widget_names_the_page_it_rates(client):
    for address in (reverse("zone:list"), reverse("incontri:list")):
        html = client.get(address).content.decode()
        assert f'<input type="hidden" name="page" value="{address}">' in html


def test_a_kept_navigation_asks_the_database_nothing(client, django_assert_num_queries):
    """The menu's programmes are read once, by the first page of a section; the next page of
    that section (a different address, so not from the page cache) does not read them."""
    plan_version(actions=1)
    client.get(reverse("zone:municipality_search") + "?q=tor")
    with django_assert_num_queries(1):  # the comuni found, nothing for the layout
        client.get(reverse("zone:municipality_search") + "?q=asti")


def test_an_area_s_own_home_or_programme_page_is_not_the_site_s(client):
    """The spokesperson's home (``portavoce:home``) is not the home page, and the redazione's
    page of a programme is not the programme's public page: the menu marks neither."""
    programme = plan_version(actions=1).programme
    spokesperson = SpokespersonFactory().user
    client.force_login(spokesperson)
    assert current_nav_entries(client.get(reverse("portavoce:home")).content.decode()) == []
    client.force_login(StaffFactory())
    html = client.get(reverse("redazione:programme", args=[programme.slug])).content.decode()
    assert current_nav_entries(html) == []
    assert f'href="{programme.get_absolute_url()}" aria-current="page"' not in html


# Data of frozen versions kept by the process (``kept_frozen``): a version's search index.


def test_a_frozen_versions_data_is_computed_once_and_kept_by_the_process(monkeypatch):
    from patto.cache import kept
    from patto.cache.pages import page_cache

    monkeypatch.setattr(kept, "FROZEN_DATA_KEPT", 2)
    versions = [plan_version(actions=1, programme=ProgrammeFactory()) for _ in range(3)]
    computed = []

    def data(version):
        def compute():
            computed.append(version.pk)
            return (version.pk,)

        return kept.kept_frozen("test", compute, version)

    assert data(versions[0]) == (versions[0].pk,)
    page_cache().clear()  # the page cache emptied (evicted, restarted): the process still has it
    assert data(versions[0]) == (versions[0].pk,) and computed == [versions[0].pk]
    # the least recently used goes when a third is kept: the second version's, not the first's
    data(versions[1]), data(versions[0]), data(versions[2])
    page_cache().clear()
    computed.clear()
    data(versions[0]), data(versions[2]), data(versions[1])
    assert computed == [versions[1].pk]


def test_a_drafts_data_is_computed_every_time():
    from patto.cache.kept import kept_frozen

    draft = plan_version(actions=1, status=VersionStatus.DRAFT)
    computed = []
    for _ in range(2):
        kept_frozen("test", lambda: computed.append(1) or (), draft)
    assert computed == [1, 1]
