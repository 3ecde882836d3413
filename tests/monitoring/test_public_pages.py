"""What a citizen sees of the monitoring of the plan in force: the overview of a programme
(``/programmi/<slug>/attuazione/``), the block on an action's page and "where it stands" on each
contribution that led to an action. Test data is written through ``patto.monitoring.services``."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from matrice.models import Action
from patto.models import PlanVersion, UpdateAttachment, VersionStatus
from patto.monitoring import services
from tests.factories import (
    ContributionFactory,
    SpokespersonFactory,
    StaffFactory,
    ZoneFactory,
)
from tests.tavoli.factories import answered
from tests.versions import build_version, in_turn

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def staff():
    return StaffFactory()


def plan(size=3, *, slug="piano", status=VersionStatus.PUBLISHED, **kwargs):
    """A programme whose version 1 (published by default) has ``size`` actions over two
    policies, each with a budget of 1,000 euro."""
    return build_version(
        slug=slug,
        policies=2,
        actions=size,
        action={"budget": Decimal(1000)},
        status=status,
        **kwargs,
    )


def record(content, staff, i, **fields):
    defaults = {"state": "in_progress", "progress": 50, "committed": None, "spent": None}
    return services.record_implementation(
        programme=content.programme,
        action_key=content.actions[i].key,
        expected_revision=None,
        by=staff,
        **{**defaults, **fields},
    )


def update(content, staff, i, title, **fields):
    return services.add_update(
        programme=content.programme,
        action_key=content.actions[i].key,
        happened_on=fields.pop("happened_on", DAY),
        title=title,
        text=fields.pop("text", "Il testo."),
        by=fields.pop("by", staff),
        **fields,
    )


def overview_url(content):
    return reverse("monitoring:overview", args=[content.programme.slug])


def action_url(content, i=0, number=1):
    return reverse("matrice:action", args=[content.programme.slug, number, content.actions[i].code])


def test_the_overview_counts_states_progress_and_money(client, staff):
    content = plan(4)
    record(content, staff, 0, state="completed", progress=100, committed=900, spent=800)
    record(content, staff, 1, state="suspended", state_reason="Manca il personale.", progress=20)
    update(content, staff, 0, "Concluso il primo anno")
    response = client.get(overview_url(content))
    assert response.status_code == 200
    html = response.content.decode()
    overview = response.context["overview"]
    assert overview.total.actions == 4
    assert overview.total.by_state == {
        "not_started": 2,
        "in_progress": 0,
        "completed": 1,
        "suspended": 1,
        "cancelled": 0,
    }
    assert overview.total.average_progress == 30  # (100 + 20 + 0 + 0) / 4
    assert overview.total.budget == 4000 and overview.total.spent == 800
    assert "Il piano in vigore ha 4 azioni." in html
    # a chart with its table of numbers, and its CSV with the same numbers
    assert 'id="chart-stati"' in html and "I numeri del grafico" in html
    csv = client.get(reverse("monitoring:chart_csv", args=[content.programme.slug, "risorse"]))
    assert csv.status_code == 200
    assert csv.content.decode().splitlines()[1:] == [
        "1. Politica 1,2000,900,800",
        "2. Politica 2,2000,0,0",
    ]
    # each action links to its page, with its state; the latest update too
    assert action_url(content, 0) + "#attuazione" in html
    assert "Completata" in html and "Sospesa" in html
    assert "Concluso il primo anno" in html
    # the reports and the open data are a link away
    assert reverse("monitoring:reports", args=[content.programme.slug]) in html
    assert reverse("patto:open_data") + "#attuazione" in html


def test_the_money_chart_groups_the_thousands_as_the_language_does(client, staff):
    content = plan(4)  # 2,000 euro planned on each policy
    record(content, staff, 0, committed=12500, spent=1200)
    chart = "chart-risorse"
    for prefix, planned, committed in (("", "2.000", "12.500"), ("/en", "2,000", "12,500")):
        html = client.get(prefix + overview_url(content)).content.decode()
        section = html[html.index(f'id="{chart}-section"') :]
        section = section[: section.index("</section>")]
        drawing, table = section.split("<table", 1)
        assert f">{planned}</text>" in drawing and f">{committed}</text>" in drawing
        assert f'<td class="text-end">{planned}</td>' in table
        assert f'<td class="text-end">{committed}</td>' in table
    # the CSV keeps plain numbers, for a spreadsheet
    csv = client.get(reverse("monitoring:chart_csv", args=[content.programme.slug, "risorse"]))
    assert "1. Politica 1,2000,12500,1200" in csv.content.decode().splitlines()


def test_a_plan_without_budgets_shows_no_planned_money_as_zero(client, staff):
    content = build_version(slug="piano", policies=2, actions=2, status=VersionStatus.PUBLISHED)
    record(content, staff, 0, committed=900, spent=800)
    html = client.get(overview_url(content)).content.decode()
    assert "Il piano non indica le risorse previste." in html
    csv = client.get(reverse("monitoring:chart_csv", args=[content.programme.slug, "risorse"]))
    assert csv.content.decode().splitlines() == [
        "Politica,Impegnate,Spese",
        "1. Politica 1,900,800",
        "2. Politica 2,0,0",
    ]


def test_the_programme_note_on_its_data_is_shown_above_the_figures(client, staff):
    content = plan(2)
    record(content, staff, 0, progress=40)
    assert "Nota sui dati" not in client.get(overview_url(content)).content.decode()
    content.programme.monitoring_note = "I dati vengono dagli **enti gestori**, ogni trimestre."
    content.programme.save()
    for url in (overview_url(content), action_url(content, 0)):
        html = client.get(url).content.decode()
        assert "Nota sui dati" in html
        assert "I dati vengono dagli <strong>enti gestori</strong>, ogni trimestre." in html


def test_a_long_plan_lists_its_actions_a_page_at_a_time(client, staff, settings):
    content = plan(60)
    record(content, staff, 59, state="completed", progress=100)
    response = client.get(overview_url(content))
    html = response.content.decode()
    # the tallies count all 60; the list shows the first 50, then a link to the rest
    assert response.context["overview"].total.actions == 60
    assert "Sono 60 azioni, 50 per pagina." in html and "Pagina 1 di 2" in html
    last = content.actions[59]
    assert f"{last.code} {last.title}" not in html
    second = client.get(overview_url(content), {"page": 2}).content.decode()
    assert f"{last.code} {last.title}" in second and "Pagina 2 di 2" in second


def test_filters_are_the_action_lists(client, staff):
    zone, other = ZoneFactory(), ZoneFactory()

    def link(i, action, content):
        in_turn(i, action, content)
        if i == 0:
            action.zones.add(zone)
            action.tables.add(content.table)
        elif i == 1:
            action.zones.add(other)

    content = plan(
        3, zones=[zone, other], tables=[{"slug": "famiglie", "title": "Tavolo"}], link=link
    )
    target = content.targets[0]  # actions 0 and 2 (in turn)
    url = overview_url(content)
    # the zone's actions and those that apply everywhere
    assert client.get(url, {"zona": zone.number}).context["overview"].total.actions == 2
    assert client.get(url, {"tavolo": "famiglie"}).context["overview"].total.actions == 1
    assert client.get(url, {"destinatari": target.code}).context["overview"].total.actions == 2
    response = client.get(url, {"zona": "999"})  # not a zone: nothing, and said so
    assert response.status_code == 200
    assert "Nessuna azione corrisponde ai filtri scelti." in response.content.decode()


def test_a_programme_without_a_plan_in_force_says_so(client):
    content = plan(2, status=VersionStatus.IN_VALIDATION)
    response = client.get(overview_url(content))
    assert response.status_code == 200
    assert "non ha ancora un piano in vigore" in response.content.decode()
    # a draft or a proposal has no monitoring block on its action pages
    page = client.get(action_url(content)).content.decode()
    assert 'id="attuazione"' not in page


def test_only_published_updates_are_shown(client, staff):
    zone = ZoneFactory()
    content = plan(2)
    content.programme.validating_zones.add(zone)
    spokesperson = SpokespersonFactory(zone=zone).user
    update(content, staff, 0, "Pubblicato dalla redazione", text="Vedi **qui**.")
    update(content, staff, 0, "Proposto dalla zona", by=spokesperson, zone=zone)
    declined = update(content, staff, 0, "Rifiutato", by=spokesperson, zone=zone)
    services.decline_update(update=declined, reason="Doppione.", by=staff)
    published = update(content, staff, 0, "Della zona, pubblicato", by=spokesperson, zone=zone)
    services.publish_update(update=published, by=staff)
    for url in (overview_url(content), action_url(content)):
        html = client.get(url).content.decode()
        assert "Pubblicato dalla redazione" in html
        assert "Della zona, pubblicato" in html
        assert "Proposto dalla zona" not in html
        assert "Rifiutato" not in html
    html = client.get(action_url(content)).content.decode()
    assert "Vedi <strong>qui</strong>." in html  # Markdown
    assert str(zone) in html


def test_the_action_page_shows_state_money_indicators_and_timeline(client, staff):
    content = plan(1)
    record(
        content,
        staff,
        0,
        state="cancelled",
        state_reason="Fondi revocati.",
        progress=10,
        committed=Decimal(500),
        spent=Decimal(250),
    )
    indicator = services.add_indicator(
        programme=content.programme,
        action_key=content.action.key,
        name="Famiglie seguite",
        unit="famiglie",
        baseline=Decimal(0),
        target=Decimal(200),
        by=staff,
    )
    services.record_indicator_value(
        indicator=indicator, measured_on=DAY, value=Decimal(50), by=staff
    )
    news = update(content, staff, 0, "Avviato lo sportello")
    attachment = UpdateAttachment.objects.create(
        update=news,
        title="Delibera",
        file=ContentFile(b"%PDF-1.4", name="delibera.pdf"),
        size=2048,
        uploaded_by=staff,
    )
    html = client.get(action_url(content)).content.decode()
    assert "Annullata" in html and "Fondi revocati." in html
    assert "10% fatto" in html
    assert "500,00 €" in html and "50% delle previste" in html  # 500 of a 1,000 budget
    assert "Famiglie seguite" in html and "fatto il 25% del cammino" in html
    assert "Avviato lo sportello" in html and "Delibera" in html and "2,0\xa0KB" in html
    # the PDF is served by the portal (media need not be public), while its update is
    # published, under its own programme only
    url = reverse("monitoring:attachment", args=[content.programme.slug, attachment.pk])
    assert f'href="{url}"' in html
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == b"%PDF-1.4"
    other = reverse("monitoring:attachment", args=["altro", attachment.pk])
    assert client.get(other).status_code == 404
    proposal = update(content, staff, 0, "Proposta")
    type(proposal).objects.filter(pk=proposal.pk).update(status="proposed")
    hidden = UpdateAttachment.objects.create(
        update=proposal,
        title="Bozza",
        file=ContentFile(b"%PDF-1.4", name="b.pdf"),
        uploaded_by=staff,
    )
    hidden_url = reverse("monitoring:attachment", args=[content.programme.slug, hidden.pk])
    assert client.get(hidden_url).status_code == 404


def test_an_archived_version_shows_the_monitoring_by_key_and_the_dropped_action(client, staff):
    content = plan(2)
    record(content, staff, 1, state="in_progress", progress=30)
    kept = content.actions[0]
    version2 = build_version(content.programme, number=2, actions=[kept.code])
    Action.objects.filter(pk=version2.action.pk).update(key=kept.key)
    PlanVersion.objects.filter(pk=content.version.pk).update(status=VersionStatus.ARCHIVED)
    PlanVersion.objects.filter(pk=version2.version.pk).update(
        status=VersionStatus.PUBLISHED, fingerprint="f" * 64
    )
    services.record_dropped_actions(previous=content.version, version=version2.version)
    item = content.programme.dropped_actions.get()
    services.explain_dropped_action(dropped=item, reason="Unita a un'altra azione.", by=staff)
    html = client.get(overview_url(content)).content.decode()
    assert "Le azioni tolte dal piano" in html and "Unita a un&#x27;altra azione." in html
    page = client.get(action_url(content, 1)).content.decode()
    assert "non è più nel piano in vigore" in page and "30% fatto" in page


def test_a_contribution_shows_where_its_action_stands(client, staff):
    content = plan(1)
    record(content, staff, 0, state="in_progress", progress=65)
    contribution = ContributionFactory(programme=content.programme, **answered())
    contribution.led_to.set([content.action])
    url = reverse("tavoli:contribution", args=[content.programme.slug, contribution.pk])
    html = client.get(url).content.decode()
    assert "Come procede:" in html and "In corso" in html and "65% fatto" in html
    assert action_url(content) + "#attuazione" in html
    # a link to read, not «Segui», which elsewhere means getting emails
    assert f"Leggi gli aggiornamenti dell'azione {content.action.code}" in html


def test_recording_shows_on_the_next_request(client, staff):
    """The pages are cached; a save renders them again."""
    content = plan(1)
    assert "Non avviata" in client.get(action_url(content)).content.decode()
    assert "Il primo passo" not in client.get(overview_url(content)).content.decode()
    record(content, staff, 0, state="completed", progress=100)
    update(content, staff, 0, "Il primo passo")
    assert "Completata" in client.get(action_url(content)).content.decode()
    assert "Il primo passo" in client.get(overview_url(content)).content.decode()


def test_links_and_sitemap(client):
    content = plan(1)
    url = overview_url(content)
    assert url in client.get(content.programme.get_absolute_url()).content.decode()
    version_page = reverse("patto:version", args=[content.programme.slug, 1])
    assert url in client.get(version_page).content.decode()
    sitemap = client.get(reverse("sitemap_section", args=["programmi"]))
    assert url in sitemap.content.decode()
    # from the overview to the reports and the open data, and back from the reports and from
    # an action's block: none of them is a dead end
    reports = reverse("monitoring:reports", args=[content.programme.slug])
    overview = client.get(url).content.decode()
    assert f'href="{reports}"' in overview
    assert f'href="{reverse("patto:open_data")}#attuazione"' in overview
    assert f'href="{url}"' in client.get(reports).content.decode()
    assert f'href="{url}"' in client.get(action_url(content)).content.decode()


# query counts ---------------------------------------------------------------------------------

SIZES = [3, 30]


def populate(size, staff):
    zone = ZoneFactory()
    content = plan(size, zones=[zone])
    content.programme.validating_zones.add(zone)
    for i in range(size):
        record(content, staff, i, committed=Decimal(i), spent=Decimal(i))
        news = update(content, staff, i, f"Aggiornamento {i}", zone=zone)
        UpdateAttachment.objects.create(
            update=news,
            title=f"Allegato {i}",
            file=ContentFile(b"%PDF", name="a.pdf"),
            size=10,
            uploaded_by=staff,
        )
        update(content, staff, 0, f"Sull'azione 0, {i}")
        indicator = services.add_indicator(
            programme=content.programme,
            action_key=content.actions[0].key,
            name=f"Indicatore {i}",
            target=Decimal(10),
            by=staff,
        )
        services.record_indicator_value(
            indicator=indicator, measured_on=DAY, value=Decimal(i), by=staff
        )
    return content


@pytest.mark.parametrize("size", SIZES)
def test_overview_query_count(client, django_assert_num_queries, staff, size):
    content = populate(size, staff)
    # menu, programme, plan in force, the filters' targets, zones and tables, the actions,
    # their monitoring, the latest updates, the dropped actions
    with django_assert_num_queries(10):
        response = client.get(overview_url(content), {"zona": content.zones[0].number})
    assert response.status_code == 200
    assert response.context["overview"].total.actions == size


@pytest.mark.parametrize("size", SIZES)
def test_action_page_query_count(client, django_assert_num_queries, staff, size):
    content = populate(size, staff)
    # the action page's (menu, versions, action, its relations, contributions, consultation),
    # + monitoring, updates, attachments, indicators, values
    with django_assert_num_queries(12):
        response = client.get(action_url(content))
    assert response.status_code == 200
    assert response.content.decode().count('class="monitoring-update-text"') == size + 1
