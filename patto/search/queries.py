"""The results of a search, kind by kind: what of each kind is public, how it is found, ranked
and shown.

Only what the public site shows is searched: actions, policies and action areas of public
versions (``PlanVersion.objects.public()``; drafts never), contributions approved by moderation
(``Contribution.objects.approved()``: neither those waiting nor hidden ones, and never an
author's name), every meeting, table, body that sits at a table, zone and comune.

How a kind is found depends on the database:

- **PostgreSQL**: full-text search on the kind's stored document (``documents``, with its GIN
  index), each word of the query as a prefix, all of them required; ranked by ``ts_rank`` (a
  word in the title counts more). Comuni by their name: a word of the name, the beginning of
  it, or ``pg_trgm``'s word similarity (a typo).
- **SQLite**: the rows of the kind are read and indexed in Python as the action list does
  (``matrice.search.index_entry``: words and Italian stems, without accents), kept in the page
  cache for the current content generation (any save makes a new one), and matched word by
  word (``matrice.search.Term``); a word in the title counts double. Comuni by trigrams
  computed the way ``pg_trgm`` does.

Either way at most ``MAX_MATCHES`` results of a kind are counted and ranked; a version's item
is found once across the versions that have it (same stable key), in the plan in force if it
is there, else in the newest proposal, else in the newest version that has it."""

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery as PostgresQuery
from django.contrib.postgres.search import SearchRank, TrigramWordSimilarity
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, CharField, F, FloatField, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incontri.models import Meeting
from matrice.models import Action, ActionArea, Policy
from matrice.search import index_entry
from patto.cache.pages import generation, page_cache
from patto.core.markdown import markdown_to_text
from patto.models import PROPOSAL_STATUSES, PlanVersion, VersionStatus
from patto.search import terms
from patto.search.documents import CONFIG, FIELDS, document
from patto.search.terms import SearchQuery, excerpt, highlight
from tavoli.models import Body, Contribution, TableMembership, ThematicTable
from zone.models import Municipality, Zone, search_key

MAX_MATCHES = 500  # results of one kind counted and ranked; beyond, the page says "more than"
GROUP_SIZE = 3  # results of each kind shown when no kind is chosen
PAGE_SIZE = 20  # results of one kind per page


NOTHING = Value(None, output_field=IntegerField())  # a column a kind has not got
NO_CODE = Value("", output_field=CharField())


@dataclass(frozen=True)
class Match:
    pk: int
    rank: float
    programme_id: int | None = None
    key: object = None  # a version item's stable key
    version_id: int | None = None


@dataclass
class Result:
    title: SafeString
    url: str
    context: str = ""  # where it belongs, in words
    excerpt: str = ""  # safe HTML (``terms.excerpt``)
    note: str = ""  # which part of it the excerpt is, when not the obvious one


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _first_excerpt(texts, query: SearchQuery) -> tuple[SafeString, int]:
    """The excerpt of the first of ``texts`` (plain text) where ``query`` finds a word, and
    which one it is; else of the first that is not empty."""
    fallback = None
    for position, text in enumerate(texts):
        if not text:
            continue
        shown = excerpt(text, query)
        if "<mark>" in shown:
            return shown, position
        if fallback is None:
            fallback = (shown, position)
    return fallback or (SafeString(""), -1)


class Kind:
    """One kind of result. Subclasses say which rows are public (``candidates``), how the
    programme of one is named (``programme_field``), and how a result reads (``details``,
    ``result``)."""

    slug = ""  # its value in the URL (``?tipo=``)
    name = ""  # its key in ``documents.FIELDS``
    label = ""
    programme_field: str | None = None
    code_field: str | None = None
    versioned = False

    def candidates(self):
        raise NotImplementedError

    def details(self, pks):
        """The rows of ``pks`` with what ``result`` reads, by pk. One query."""
        raise NotImplementedError

    def result(self, item, query: SearchQuery) -> Result:
        raise NotImplementedError

    # Finding.

    def _rows(self, programme_id):
        rows = self.candidates()
        if programme_id is not None and self.programme_field:
            rows = rows.filter(**{self.programme_field: programme_id})
        return rows

    def _match_values(self):
        values = ["pk", "rank", self.programme_field or NOTHING]
        if self.versioned:
            values += ["key", "version_id"]
        return values

    def find(self, query: SearchQuery, programme_id) -> list[Match]:
        """The rows ``query`` finds, best first, at most ``MAX_MATCHES + 1``."""
        if query.codes and not self.code_field:
            return []
        if _postgres():
            return self._find_postgres(query, programme_id)
        return self._find_python(query, programme_id)

    def _find_postgres(self, query, programme_id) -> list[Match]:
        rows = self._rows(programme_id)
        if query.words:
            found = PostgresQuery(terms.tsquery(query), search_type="raw", config=CONFIG)
            rows = (
                rows.annotate(document=document(self.name))
                .filter(document=found)
                .annotate(rank=SearchRank(F("document"), found))
            )
        else:
            rows = rows.annotate(rank=Value(1.0, output_field=FloatField()))
        for code in query.codes:
            rows = rows.filter(**{f"{self.code_field}__iexact": code})
        rows = rows.order_by("-rank", "pk").values_list(*self._match_values())
        return [Match(*row) for row in rows[: MAX_MATCHES + 1]]

    def _index(self) -> list[tuple]:
        """Every candidate as ``(pk, programme, key, version, code, title words, title stems,
        words, stems)`` (``matrice.search.index_entry``), kept for the content generation."""
        key = f"search:index:{self.slug}:{generation()}"
        index = page_cache().get(key)
        if index is None:
            index = self._build_index()
            page_cache().set(key, index, 3600)
        return index

    def _build_index(self) -> list[tuple]:
        fields = [name for name, _weight in FIELDS[self.name][1]]
        values = [
            "pk",
            self.programme_field or NOTHING,
            "key" if self.versioned else NOTHING,
            "version_id" if self.versioned else NOTHING,
            self.code_field or NO_CODE,
            *fields,
        ]
        index = []
        for pk, programme_id, key, version_id, code, title, *texts in self.candidates().values_list(
            *values
        ):
            _code, title_words, title_stems = index_entry("", (title,))
            code, words, stems = index_entry(code, (code, title, *texts))
            row = (pk, programme_id, key, version_id, code, title_words, title_stems, words, stems)
            index.append(row)
        return index

    def _find_python(self, query, programme_id) -> list[Match]:
        found = []
        for pk, programme, key, version_id, code, t_words, t_stems, words, stems in self._index():
            if programme_id is not None and programme != programme_id:
                continue
            if all(term.matches(code, words, stems) for term in query.terms):
                rank = sum(1 + term.matches(code, t_words, t_stems) for term in query.terms)
                found.append(Match(pk, float(rank), programme, key, version_id))
        found.sort(key=lambda match: (-match.rank, match.pk))
        return found[: MAX_MATCHES + 1]


# The content of the public versions.


def _version_label(version: PlanVersion) -> str:
    if version.status == VersionStatus.PUBLISHED:
        label = _("piano in vigore, versione %(number)s")
    elif version.is_proposal:
        label = _("proposta, versione %(number)s")
    else:
        label = _("versione %(number)s, %(status)s")
    return label % {
        "number": version.number,
        "status": version.get_status_display().lower(),
    }


def _version_context(version: PlanVersion) -> str:
    return f"{version.programme.title} · {_version_label(version)}"


class VersionItem(Kind):
    versioned = True
    code_field = "code"

    def candidates(self):
        return self.model.objects.filter(version__in=PlanVersion.objects.public())


class Actions(VersionItem):
    slug, name, label = "azioni", "action", gettext_lazy("Azioni")
    model = Action
    programme_field = "version__programme_id"

    def details(self, pks):
        return Action.objects.select_related("version__programme", "area__policy").in_bulk(pks)

    def result(self, action, query):
        shown, position = _first_excerpt(
            [
                markdown_to_text(action.description),
                action.lead_body,
                action.partners,
                action.indicators,
            ],
            query,
        )
        notes = ["", _("Ente capofila"), _("Partner"), _("Indicatori")]
        return Result(
            title=highlight(f"{action.code} {action.title}", query),
            url=action.get_absolute_url(),
            context=_version_context(action.version),
            excerpt=shown,
            note=notes[position] if position > 0 else "",
        )


def _policy_url(version, policy_code: str) -> str:
    return f"{version.get_absolute_url()}?politica={policy_code}#politica-{policy_code}"


class Policies(VersionItem):
    slug, name, label = "politiche", "policy", gettext_lazy("Politiche")
    model = Policy
    programme_field = "version__programme_id"

    def details(self, pks):
        return Policy.objects.select_related("version__programme").in_bulk(pks)

    def result(self, policy, query):
        return Result(
            title=highlight(f"{policy.code}. {policy.title}", query),
            url=_policy_url(policy.version, policy.code),
            context=_version_context(policy.version),
            excerpt=excerpt(markdown_to_text(policy.description), query),
        )


class Areas(VersionItem):
    slug, name, label = "ambiti", "area", gettext_lazy("Ambiti d'azione")
    model = ActionArea
    programme_field = "version__programme_id"

    def details(self, pks):
        return ActionArea.objects.select_related("version__programme", "policy").in_bulk(pks)

    def result(self, area, query):
        return Result(
            title=highlight(f"{area.code} {area.title}", query),
            url=_policy_url(area.version, area.policy.code),
            context=f"{_version_context(area.version)} · {area.policy.code}. {area.policy.title}",
            excerpt=excerpt(markdown_to_text(area.description), query),
        )


# The rest of a programme.


class Contributions(Kind):
    slug, name, label = "contributi", "contribution", gettext_lazy("Contributi")
    programme_field = "programme_id"

    def candidates(self):
        # what the public lists show: recorded by staff, or online and approved
        return Contribution.objects.approved()

    def details(self, pks):
        return Contribution.objects.select_related("programme", "table").in_bulk(pks)

    def result(self, contribution, query):
        shown, position = _first_excerpt(
            [
                markdown_to_text(contribution.text),
                markdown_to_text(contribution.response),
                contribution.body_name,
            ],
            query,
        )
        context = [contribution.programme.title, contribution.get_kind_display()]
        if contribution.table_id:
            context.append(contribution.table.title)
        context.append(contribution.get_status_display())
        return Result(
            title=highlight(contribution.title, query),
            url=reverse(
                "tavoli:contribution",
                kwargs={"slug": contribution.programme.slug, "pk": contribution.pk},
            ),
            context=" · ".join(context),
            excerpt=shown,
            note=_("Risposta della redazione") if position == 1 else "",
        )


class Meetings(Kind):
    slug, name, label = "incontri", "meeting", gettext_lazy("Incontri")
    programme_field = "programme_id"

    def candidates(self):
        return Meeting.objects.all()

    def details(self, pks):
        return Meeting.objects.select_related("programme").in_bulk(pks)

    def result(self, meeting, query):
        shown, position = _first_excerpt(
            [
                markdown_to_text(meeting.agenda),
                markdown_to_text(meeting.minutes),
                ", ".join(part for part in (meeting.venue, meeting.address) if part),
            ],
            query,
        )
        when = date_format(meeting.date, "j E Y") if meeting.date else _("data da definire")
        return Result(
            title=highlight(meeting.title, query),
            url=meeting.get_absolute_url(),
            context=" · ".join([meeting.programme.title, meeting.get_kind_display(), when]),
            excerpt=shown,
            note=[_("Ordine del giorno"), _("Verbale"), _("Luogo")][position]
            if position >= 0
            else "",
        )


def _table_url(table) -> str:
    return reverse("tavoli:detail", kwargs={"slug": table.programme.slug, "table": table.slug})


class Tables(Kind):
    slug, name, label = "tavoli", "table", gettext_lazy("Tavoli di lavoro")
    programme_field = "programme_id"

    def candidates(self):
        return ThematicTable.objects.all()

    def details(self, pks):
        return ThematicTable.objects.select_related("programme").in_bulk(pks)

    def result(self, table, query):
        return Result(
            title=highlight(table.title, query),
            url=_table_url(table),
            context=table.programme.title,
            excerpt=excerpt(markdown_to_text(table.description), query),
        )


class Bodies(Kind):
    """The bodies that sit at a table: their page is the table's (a body has none of its own)."""

    slug, name, label = "enti", "body", gettext_lazy("Enti")

    def candidates(self):
        return Body.objects.filter(memberships__isnull=False).distinct()

    def _rows(self, programme_id):
        if programme_id is None:
            return self.candidates()
        return Body.objects.filter(memberships__table__programme_id=programme_id).distinct()

    def _build_index(self):
        # a body sits at the tables of several programmes: the programme filter reads the
        # programmes of its memberships
        sits_at = {}
        for body_id, programme_id in TableMembership.objects.values_list(
            "body_id", "table__programme_id"
        ):
            sits_at.setdefault(body_id, set()).add(programme_id)
        return [
            (row[0], frozenset(sits_at.get(row[0], ())), *row[2:]) for row in super()._build_index()
        ]

    def _find_python(self, query, programme_id):
        found = []
        for pk, programmes, _key, _version, code, t_words, t_stems, words, stems in self._index():
            if programme_id is not None and programme_id not in programmes:
                continue
            if all(term.matches(code, words, stems) for term in query.terms):
                rank = sum(1 + term.matches(code, t_words, t_stems) for term in query.terms)
                found.append(Match(pk, float(rank)))
        found.sort(key=lambda match: (-match.rank, match.pk))
        return found[: MAX_MATCHES + 1]

    def details(self, pks):
        memberships = TableMembership.objects.select_related("table__programme").order_by(
            "table__programme__position", "table__position", "table__title"
        )
        return Body.objects.prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="sits_at")
        ).in_bulk(pks)

    def result(self, body, query):
        tables = [membership.table for membership in body.sits_at]
        first = tables[0]
        return Result(
            title=highlight(body.name, query),
            url=_table_url(first),
            context=_("Partecipa a: %(tables)s")
            % {"tables": ", ".join(f"{t.title} ({t.programme.title})" for t in tables)},
        )


# The territory: it belongs to no programme, so the programme filter leaves it as it is.


class Zones(Kind):
    slug, name, label = "zone", "zone", gettext_lazy("Zone omogenee")

    def candidates(self):
        return Zone.objects.all()

    def details(self, pks):
        return Zone.objects.select_related("province").in_bulk(pks)

    def result(self, zone, query):
        return Result(
            title=highlight(str(zone), query),
            url=zone.get_absolute_url(),
            context=zone.province.name,
            excerpt=highlight(zone.full_name, query) if zone.full_name != zone.name else "",
        )


class Municipalities(Kind):
    """Comuni, by name: a word of the name, the name beginning with the query, or (a typo) a
    word of the name similar to a word of the query. One word found is enough: «servizi a
    Pinerolo» finds Pinerolo."""

    slug, name, label = "comuni", "municipality", gettext_lazy("Comuni")

    def _words(self, query):
        return [term.word for term in query.words if len(term.word) >= 3]

    def find(self, query, programme_id):
        words = self._words(query)
        whole = search_key(query.text)
        if not words and len(whole) < 3:
            return []
        if _postgres():
            return self._find_postgres(query, words, whole)
        return self._find_python(query, words, whole)

    def _find_postgres(self, query, words, whole):
        found = Q(search_name__startswith=whole) if len(whole) >= 3 else Q()
        similarities = []
        for word in words:
            found |= (
                Q(search_name=word)
                | Q(search_name__startswith=f"{word} ")
                | Q(search_name__contains=f" {word} ")
                | Q(search_name__endswith=f" {word}")
            )
            if len(word) >= terms.SIMILAR_MIN:
                found |= Q(search_name__trigram_word_similar=word)
                similarities.append(TrigramWordSimilarity(word, "search_name"))
        similarity = (
            Greatest(*similarities)
            if len(similarities) > 1
            else similarities[0]
            if similarities
            else Value(0.0)
        )
        rank = similarity + Case(
            When(search_name=whole, then=Value(2.0)),
            When(search_name__startswith=whole, then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        rows = (
            Municipality.objects.filter(found)
            .annotate(rank=rank)
            .order_by("-rank", "search_name", "pk")
            .values_list("pk", "rank")
        )
        return [Match(pk, rank) for pk, rank in rows[: MAX_MATCHES + 1]]

    def _index(self):
        key = f"search:index:{self.slug}:{generation()}"
        index = page_cache().get(key)
        if index is None:
            index = [
                (pk, name, tuple((word, terms.trigrams(word)) for word in name.split()))
                for pk, name in Municipality.objects.values_list("pk", "search_name")
            ]
            page_cache().set(key, index, 3600)
        return index

    def _find_python(self, query, words, whole):
        wanted = [(word, terms.trigrams(word)) for word in words]
        found = []
        for pk, name, name_words in self._index():
            if name == whole:
                rank = 2.0
            elif len(whole) >= 3 and name.startswith(whole):
                rank = 1.0
            else:
                rank = 0.0
            best = 0.0  # how similar the closest word of the name is to a word looked for
            for word, grams in wanted:
                for name_word, name_grams in name_words:
                    if name_word == word:
                        best = 1.0
                    elif len(word) >= terms.SIMILAR_MIN:
                        shared = len(grams & name_grams) / len(grams | name_grams)
                        if shared >= terms.SIMILAR:
                            best = max(best, shared)
            if rank or best:
                found.append(Match(pk, rank + best))
        found.sort(key=lambda match: (-match.rank, match.pk))
        return found[: MAX_MATCHES + 1]

    def details(self, pks):
        return Municipality.objects.select_related("province", "zone").in_bulk(pks)

    def result(self, municipality, query):
        context = [municipality.province.name] if municipality.province_id else []
        if municipality.zone_id:
            context.append(str(municipality.zone))
        return Result(
            title=highlight(municipality.name, query, fuzzy=True),
            url=municipality.get_absolute_url(),
            context=" · ".join(context),
        )


KINDS = [
    Municipalities(),
    Zones(),
    Actions(),
    Policies(),
    Areas(),
    Contributions(),
    Meetings(),
    Tables(),
    Bodies(),
]
BY_SLUG = {kind.slug: kind for kind in KINDS}


# The search.


@dataclass
class Group:
    """The results of one kind: how many (``count``, at most ``MAX_MATCHES``; ``more``: there
    are more than that), those shown, and the page they are on when one kind is chosen."""

    kind: Kind
    count: int
    more: bool
    results: list[Result] = field(default_factory=list)
    page: Page | None = None


def _priorities(programme_id) -> dict[int, tuple]:
    """For each public version, how early its items come among the versions that share them:
    the plan in force, then the open proposal, then the others newest first. One query."""
    versions = PlanVersion.objects.public().order_by("programme_id", "-number")
    if programme_id is not None:
        versions = versions.filter(programme_id=programme_id)
    priorities, newest = {}, set()
    for pk, programme, number, status in versions.values_list(
        "pk", "programme_id", "number", "status"
    ):
        if status == VersionStatus.PUBLISHED:
            order = 0
        elif programme not in newest and status in PROPOSAL_STATUSES:
            order = 1
        else:
            order = 2
        newest.add(programme)
        priorities[pk] = (order, -number)
    return priorities


def _once_per_item(matches: list[Match], priorities) -> list[Match]:
    """Each item once (by programme and stable key), from the version that comes first; the
    plan in force's items first, then by rank."""
    best: dict[tuple, Match] = {}
    for match in matches:
        item = (match.programme_id, match.key)
        kept = best.get(item)
        if kept is None or priorities[match.version_id] < priorities[kept.version_id]:
            best[item] = match
    return sorted(
        best.values(),
        key=lambda m: (priorities[m.version_id][0], -m.rank, m.pk),
    )


def _results(kind: Kind, matches: list[Match], query: SearchQuery) -> list[Result]:
    if not matches:
        return []
    items = kind.details([match.pk for match in matches])
    return [kind.result(items[match.pk], query) for match in matches if match.pk in items]


def search(query: SearchQuery, *, kind: Kind | None, programme_id, page=1) -> list[Group]:
    """The groups of results of ``query``: of every kind (``GROUP_SIZE`` each) or of ``kind``
    only, on ``page``; only those with results. Queries: one for the versions' order, then per
    kind one to find and one to read what is shown (on SQLite the first search of a content
    generation reads each kind once more)."""
    if not query:
        return []
    kinds = [kind] if kind is not None else KINDS
    priorities = _priorities(programme_id) if any(k.versioned for k in kinds) else {}
    groups = []
    for each in kinds:
        matches = each.find(query, programme_id)
        more = len(matches) > MAX_MATCHES
        matches = matches[:MAX_MATCHES]
        if each.versioned:
            matches = _once_per_item(matches, priorities)
        if not matches:
            continue
        group = Group(kind=each, count=len(matches), more=more)
        if kind is None:
            shown = matches[:GROUP_SIZE]
        else:
            group.page = Paginator(matches, PAGE_SIZE).get_page(page)
            shown = list(group.page.object_list)
        group.results = _results(each, shown, query)
        groups.append(group)
    return groups
