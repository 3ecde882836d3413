"""A programme with a consultation on its proposal, for the consultation tests."""

import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone

from tavoli.models import Comment, Contribution, ContributionChannel, Moderation
from tests.factories import PhaseFactory, ProgrammeFactory
from tests.people import someone
from tests.versions import build_version

POLICY_KEY = uuid.UUID("00000000-0000-0000-0000-00000000aaaa")
ACTION_KEY = uuid.UUID("00000000-0000-0000-0000-00000000bbbb")


def version_with_items(programme, *, number, status, policy_key=POLICY_KEY, action_key=ACTION_KEY):
    """A version with policy «1» and action «1.1.1», items named by the given stable keys."""
    content = build_version(
        programme,
        number=number,
        status=status,
        tools=0,
        targets=0,
        policy={"title": "Inclusione sociale", "key": policy_key},
        action={"title": "Sportelli di prossimità", "key": action_key},
    )
    return content.version, content.policy, content.action


@dataclass
class Consultation:
    programme: object
    phase: object
    published: object
    proposal: object
    policy: object
    action: object
    staff: object
    author: object
    other: object
    spokesperson: object

    @property
    def people(self) -> dict:
        """Who the roles of the consultation's tables are: ``login_as(client, role, **people)``."""
        return {
            "author": self.author,
            "other": self.other,
            "spokesperson": self.spokesperson,
            "staff": self.staff,
        }

    def open(self):
        now = timezone.now()
        self.set_window(now - datetime.timedelta(days=1), now + datetime.timedelta(days=1))

    def set_window(self, opens, closes):
        self.phase.consultation_opens_at = opens
        self.phase.consultation_closes_at = closes
        self.phase.save()

    def online(self, *, moderation=Moderation.APPROVED, author=None, about="action", **fields):
        """An online contribution on the proposal (``about``: "action", "policy", "version")."""
        return Contribution.objects.create(
            programme=self.programme,
            channel=ContributionChannel.ONLINE,
            version=self.proposal,
            policy_key=self.policy.key if about == "policy" else None,
            action_key=self.action.key if about == "action" else None,
            kind=fields.pop("kind", "proposal"),
            title=fields.pop("title", "Sportelli aperti il sabato"),
            text=fields.pop("text", "Molte famiglie lavorano durante la settimana."),
            author=author or self.author,
            author_name=fields.pop("author_name", "Maria Bianchi"),
            moderation=moderation,
            hidden_reason=fields.pop(
                "hidden_reason", "Fuori tema." if moderation == Moderation.HIDDEN else ""
            ),
            **fields,
        )

    def comment(self, contribution, *, moderation=Moderation.APPROVED, author=None, text=None):
        return Comment.objects.create(
            contribution=contribution,
            author=author or self.other,
            author_name="Luca Verdi",
            text=text or "Sono d'accordo, anche a Pinerolo.",
            moderation=moderation,
            hidden_reason="Offensivo." if moderation == Moderation.HIDDEN else "",
        )


def make_consultation() -> Consultation:
    """A Piano with a published version 1 and version 2 in validation (the proposal under
    consultation), both with policy 1 and action 1.1.1 (same keys), and an open consultation
    phase. Contributions wait for approval (the default)."""
    programme = ProgrammeFactory(slug="piano", title="Piano sociale metropolitano")
    now = timezone.now()
    phase = PhaseFactory(
        programme=programme,
        title="Consultazione sulla proposta",
        is_consultation=True,
        consultation_opens_at=now - datetime.timedelta(days=1),
        consultation_closes_at=now + datetime.timedelta(days=1),
    )
    published, _, _ = version_with_items(programme, number=1, status="published")
    proposal, policy, action = version_with_items(programme, number=2, status="in_validation")
    proposal.programme = programme
    return Consultation(
        programme=programme,
        phase=phase,
        published=published,
        proposal=proposal,
        policy=policy,
        action=action,
        staff=someone("staff", email="redazione@example.org"),
        author=someone(
            "registered", email="maria@example.org", first_name="Maria", last_name="Bianchi"
        ),
        other=someone("registered", email="luca@example.org"),
        spokesperson=someone("spokesperson", email="portavoce@example.org"),
    )
