"""A programme's Atom feeds (RFC 4287), written by Django's syndication framework
(``django.contrib.syndication`` with ``Atom1Feed``): what they are called and where they live,
the entries every feed is made of, and the feed class they share.

Each content app turns its rows into :class:`Entry` objects (``incontri.feeds``,
``tavoli.feeds``; the versions in ``patto.programme.feeds``, which also defines the feeds and
their addresses). An entry has an id that never changes (a ``tag:`` URI, RFC 4151, named after
``SITE_URL``'s host and a date recorded with the row), an absolute link from ``SITE_URL`` (the
portal's public address, as in e-mails and the sitemap), the date it was last changed, and a
summary in HTML rendered by a template with the portal's escaping and Markdown sanitising. The
feeds are cached like the public pages (``patto.cache.pages.public_page``, in ``urls.py``)."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from patto.core.addresses import absolute
from patto.core.articles import preposition_before
from patto.models import Programme

# The newest entries a feed holds: readers keep what they have already seen.
FEED_SIZE = 50


@dataclass(frozen=True)
class FeedKind:
    url_name: str
    title: str  # "… %(of_the)s%(title)s": the programme's name after "di" with its article
    label: str  # short, in a list of the programme's feeds
    page: str  # the URL name of the page the feed follows (its alternate link)


KINDS = {
    "all": FeedKind(
        "patto:feed",
        _("Tutte le novità %(of_the)s%(title)s"),
        _("Tutte le novità"),
        "patto:programme",
    ),
    "versions": FeedKind(
        "patto:feed_versions",
        _("Le versioni %(of_the)s%(title)s"),
        _("Versioni del piano"),
        "patto:versions",
    ),
    "meetings": FeedKind(
        "patto:feed_meetings",
        _("Gli incontri %(of_the)s%(title)s"),
        _("Incontri"),
        "incontri:list",
    ),
    "contributions": FeedKind(
        "patto:feed_contributions",
        _("Le risposte ai contributi %(of_the)s%(title)s"),
        _("Risposte ai contributi"),
        "tavoli:contributions",
    ),
}


def feed_title(kind: str, programme: Programme) -> str:
    """The feed's name, e.g. «Gli incontri del Piano Sociale Metropolitano»."""
    italian = (get_language() or "it").startswith("it")
    return str(KINDS[kind].title) % {
        "of_the": preposition_before(programme.title) if italian else "",
        "title": programme.title,
    }


@dataclass(frozen=True)
class FeedLink:
    """A feed as the pages link to it (``<link rel="alternate">`` and the visible link)."""

    kind: str
    title: str
    label: str
    url: str  # the path, in the page's language


def feed_links(programme: Programme, *kinds: str) -> list[FeedLink]:
    """The links to ``programme``'s feeds of ``kinds`` (all four when none is named). No
    query."""
    return [
        FeedLink(
            kind=kind,
            title=feed_title(kind, programme),
            label=str(KINDS[kind].label),
            url=reverse(KINDS[kind].url_name, args=[programme.slug]),
        )
        for kind in kinds or KINDS
    ]


def tag_uri(moment: datetime.datetime | datetime.date, specific: str) -> str:
    """A ``tag:`` URI (RFC 4151) under ``SITE_URL``'s host, dated by ``moment`` (a date
    recorded with the row it names, so the id never changes)."""
    if isinstance(moment, datetime.datetime):
        moment = timezone.localdate(moment)
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{moment.isoformat()}:{specific}"


@dataclass(frozen=True)
class Entry:
    """One entry of a feed: an event (a version sent to the zones, a contribution answered) or
    a thing that changes (a meeting)."""

    id: str  # a tag: URI
    title: str  # plain text
    link: str  # absolute
    updated: datetime.datetime
    summary: str  # HTML, already escaped and sanitised
    category: str
    published: datetime.datetime | None = None


def newest(entries, size: int = FEED_SIZE) -> list[Entry]:
    """The ``size`` entries changed last, newest first."""
    return sorted(entries, key=lambda entry: (entry.updated, entry.id), reverse=True)[:size]


class ProgrammeFeed(Feed):
    """An Atom feed of a programme (the ``slug`` of its address), in the page's language.
    Subclasses give ``kind`` and ``entries(programme)``.

    Django's syndication reads the sites framework's ``Site`` once per process (it is cached
    there); every address in the feed is absolute already, from ``SITE_URL``."""

    feed_type = feedgenerator.Atom1Feed
    kind = "all"

    def get_object(self, request, slug):
        return get_object_or_404(Programme, slug=slug)

    def entries(self, programme: Programme) -> list[Entry]:
        raise NotImplementedError

    def items(self, programme):
        return newest(self.entries(programme))

    def title(self, programme):
        return feed_title(self.kind, programme)

    def subtitle(self, programme):
        return programme.summary or programme.subtitle or None

    def link(self, programme):
        page = KINDS[self.kind].page
        if page == "incontri:list":
            return absolute(reverse(page)) + f"?programma={programme.slug}"
        return absolute(reverse(page, args=[programme.slug]))

    def feed_url(self, programme):
        return absolute(reverse(KINDS[self.kind].url_name, args=[programme.slug]))

    def feed_guid(self, programme):
        # one feed per language; their entries share their ids (the same events)
        specific = f"programme/{programme.pk}/feed/{self.kind}/{get_language()}"
        return tag_uri(programme.created_at, specific)

    def author_name(self, programme):
        return programme.promoter

    def item_title(self, entry: Entry):
        return entry.title

    def item_description(self, entry: Entry):
        return entry.summary

    def item_link(self, entry: Entry):
        return entry.link

    def item_guid(self, entry: Entry):
        return entry.id

    def item_pubdate(self, entry: Entry):
        return entry.published

    def item_updateddate(self, entry: Entry):
        return entry.updated

    def item_categories(self, entry: Entry):
        return (entry.category,)
