"""A programme's Atom feeds: everything new (``novita.atom``), and one per kind: the versions of
its plan (``versioni.atom``), its meetings (``incontri.atom``) and the answers to its
contributions (``contributi.atom``). The shared machinery is in ``patto.core.feeds``.

The versions' feed has an entry per state change of a public version that has a recorded
date: sent to validation (``submitted_at``), a zone asked for changes (the ``Validation`` row of
that decision, ``decided_at``), validated (``validated_at``), published (``published_at``),
archived when a later one was published (``archived_at``), withdrawn (``withdrawn_at``). A change
whose date was never recorded (a version loaded with a status and no dates) has no entry: an
entry needs the date it happened, and the feed invents none. Drafts are not public and have no
entry; nor do the zones' approvals one by one (the version page lists them), only the request
for changes that stops a version and the validation that follows the last approval."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from incontri import queries as meeting_queries
from incontri.feeds import meeting_entries
from patto.core.addresses import absolute
from patto.core.feeds import FEED_SIZE, Entry, ProgrammeFeed, tag_uri
from patto.models import PlanVersion, Validation
from patto.programme import queries
from tavoli import queries as contribution_queries
from tavoli.feeds import answer_entries

# Each event of a version: the field that dates it, the entry's title.
EVENTS = {
    "submitted": "submitted_at",
    "validated": "validated_at",
    "published": "published_at",
    "archived": "archived_at",
    "withdrawn": "withdrawn_at",
}


def _titles():
    return {
        "submitted": _("Versione %(number)s inviata alla validazione: la proposta è consultabile"),
        "changes_requested": _("Versione %(number)s: %(zone)s ha chiesto modifiche"),
        "validated": _("Versione %(number)s validata"),
        "published": _("Versione %(number)s pubblicata"),
        "archived": _("Versione %(number)s archiviata"),
        "withdrawn": _("Versione %(number)s ritirata"),
    }


@dataclass(frozen=True)
class VersionEvent:
    name: str
    version: PlanVersion
    at: object  # the recorded datetime
    validation: Validation | None = None
    successor: PlanVersion | None = None  # the version published when this one was archived


def version_events(versions: list[PlanVersion]) -> list[VersionEvent]:
    """The dated state changes of ``versions`` (read by ``queries.versions_for_feed``)."""
    published_at = {v.published_at: v for v in versions if v.published_at}
    events = []
    for version in versions:
        for name, field in EVENTS.items():
            at = getattr(version, field)
            if at is None:
                continue
            successor = published_at.get(at) if name == "archived" else None
            events.append(VersionEvent(name, version, at, successor=successor))
        events.extend(
            VersionEvent("changes_requested", version, validation.decided_at, validation)
            for validation in version.change_requests
        )
    return events


def version_entries(versions: list[PlanVersion]) -> list[Entry]:
    titles = _titles()
    entries = []
    for event in version_events(versions):
        version = event.version
        link = absolute(version.get_absolute_url())
        specific = f"version/{version.pk}/{event.name.replace('_', '-')}"
        if event.validation is not None:
            specific += f"/zone/{event.validation.zone_id}"
        entries.append(
            Entry(
                id=tag_uri(event.at, specific),
                title=titles[event.name]
                % {
                    "number": version.number,
                    "zone": event.validation.zone if event.validation else "",
                },
                link=link,
                updated=event.at,
                published=event.at,
                summary=render_to_string(
                    "patto/includes/feed_version_entry.html",
                    {"event": event, "version": version, "link": link},
                ),
                category=_("versione"),
            )
        )
    return entries


def _versions(programme) -> list[Entry]:
    return version_entries(queries.versions_for_feed(programme))


def _meetings(programme) -> list[Entry]:
    return meeting_entries(meeting_queries.feed_meetings(programme, FEED_SIZE))


def _answers(programme) -> list[Entry]:
    return answer_entries(contribution_queries.answered_for_feed(programme, FEED_SIZE))


class VersionsFeed(ProgrammeFeed):
    """The state changes of the programme's public versions. Three queries: the programme, its
    public versions, the zones' requests for changes."""

    kind = "versions"

    def entries(self, programme):
        return _versions(programme)


class MeetingsFeed(ProgrammeFeed):
    """The programme's meetings, the ones added or changed last first. Two queries."""

    kind = "meetings"

    def entries(self, programme):
        return _meetings(programme)


class ContributionsFeed(ProgrammeFeed):
    """The answers to the programme's public contributions, the latest first. Three queries:
    the programme, the contributions, the public actions they led to."""

    kind = "contributions"

    def entries(self, programme):
        return _answers(programme)


class NewsFeed(ProgrammeFeed):
    """Everything of the three feeds above, newest first: what a follower of the programme
    subscribes to. Six queries."""

    kind = "all"

    def entries(self, programme):
        return [*_versions(programme), *_meetings(programme), *_answers(programme)]
