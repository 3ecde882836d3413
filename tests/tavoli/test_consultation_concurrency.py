"""A double click against the real PostgreSQL: the same contribution (or comment) sent twice at
the same instant is stored once; the other request is told it was already sent."""

import pytest

from tavoli import services
from tavoli.models import Comment, Contribution
from tests.patto.test_concurrency import run_together
from tests.tavoli.consultation import make_consultation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]


def test_the_same_contribution_sent_twice_at_once_is_stored_once():
    c = make_consultation()

    def send():
        return services.submit_online_contribution(
            version=c.proposal,
            by=c.author,
            kind="proposal",
            title="Sportelli aperti il sabato",
            text="Molte famiglie lavorano durante la settimana.",
            action=c.action,
        )

    results = run_together(send, send)
    assert sum(isinstance(r, Contribution) for r in results) == 1
    (refused,) = [r for r in results if isinstance(r, Exception)]
    assert "Hai appena inviato lo stesso testo" in str(refused)
    assert Contribution.objects.count() == 1


def test_the_same_comment_sent_twice_at_once_is_stored_once():
    c = make_consultation()
    contribution = c.online()

    def send():
        return services.add_comment(contribution=contribution, by=c.other, text="D'accordo.")

    results = run_together(send, send)
    assert sum(isinstance(r, Comment) for r in results) == 1
    assert Comment.objects.count() == 1
