"""The answers to a programme's contributions as entries of its Atom feeds
(``patto.core.feeds``): one entry per public contribution that has an outcome (accepted,
partly accepted, not accepted) given on a recorded day, dated by that day, so a reader shows it
again when the answer changes. Only what the contribution's public page shows: the name of a
person only where they chose to sign publicly, their body and category, never an account."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from patto.core.addresses import absolute
from patto.core.feeds import Entry, tag_uri
from tavoli.models import Contribution, ContributionStatus


def _titles():
    return {
        ContributionStatus.ACCEPTED: _("Contributo accolto: %(title)s"),
        ContributionStatus.PARTLY_ACCEPTED: _("Contributo accolto in parte: %(title)s"),
        ContributionStatus.NOT_ACCEPTED: _("Contributo non accolto: %(title)s"),
    }


def answer_entries(contributions: list[Contribution]) -> list[Entry]:
    """No query: ``contributions`` come with what they show (``queries.answered_for_feed``)."""
    titles = _titles()
    entries = []
    for contribution in contributions:
        programme = contribution.programme
        link = absolute(reverse("tavoli:contribution", args=[programme.slug, contribution.pk]))
        actions = [
            (
                action,
                absolute(
                    reverse(
                        "matrice:action",
                        args=[action.version.programme.slug, action.version.number, action.code],
                    )
                ),
            )
            for action in contribution.public_actions
        ]
        entries.append(
            Entry(
                id=tag_uri(contribution.created_at, f"contribution/{contribution.pk}/answer"),
                title=titles[contribution.status] % {"title": contribution.title},
                link=link,
                updated=contribution.answered_at,
                summary=render_to_string(
                    "tavoli/includes/feed_entry.html",
                    {
                        "contribution": contribution,
                        "programme": programme,
                        "link": link,
                        "actions": actions,
                        "table_link": absolute(
                            reverse("tavoli:detail", args=[programme.slug, contribution.table.slug])
                        )
                        if contribution.table
                        else "",
                    },
                ),
                category=_("contributo"),
            )
        )
    return entries
