"""The redazione records contributions from tables and meetings and answers them: status, the
reason (required for an outcome), the actions they led to. Waiting ones come first in the list;
the outcome can be changed in place (htmx) or by a plain POST; no markup typed in ever reaches a
page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tavoli.models import Contribution, ContributionStatus
from tests.factories import (
    ContributionFactory,
    MeetingFactory,
    ProgrammeFactory,
    ThematicTableFactory,
)
from tests.versions import build_version
from tests.xss import XSS, active_content

# The redazione's pages: every test starts logged in as the staff persona.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff_client")]


@pytest.fixture
def programme():
    return ProgrammeFactory(slug="patto", title="Patto per il sociale")


@pytest.fixture
def table(programme):
    return ThematicTableFactory(programme=programme, slug="abitare", title="Abitare")


@pytest.fixture
def contribution(programme, table):
    return ContributionFactory(
        programme=programme, table=table, title="Famiglie sotto sfratto", text="Testo."
    )


def page_url(contribution):
    return reverse("redazione:tavoli_contribution", args=[contribution.pk])


def answer_url(contribution):
    return reverse("redazione:tavoli_contribution_answer", args=[contribution.pk])


def test_record_a_contribution_from_a_meeting(client, staff, programme):
    meeting = MeetingFactory(programme=programme, title="Incontro di Cuneo")
    form = client.get(
        reverse("redazione:tavoli_contribution_create") + f"?programma=patto&incontro={meeting.pk}"
    ).text
    assert f'<option value="{meeting.pk}" selected>' in form
    response = client.post(
        reverse("redazione:tavoli_contribution_create") + "?programma=patto",
        {
            "meeting": meeting.pk,
            "kind": "critical_issue",
            "title": "Liste d'attesa lunghe",
            "text": "Mesi per una valutazione.",
            "author_name": "Comitato familiari",
            "actor_category": "cittadini",
            "submitted_on": "2017-10-19",
        },
    )
    contribution = Contribution.objects.get(title="Liste d'attesa lunghe")
    assert response.status_code == 302
    assert response.url == page_url(contribution)
    assert (contribution.programme, contribution.meeting, contribution.status) == (
        programme,
        meeting,
        ContributionStatus.RECEIVED,
    )
    assert contribution.submitted_on == datetime.date(2017, 10, 19)


def test_a_contribution_needs_a_table_or_a_meeting(client, staff, programme):
    response = client.post(
        reverse("redazione:tavoli_contribution_create") + "?programma=patto",
        {"kind": "proposal", "title": "Senza origine", "text": "x"},
    )
    assert response.status_code == 200
    assert "Indica il tavolo o l&#x27;incontro in cui è stato presentato." in response.text
    assert not Contribution.objects.exists()


def test_a_table_of_another_programme_is_not_offered_nor_accepted(client, staff, programme):
    foreign = ThematicTableFactory(programme=ProgrammeFactory(), title="Tavolo altrui")
    page = client.get(reverse("redazione:tavoli_contribution_create") + "?programma=patto").text
    assert "Tavolo altrui" not in page
    response = client.post(
        reverse("redazione:tavoli_contribution_create") + "?programma=patto",
        {"table": foreign.pk, "kind": "proposal", "title": "X", "text": "x"},
    )
    assert response.status_code == 200
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("status", ["accepted", "partly_accepted", "not_accepted"])
def test_an_outcome_needs_a_reason(client, staff, contribution, status):
    response = client.post(
        answer_url(contribution), {"revision": 1, "status": status, "response": "   "}
    )
    assert response.status_code == 200
    assert "Scrivi il motivo: un esito va sempre motivato nella risposta." in response.text
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.RECEIVED
    assert contribution.answered_at is None


def test_answer_with_the_actions_it_led_to(client, staff, programme, contribution):
    build_version(programme, actions=["0.0.1"], status="archived")
    published = build_version(
        programme, number=2, actions=["2.2.2", "2.2.5"], status="published"
    ).actions
    draft = build_version(programme, number=3, actions=["2.2.9"]).actions
    foreign = build_version(ProgrammeFactory(), actions=["7.7.7"], status="published").actions

    page = client.get(page_url(contribution)).text
    assert "2.2.2 Azione 2.2.2 (versione 2, pubblicata)" in page
    assert "2.2.9 Azione 2.2.9 (versione 3, bozza)" in page
    assert "0.0.1" not in page  # an older version: not the latest public one
    assert "7.7.7" not in page  # another programme

    before = timezone.now()
    response = client.post(
        answer_url(contribution),
        {
            "revision": 1,
            "status": "partly_accepted",
            "response": "Accolto in parte: ne è nato il fondo per le locazioni.",
            "led_to": [published[0].pk, draft[0].pk],
        },
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PARTLY_ACCEPTED
    assert contribution.answered_by == staff
    assert contribution.answered_at >= before
    assert set(contribution.led_to.all()) == {published[0], draft[0]}

    refused = client.post(
        answer_url(contribution),
        {
            "revision": contribution.revision,
            "status": "accepted",
            "response": "Accolto.",
            "led_to": [foreign[0].pk],
        },
    )
    assert refused.status_code == 200
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PARTLY_ACCEPTED

    history = client.get(page_url(contribution)).text.split("Storia delle modifiche")[1]
    assert "Azioni che ne sono nate" in history
    assert "2.2.2 Azione 2.2.2" in history
    assert "Accolto in parte" in history
    assert "Anna Bianchi" in history


def test_the_actions_it_led_to_are_offered_in_the_order_of_the_matrix(
    client, programme, contribution
):
    # two policies of one area each, eleven actions in each area, made in turn (1.1.1, 2.1.1,
    # 1.1.2, …); then the draft of the next version, offered first
    build_version(programme, policies=2, areas=1, actions=22, status="published")
    build_version(programme, number=2, actions=1)
    page = client.get(page_url(contribution)).text
    select = re.search(r'<select name="led_to".*?</select>', page, re.S).group(0)
    offered = re.findall(r">(\d+(?:\.\d+)+) Azione", select)
    in_matrix = [f"{p}.1.{n}" for p in (1, 2) for n in range(1, 12)]
    assert offered == ["1.1.1", *in_matrix]  # 1.1.2 before 1.1.10, 1.1.11 before 2.1.1


def test_an_action_already_linked_from_an_older_version_is_kept(
    client, staff, programme, contribution
):
    old = build_version(programme, actions=["1.1"], status="archived").actions
    build_version(programme, number=2, actions=["1.1"], status="published")
    contribution.led_to.set(old)
    page = client.get(page_url(contribution)).text
    assert "1.1 Azione 1.1 (versione 1, archiviata)" in page
    client.post(
        answer_url(contribution),
        {"revision": 1, "status": "accepted", "response": "Sì.", "led_to": [old[0].pk]},
    )
    assert list(contribution.led_to.all()) == old


def test_back_to_under_review_clears_the_answer_date(client, staff, contribution):
    client.post(answer_url(contribution), {"revision": 1, "status": "accepted", "response": "Sì."})
    contribution.refresh_from_db()
    assert contribution.answered_at is not None
    client.post(
        answer_url(contribution), {"revision": 2, "status": "under_review", "response": "Sì."}
    )
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.UNDER_REVIEW
    assert (contribution.answered_at, contribution.answered_by) == (None, None)


def test_two_people_answering_at_once(client, contribution, staff, other_staff):
    first, second = staff, other_staff
    client.force_login(first)
    client.post(
        answer_url(contribution), {"revision": 1, "status": "not_accepted", "response": "No."}
    )
    client.force_login(second)
    response = client.post(
        answer_url(contribution), {"revision": 1, "status": "accepted", "response": "Sì."}
    )
    assert response.status_code == 409
    assert "Nel frattempo Anna Bianchi ha salvato questa voce" in response.text
    assert "Non accolto" in response.text.split("Cosa è cambiato nel frattempo")[1]
    contribution.refresh_from_db()
    assert (contribution.status, contribution.response) == ("not_accepted", "No.")


def test_edit_the_contribution(client, staff, contribution, table):
    response = client.post(
        page_url(contribution),
        {
            "revision": 1,
            "table": table.pk,
            "kind": "request",
            "title": "Famiglie sotto sfratto senza soluzioni ponte",
            "text": "Testo corretto.",
        },
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.title == "Famiglie sotto sfratto senza soluzioni ponte"
    assert contribution.kind == "request"


def test_the_list_puts_contributions_waiting_for_an_answer_first(client, staff, programme, table):
    ContributionFactory(
        programme=programme,
        table=table,
        title="Vecchio e in attesa",
        submitted_on=datetime.date(2015, 1, 1),
    )
    ContributionFactory(
        programme=programme,
        table=table,
        title="Recente e risposto",
        submitted_on=datetime.date(2018, 1, 1),
        status="accepted",
        response="Sì.",
    )
    ContributionFactory(
        programme=programme,
        table=table,
        title="Recente e in esame",
        submitted_on=datetime.date(2017, 1, 1),
        status="under_review",
    )
    page = client.get(reverse("redazione:tavoli_contributions")).text
    order = [
        page.index(title)
        for title in ("Recente e in esame", "Vecchio e in attesa", "Recente e risposto")
    ]
    assert order == sorted(order)

    waiting = client.get(reverse("redazione:tavoli_contributions") + "?esito=in_attesa").text
    assert "Recente e risposto" not in waiting
    assert "2 contributi" in waiting


def test_the_list_filters_by_table_and_meeting(client, staff, programme, table):
    meeting = MeetingFactory(programme=programme)
    other = ThematicTableFactory(programme=programme, title="Famiglie")
    ContributionFactory(programme=programme, table=table, title="Dal tavolo Abitare")
    ContributionFactory(programme=programme, table=other, title="Dal tavolo Famiglie")
    ContributionFactory(programme=programme, meeting=meeting, title="Dall'incontro")
    url = reverse("redazione:tavoli_contributions")
    by_table = client.get(f"{url}?programma=patto&tavolo={table.pk}").text
    assert "Dal tavolo Abitare" in by_table and "Dal tavolo Famiglie" not in by_table
    by_meeting = client.get(f"{url}?incontro={meeting.pk}").text
    assert "Dall&#x27;incontro" in by_meeting and "Dal tavolo Abitare" not in by_meeting
    # the meetings to choose from are the chosen programme's, not every programme's (the
    # meeting's list only: a table may have the same primary key)
    option = f'<option value="{meeting.pk}"'
    assert option not in meeting_choices(client.get(url).text)
    assert "Scegli prima il programma" in client.get(url).text
    assert option in meeting_choices(client.get(f"{url}?programma=patto").text)


def meeting_choices(page: str) -> str:
    """The list of meetings in the list's filters."""
    start = page.index('name="incontro"')
    return page[start : page.index("</select>", start)]


def status_payload(contribution, status, revision=1):
    return {
        f"c{contribution.pk}-revision": revision,
        f"c{contribution.pk}-status": status,
        "next": reverse("redazione:tavoli_contributions") + "?esito=in_attesa",
    }


def test_change_the_status_inline_with_htmx(client, staff, contribution):
    url = reverse("redazione:tavoli_contribution_status", args=[contribution.pk])
    response = client.post(
        url, status_payload(contribution, "under_review"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<tr")
    assert "Esito salvato." in response.text
    assert f'name="c{contribution.pk}-revision" value="2"' in response.text
    contribution.refresh_from_db()
    assert contribution.status == "under_review"

    refused = client.post(
        url, status_payload(contribution, "accepted", revision=2), HTTP_HX_REQUEST="true"
    )
    assert "Scrivi il motivo" in refused.text
    assert "Scrivi la risposta nella pagina del contributo" in refused.text
    contribution.refresh_from_db()
    assert contribution.status == "under_review"


def test_change_the_status_without_javascript(client, staff, contribution):
    url = reverse("redazione:tavoli_contribution_status", args=[contribution.pk])
    response = client.post(url, status_payload(contribution, "under_review"))
    assert response.status_code == 302
    assert response.url == reverse("redazione:tavoli_contributions") + "?esito=in_attesa"
    contribution.refresh_from_db()
    assert contribution.status == "under_review"

    response = client.post(url, status_payload(contribution, "accepted", revision=2), follow=True)
    assert "esito non salvato" in response.text
    # an address elsewhere is not followed
    response = client.post(
        url, {**status_payload(contribution, "received", 2), "next": "https://evil.example/"}
    )
    assert response.url == reverse("redazione:tavoli_contributions")


def test_markup_typed_in_never_reaches_a_page(client, staff, programme, contribution, table):
    payload = "\n\n".join(XSS)
    client.post(
        page_url(contribution),
        {"revision": 1, "table": table.pk, "kind": "proposal", "title": XSS[0], "text": payload},
    )
    client.post(
        answer_url(contribution), {"revision": 2, "status": "accepted", "response": payload}
    )
    contribution.refresh_from_db()
    assert contribution.status == "accepted" and contribution.text == payload.strip()
    pages = [
        reverse("tavoli:contribution", args=["patto", contribution.pk]),
        reverse("tavoli:contributions", args=["patto"]),
        reverse("tavoli:detail", args=["patto", "abitare"]),
        page_url(contribution),
        reverse("redazione:tavoli_contributions"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert active_content(response.text) == [], url
