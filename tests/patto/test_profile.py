"""The profile page: a person edits name, body and category (bad input is a form error, a save
from an outdated page is refused), sees their registrations, contributions and follows, and
chooses which e-mails they receive. Its queries do not grow with what it lists."""

import re

import pytest
from django.urls import reverse

from incontri.models import Registration, RegistrationStatus
from patto.accounts import services as account_services
from patto.mail.participants import EmailTopic
from patto.models import EmailOptOut, Follow
from tavoli.models import Comment
from tests.factories import ContributionFactory, MeetingFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(first_name="Anna", last_name="Rossi")
    client.force_login(user)
    return user


def profile_data(user, **changes):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "body_name": user.body_name,
        "actor_category": user.actor_category,
        "loaded": account_services.profile_fingerprint(user),
    }
    return {**data, **changes}


def test_edit_name_body_and_category(client, person):
    response = client.post(
        reverse("profile:detail"),
        profile_data(
            person, body_name="  Comune di Pinerolo ", actor_category="amministratori_locali"
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.body_name == "Comune di Pinerolo"
    assert person.actor_category == "amministratori_locali"
    page = client.get(reverse("profile:detail")).content.decode()
    assert "Profilo salvato." in page
    assert 'value="Comune di Pinerolo"' in page


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"actor_category": "astronauti"}, "non è tra quelle disponibili"),
        ({"body_name": "x" * 201}, "non contenga più di 200 caratteri"),
        ({"first_name": "x" * 151}, "non contenga più di 150 caratteri"),
        ({"loaded": ""}, "ricarica la pagina e riprova"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_saved(client, person, changes, error):
    response = client.post(reverse("profile:detail"), profile_data(person, **changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert 'class="alert alert-danger"' in html
    person.refresh_from_db()
    assert (person.body_name, person.actor_category) == ("", "")


def test_a_save_from_an_outdated_page_is_refused(client, person):
    opened = profile_data(person)
    # meanwhile, in another tab
    client.post(reverse("profile:detail"), profile_data(person, body_name="Cooperativa Il Ponte"))
    response = client.post(reverse("profile:detail"), {**opened, "body_name": "ASL TO3"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "modificato in un&#x27;altra finestra" in html
    assert 'value="Cooperativa Il Ponte"' in html  # what is saved now, to look at
    person.refresh_from_db()
    assert person.body_name == "Cooperativa Il Ponte"
    # saving again from the refreshed form is a deliberate choice, and works
    again = profile_data(person, body_name="ASL TO3")
    assert client.post(reverse("profile:detail"), again).status_code == 302
    person.refresh_from_db()
    assert person.body_name == "ASL TO3"


def test_the_profile_lists_registrations_contributions_and_follows(client, person):
    meeting = MeetingFactory(title="Incontro provinciale di Cuneo")
    Registration.objects.create(meeting=meeting, user=person, status=RegistrationStatus.WAITING)
    contribution = ContributionFactory(author=person, title="Più educativa di strada")
    ContributionFactory(title="Di qualcun altro")
    programme = ProgrammeFactory(title="Piano Sociale Metropolitano")
    Follow.objects.create(user=person, programme=programme)
    html = client.get(reverse("profile:detail")).content.decode()
    assert "Incontro provinciale di Cuneo" in html
    assert reverse("incontri:detail", args=[meeting.pk]) in html
    assert "In lista d&#x27;attesa" in html
    assert "Più educativa di strada" in html
    assert (
        reverse("tavoli:contribution", args=[contribution.programme.slug, contribution.pk]) in html
    )
    assert "Di qualcun altro" not in html
    assert "Piano Sociale Metropolitano" in html
    assert reverse("profile:unfollow", args=[programme.slug]) in html


def contribution_rows(html: str) -> dict[str, str]:
    """The profile's contributions, as their title → the words of their row."""
    rows = re.findall(r'<li class="mb-3 profile-contribution">(.*?)</li>', html, re.S)
    words = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]
    return {re.search(r"^(.*?) ·", w).group(1): w for w in words}


@pytest.mark.parametrize(
    ("moderation", "reason", "status", "shown", "not_shown"),
    [
        (
            "pending",
            "",
            "received",
            ["In attesa di moderazione", "Lo vedi solo tu"],
            ["Pubblicato", "Ricevuto"],
        ),
        (
            "approved",
            "",
            "received",
            ["Pubblicato", "Che cosa ne è stato: Ricevuto"],
            ["moderazione", "Nascosto"],
        ),
        ("approved", "", "accepted", ["Pubblicato", "Che cosa ne è stato: Accolto"], ["Ricevuto"]),
        (
            "hidden",
            "Contiene il numero di telefono di una persona.",
            "received",
            ["Nascosto", "Motivo: Contiene il numero di telefono di una persona."],
            ["Ricevuto", "Pubblicato", "moderazione"],
        ),
    ],
)
def test_each_contribution_shows_its_moderation_state(
    client, person, moderation, reason, status, shown, not_shown
):
    ContributionFactory(
        author=person,
        title="Più educativa di strada",
        moderation=moderation,
        hidden_reason=reason,
        status=status,
        response="Inserita nell'azione 2.1.3." if status == "accepted" else "",
    )
    ContributionFactory(title="Di qualcun altro", moderation="hidden", hidden_reason="Fuori tema.")
    ContributionFactory(title="Anche questo di un altro", moderation="pending")
    rows = contribution_rows(client.get(reverse("profile:detail")).content.decode())
    assert list(rows) == ["Più educativa di strada"]  # another person's never show
    row = rows["Più educativa di strada"]
    for text in shown:
        assert text in row
    for text in not_shown:
        assert text not in row


def test_email_preferences(client, person):
    client.post(reverse("profile:email_preferences"), {EmailTopic.MEETINGS: "on"})
    assert set(EmailOptOut.objects.filter(user=person).values_list("topic", flat=True)) == {
        EmailTopic.FOLLOWING,
        EmailTopic.ANSWERS,
        EmailTopic.DIGEST,
    }
    html = client.get(reverse("profile:detail")).content.decode()
    assert re.search(r'<input type="checkbox" name="meetings"[^>]*checked>', html)
    assert not re.search(r'<input type="checkbox" name="answers"[^>]*checked>', html)

    client.post(
        reverse("profile:email_preferences"),
        dict.fromkeys(EmailTopic.values, "on"),
    )
    assert not EmailOptOut.objects.filter(user=person).exists()


def build(person, size):
    for _ in range(size):
        programme = ProgrammeFactory()
        Follow.objects.create(user=person, programme=programme)
        Registration.objects.create(meeting=MeetingFactory(programme=programme), user=person)
        contribution = ContributionFactory(programme=programme, author=person)
        Comment.objects.create(contribution=contribution, author=person, text="Un commento.")
    EmailOptOut.objects.create(user=person, topic=EmailTopic.ANSWERS)


@pytest.mark.parametrize("size", [1, 8])
def test_profile_query_count_does_not_grow(client, person, django_assert_num_queries, size):
    build(person, size)
    # user (the session is in the cache), e-mail opt-outs, the header's roles (2), the menu's
    # programmes, follows, registrations, contributions, comments
    with django_assert_num_queries(9):
        assert client.get(reverse("profile:detail")).status_code == 200
