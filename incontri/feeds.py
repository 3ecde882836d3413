"""A programme's meetings as entries of its Atom feeds (``patto.core.feeds``): one entry per
meeting, dated by its last change, so a reader shows a new meeting and shows it again when its
date, place or status changes. Its id is the meeting's stable ``uid`` (the one of its calendar
event), dated by the day it was added."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from incontri.models import Meeting, MeetingStatus
from patto.core.addresses import absolute
from patto.core.feeds import Entry, tag_uri


def when(meeting: Meeting) -> str:
    """The day of the meeting, or why there is none."""
    if meeting.date is not None:
        return date_format(meeting.date, "j E Y")
    if meeting.date_never_published:
        return _("data mai pubblicata")
    return _("data da confermare")


def meeting_title(meeting: Meeting) -> str:
    values = {"title": meeting.title, "when": when(meeting)}
    if meeting.status == MeetingStatus.CANCELLED:
        return _("Incontro annullato: %(title)s (%(when)s)") % values
    return _("Incontro: %(title)s (%(when)s)") % values


def meeting_entries(meetings: list[Meeting]) -> list[Entry]:
    """No query: ``meetings`` come with their programme and place (``queries.feed_meetings``)."""
    entries = []
    for meeting in meetings:
        link = absolute(meeting.get_absolute_url())
        entries.append(
            Entry(
                id=tag_uri(meeting.created_at, f"meeting/{meeting.uid}"),
                title=meeting_title(meeting),
                link=link,
                updated=meeting.updated_at,
                published=meeting.created_at,
                summary=render_to_string(
                    "incontri/includes/feed_entry.html",
                    {
                        "meeting": meeting,
                        "link": link,
                        "ics": absolute(reverse("incontri:ics", args=[meeting.pk])),
                    },
                ),
                category=_("incontro"),
            )
        )
    return entries
