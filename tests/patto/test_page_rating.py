"""The page-rating widget (issue 18, AgID's criterion C.SI.2.5): on every public page, with the
names AgID's checker reads; an answer is stored with no personal data; what is not a public
page, a rating out of range or an answer that does not match the stars changes nothing; without
JavaScript the follow-up question comes on the next page, once; an address may rate 20 times an
hour. The redazione reads a summary per page (and nobody else), in the same queries whatever
the number of answers."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from patto.feedback.services import record_rating
from patto.models import FeedbackAspect, PageRating
from tests.people import login_as

pytestmark = pytest.mark.django_db

RATE = reverse("feedback:rate")
DETAILS = reverse("feedback:details")


def widget(client, url):
    page = BeautifulSoup(client.get(url).content, "html.parser")
    return page.select_one('[data-element="feedback"]')


def test_every_public_page_carries_the_widget_with_agids_names(client):
    for url in (reverse("home"), reverse("patto:programmes"), reverse("legal:privacy")):
        box = widget(client, url)
        assert box is not None, url
        title = box.select_one('[data-element="feedback-title"]').get_text(strip=True)
        assert title == "Quanto sono chiare le informazioni su questa pagina?"
        assert [box.select_one(f'[data-element="feedback-rate-{n}"]') for n in range(1, 6)]
        assert box.select_one('[data-element="feedback-input-text"]') is not None
        positive = box.select_one('[data-element="feedback-rating-positive"]')
        answers = [a.get_text(strip=True) for a in positive("label")]
        assert answers[0] == "Le indicazioni erano chiare" and answers[-1] == "Altro"
        assert box.find("input", {"name": "page"})["value"] == url


def test_english_pages_carry_the_widget_and_their_ratings_are_recorded(client):
    box = widget(client, "/en/programmi/")
    assert box is not None
    assert box.find("input", {"name": "page"})["value"] == "/en/programmi/"
    title = box.select_one('[data-element="feedback-title"]').get_text(strip=True)
    assert title != "Quanto sono chiare le informazioni su questa pagina?"  # translated
    response = client.post("/en" + RATE, {"page": "/en/programmi/", "rating": "5"})
    assert response.status_code == 200
    assert PageRating.objects.get().page == "/en/programmi/"
    assert widget(client, "/en/redazione/") is None


def test_private_pages_and_unknown_addresses_have_no_widget(client):
    assert widget(client, reverse("account_login")) is None
    assert widget(client, "/pagina-che-non-esiste/") is None
    login_as(client, "staff")
    assert widget(client, reverse("redazione:dashboard")) is None


def test_a_rating_is_stored_without_personal_data(client):
    login_as(client, "registered")
    response = client.post(
        RATE,
        {
            "page": "/programmi/",
            "rating": "2",
            "aspect": "lost",
            "comment": "Non\x07 trovo\n il piano ",
        },
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 200
    assert "Grazie per la tua valutazione" in response.content.decode()
    rating = PageRating.objects.get()
    assert (rating.page, rating.rating, rating.aspect) == ("/programmi/", 2, "lost")
    assert rating.comment == "Non trovo il piano"
    fields = {f.name for f in PageRating._meta.get_fields()}
    assert fields == {"id", "page", "rating", "aspect", "comment", "created_on"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"page": "/redazione/", "rating": "5"}, "Questa pagina non si può valutare."),
        ({"page": "/non-esiste/", "rating": "5"}, "Questa pagina non si può valutare."),
        ({"page": "/", "rating": "9"}, "Scegli"),
        ({"page": "/"}, "Scegli da 1 a 5 stelle."),
        ({"page": "/", "rating": "5", "aspect": "lost"}, "Scegli una delle risposte proposte"),
        ({"page": "/", "rating": "1", "aspect": "clear"}, "Scegli una delle risposte proposte"),
        ({"page": "/", "rating": "3", "comment": "x" * 201}, "200"),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_change_nothing(client, data, message):
    response = client.post(RATE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PageRating.objects.exists()


def test_a_refused_rating_comes_back_as_it_was_sent_to_correct(client):
    """Nothing typed is lost: the refusal page holds the stars, the answer and the text sent,
    and sending them again, corrected, records the rating."""
    text = "Non trovo il piano in vigore " + "e " * 90
    response = client.post(
        RATE, {"page": "/programmi/", "rating": "2", "aspect": "lost", "comment": text}
    )
    assert response.status_code == 400
    assert not PageRating.objects.exists()
    page = BeautifulSoup(response.content, "html.parser")
    form = page.select_one(f'main form[action="{RATE}"]')
    assert form.find("input", {"name": "page"})["value"] == "/programmi/"
    assert form.find("input", {"name": "rating", "checked": True})["value"] == "2"
    assert form.find("input", {"name": "aspect", "checked": True})["value"] == "lost"
    assert form.find("textarea", {"name": "comment"}).get_text().strip() == text.strip()
    assert "200 caratteri" in form.get_text()
    # the answers that go with two stars are offered; the others wait for more stars
    negative = form.select_one('[data-element="feedback-rating-negative"]')
    positive = form.select_one('[data-element="feedback-rating-positive"]')
    assert not negative.has_attr("hidden") and positive.has_attr("disabled")
    again = client.post(
        RATE, {"page": "/programmi/", "rating": "2", "aspect": "lost", "comment": text[:60]}
    )
    assert again.status_code == 200
    assert PageRating.objects.get().comment == text[:60].strip()


def test_answers_that_do_not_go_with_the_stars_come_back_with_the_stars(client):
    response = client.post(RATE, {"page": "/", "rating": "5", "aspect": "lost", "comment": "ok"})
    page = BeautifulSoup(response.content, "html.parser")
    form = page.select_one(f'main form[action="{RATE}"]')
    assert form.find("input", {"name": "rating", "checked": True})["value"] == "5"
    assert form.find("input", {"name": "aspect", "checked": True}) is None
    assert "Scegli una delle risposte proposte" in form.get_text()
    assert form.find("textarea", {"name": "comment"}).get_text() == "ok"


def test_a_rating_that_cannot_be_sent_again_now_shows_its_text_to_keep(client):
    for _ in range(20):
        client.post(RATE, {"page": "/", "rating": "5"})
    refused = client.post(RATE, {"page": "/", "rating": "2", "comment": "La mappa non si apre"})
    assert refused.status_code == 429
    page = BeautifulSoup(refused.content, "html.parser")
    assert page.select_one("main blockquote").get_text(strip=True) == "La mappa non si apre"
    assert page.select_one(f'main form[action="{RATE}"]') is None


def test_refused_details_come_back_filled_in_or_shown_to_keep(client):
    response = client.post(RATE, {"page": "/programmi/", "rating": "4"})
    token = BeautifulSoup(response.content, "html.parser").find("input", {"name": "token"})
    answer = {"token": token["value"], "aspect": "complete", "page": "/programmi/"}
    too_long = client.post(DETAILS, {**answer, "comment": "chiaro " * 40})
    assert too_long.status_code == 400
    form = BeautifulSoup(too_long.content, "html.parser").select_one(
        f'main form[action="{DETAILS}"]'
    )
    assert form.find("textarea", {"name": "comment"}).get_text().strip() == ("chiaro " * 40).strip()
    assert form.find("input", {"name": "aspect", "checked": True})["value"] == "complete"
    assert PageRating.objects.get().comment == ""
    expired = client.post(DETAILS, {**answer, "token": "scaduto", "comment": "Tutto chiaro"})
    assert expired.status_code == 400
    page = BeautifulSoup(expired.content, "html.parser")
    assert page.select_one("main blockquote").get_text(strip=True) == "Tutto chiaro"


def test_without_javascript_the_follow_up_comes_next_and_only_once(client):
    response = client.post(RATE, {"page": "/programmi/", "rating": "4"})
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("legend").get_text(strip=True) == (
        "Quali sono stati gli aspetti che hai preferito?"
    )
    token = page.find("input", {"name": "token"})["value"]
    answer = {"token": token, "aspect": "complete", "comment": "chiaro", "page": "/programmi/"}
    assert client.post(DETAILS, answer).status_code == 200
    rating = PageRating.objects.get()
    assert (rating.rating, rating.aspect, rating.comment) == (4, "complete", "chiaro")
    again = client.post(DETAILS, {**answer, "comment": "cambiato"})
    assert again.status_code == 400
    assert PageRating.objects.get().comment == "chiaro"
    forged = client.post(DETAILS, {**answer, "token": token[:-2] + "xx"})
    assert forged.status_code == 400


def test_an_address_may_rate_twenty_times_an_hour(client):
    for _ in range(20):
        assert client.post(RATE, {"page": "/", "rating": "5"}).status_code == 200
    refused = client.post(RATE, {"page": "/", "rating": "5"})
    assert refused.status_code == 429
    assert "riprova tra un" in refused.content.decode()
    assert PageRating.objects.count() == 20


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("registered", 403), ("spokesperson", 403), ("staff", 200)],
)
def test_only_the_redazione_reads_the_summary(client, role, status):
    login_as(client, role)
    assert client.get(reverse("redazione:page_ratings")).status_code == status


def _ratings(pages: int):
    for n in range(pages):
        for stars in (1, 4, 5):
            aspect = FeedbackAspect.OTHER if stars == 1 else ""
            record_rating(page=f"/programmi/p{n}/", rating=stars, aspect=aspect, comment="ok")


@pytest.mark.parametrize("pages", [2, 30])
def test_the_summary_counts_per_page_in_the_same_queries(
    staff_client, django_assert_num_queries, pages
):
    _ratings(pages)
    staff_client.get(reverse("redazione:page_ratings"))  # the session's first queries
    with django_assert_num_queries(8):
        response = staff_client.get(reverse("redazione:page_ratings"))
    rows = response.context["rows"]
    assert len(rows) == min(pages, 25)
    assert rows[0]["answers"] == 3 and rows[0]["stars"] == [1, 0, 0, 1, 1]
    assert rows[0]["aspects"] == [{"label": "Altro", "answers": 1}]
