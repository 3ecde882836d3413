"""Open data of a programme's contributions: one record per contribution, as CSV (standard and
for Excel) or JSON, from the columns defined once in ``CONTRIBUTIONS`` (``patto.core.opendata``),
which /dati-aperti/ documents.

The registered user behind a contribution (``author``) and the staff member who answered it
(``answered_by``) are never written; ``author_name`` is a person's name only where that person
chose to sign publicly (``Contribution.public_author_name``), empty otherwise. Online
contributions are included once approved by moderation; ``channel`` says where a contribution
was made (``table`` or ``online``) and, for an online one, ``version``, ``about`` (``version``,
``policy`` or ``action``) and ``about_code`` say what it is about. Actions are listed only for
public versions (``queries.public_actions_prefetch``).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from patto.core.opendata import (
    CODE,
    DATE,
    DATETIME,
    INTEGER,
    NEVER_EMPTY,
    TEXT,
    URL,
    Column,
    Dataset,
    ValueType,
)
from patto.models import ActorCategory
from tavoli.models import ContributionChannel, ContributionKind, ContributionStatus

ACTION_IN_VERSION = ValueType(_("versione:codice dell'azione"), "2:1.2.4")


def _action_cell(action: dict) -> str:
    return f"{action['version']}:{action['code']}"


CONTRIBUTIONS = Dataset(
    slug="contributi",
    title=_("I contributi e le risposte"),
    records_key="contributions",
    columns=(
        Column(
            "id",
            _("Il numero del contributo sul portale, lo stesso del suo indirizzo."),
            INTEGER,
            NEVER_EMPTY,
        ),
        Column(
            "programme",
            _("Il programma, con il nome che ha nel suo indirizzo sul portale."),
            CODE,
            NEVER_EMPTY,
        ),
        Column(
            "table",
            _(
                "Il tavolo di lavoro a cui è stato presentato, con il nome che ha nel suo "
                "indirizzo sul portale."
            ),
            CODE,
            _("non presentato a un tavolo"),
        ),
        Column("table_title", _("Il titolo del tavolo."), TEXT, _("non presentato a un tavolo")),
        Column(
            "meeting_id",
            _("Il numero dell'incontro in cui è stato presentato (colonna id degli incontri)."),
            INTEGER,
            _("non presentato a un incontro"),
        ),
        Column("kind", _("Il tipo di contributo."), CODE, NEVER_EMPTY, choices=ContributionKind),
        Column("title", _("Il titolo del contributo."), TEXT, NEVER_EMPTY),
        Column(
            "text",
            _("Il testo del contributo."),
            TEXT,
            NEVER_EMPTY,
            values=_("Testo in Markdown: *corsivo*, **grassetto**, elenchi con «-»."),
        ),
        Column(
            "author_name",
            _(
                "Il nome di chi ha presentato il contributo, solo se ha scelto di firmarlo "
                "pubblicamente."
            ),
            TEXT,
            _("chi l'ha presentato non ha scelto di firmarlo pubblicamente"),
        ),
        Column(
            "body",
            _("L'ente o l'organizzazione per cui parla chi ha presentato il contributo."),
            TEXT,
            _("nessun ente indicato"),
        ),
        Column(
            "actor_category",
            _("La categoria di chi ha presentato il contributo."),
            CODE,
            _("categoria non indicata"),
            choices=ActorCategory,
        ),
        Column("submitted_on", _("Il giorno in cui è stato presentato."), DATE, _("non si sa")),
        Column("status", _("Che cosa ne è stato."), CODE, NEVER_EMPTY, choices=ContributionStatus),
        Column(
            "response",
            _("La risposta della redazione: perché è stato accolto o no, e come."),
            TEXT,
            _("ancora nessuna risposta"),
        ),
        Column(
            "answered_at",
            _("Quando la redazione ha risposto."),
            DATETIME,
            _("ancora nessuna risposta"),
        ),
        Column(
            "led_to",
            _(
                "Le azioni che ne sono nate, solo delle versioni pubbliche del piano. Nel file "
                "JSON ogni azione ha version, code e url."
            ),
            ACTION_IN_VERSION,
            _("nessuna azione"),
            many=True,
            to_cell=_action_cell,
        ),
        Column(
            "channel",
            _("Dove è stato presentato."),
            CODE,
            NEVER_EMPTY,
            choices=ContributionChannel,
        ),
        Column(
            "version",
            _("Per un contributo online: il numero della versione del piano che commenta."),
            INTEGER,
            _("contributo presentato a un tavolo o a un incontro"),
        ),
        Column(
            "about",
            _("Per un contributo online: se riguarda tutta la versione, una politica o un'azione."),
            CODE,
            _("contributo presentato a un tavolo o a un incontro"),
            choices=[
                ("version", _("tutta la versione")),
                ("policy", _("una politica")),
                ("action", _("un'azione")),
            ],
        ),
        Column(
            "about_code",
            _("Il codice della politica o dell'azione di cui parla il contributo online."),
            CODE,
            _("riguarda tutta la versione, o non è un contributo online"),
        ),
        Column("url", _("L'indirizzo della pagina del contributo sul portale."), URL, NEVER_EMPTY),
    ),
)


def _about(contribution) -> tuple[str | None, str | None]:
    if not contribution.version_id:
        return None, None
    target = getattr(contribution, "target", None)
    if contribution.policy_key:
        return "policy", target.code if target else None
    if contribution.action_key:
        return "action", target.code if target else None
    return "version", None


def record(contribution, *, programme, absolute_url) -> dict:
    """The public record of one contribution. ``led_to`` is a list of ``{"version", "code",
    "url"}``; ``absolute_url`` turns a path into a full URL."""
    return {
        "id": contribution.pk,
        "programme": programme.slug,
        "table": contribution.table.slug if contribution.table else None,
        "table_title": contribution.table.title if contribution.table else None,
        "meeting_id": contribution.meeting_id,
        "kind": contribution.kind,
        "title": contribution.title,
        "text": contribution.text,
        "author_name": contribution.public_author_name,
        "body": contribution.body_label,
        "actor_category": contribution.actor_category,
        "submitted_on": contribution.submitted_on,
        "status": contribution.status,
        "response": contribution.response,
        "answered_at": contribution.answered_at,
        "led_to": [
            {
                "version": action.version.number,
                "code": action.code,
                "url": absolute_url(action.get_absolute_url()),
            }
            for action in contribution.public_actions
        ],
        "channel": contribution.channel,
        "version": contribution.version.number if contribution.version_id else None,
        "about": _about(contribution)[0],
        "about_code": _about(contribution)[1],
        "url": absolute_url(
            reverse("tavoli:contribution", kwargs={"slug": programme.slug, "pk": contribution.pk})
        ),
    }


def records(contributions, *, programme, absolute_url) -> list[dict]:
    return [record(c, programme=programme, absolute_url=absolute_url) for c in contributions]
