"""Open data of a version: its actions, one record per action, as CSV (standard and for Excel)
and JSON. The columns are defined once in ``ACTIONS`` (``patto.core.opendata``), which
/dati-aperti/ documents."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from matrice.queries import actions_with_relations
from patto.core import opendata
from patto.core.opendata import (
    CODE,
    DATE,
    DECIMAL,
    IDENTIFIER,
    INTEGER,
    NEVER_EMPTY,
    TEXT,
    URL,
    Column,
    Dataset,
)

ACTIONS = Dataset(
    slug="azioni",
    title=_("Le azioni di una versione del piano"),
    records_key="actions",
    columns=(
        Column(
            "code",
            _(
                "Il codice dell'azione in questa versione: politica, ambito e azione (per "
                "esempio 2.1.3)."
            ),
            CODE,
            NEVER_EMPTY,
        ),
        Column(
            "key",
            _(
                "La chiave dell'azione: resta la stessa in tutte le versioni del piano, anche "
                "quando il codice cambia, e serve a ritrovare l'azione da una versione all'altra."
            ),
            IDENTIFIER,
            NEVER_EMPTY,
            values=_("32 cifre e lettere divise da trattini (UUID)."),
        ),
        Column("title", _("Il titolo dell'azione."), TEXT, NEVER_EMPTY),
        Column("policy_code", _("Il codice della politica dell'azione."), CODE, NEVER_EMPTY),
        Column("policy", _("Il titolo della politica."), TEXT, NEVER_EMPTY),
        Column("action_area_code", _("Il codice dell'ambito d'azione."), CODE, NEVER_EMPTY),
        Column("action_area", _("Il titolo dell'ambito d'azione."), TEXT, NEVER_EMPTY),
        Column(
            "tools",
            _("Gli strumenti dell'azione, con il loro nome."),
            TEXT,
            _("nessuno strumento indicato"),
            many=True,
        ),
        Column(
            "targets",
            _("I destinatari dell'azione, con il loro nome."),
            TEXT,
            _("nessun destinatario indicato"),
            many=True,
        ),
        Column(
            "zones",
            _("I numeri delle zone omogenee in cui si svolge l'azione."),
            INTEGER,
            _("l'azione riguarda tutto il territorio"),
            many=True,
        ),
        Column(
            "tables",
            _("I titoli dei tavoli di lavoro da cui è nata l'azione."),
            TEXT,
            _("nessun tavolo indicato"),
            many=True,
        ),
        Column("lead_body", _("L'ente capofila, che guida l'azione."), TEXT, _("non indicato")),
        Column("partners", _("Gli enti partner."), TEXT, _("non indicati")),
        Column("start_date", _("Quando comincia l'azione."), DATE, _("data non indicata")),
        Column("end_date", _("Quando finisce l'azione."), DATE, _("data non indicata")),
        Column(
            "budget_eur",
            _("Le risorse previste, in euro."),
            DECIMAL,
            _("risorse non indicate"),
            values=_(
                "Al massimo due cifre decimali, senza simbolo dell'euro né punti delle migliaia."
            ),
        ),
        Column(
            "indicators",
            _("Gli indicatori con cui si misura l'azione."),
            TEXT,
            _("non indicati"),
        ),
        Column(
            "description",
            _("La descrizione dell'azione."),
            TEXT,
            _("nessuna descrizione"),
            values=_("Testo in Markdown: *corsivo*, **grassetto**, elenchi con «-»."),
        ),
        Column("url", _("L'indirizzo della pagina dell'azione sul portale."), URL, NEVER_EMPTY),
    ),
)


def action_records(version, request):
    programme = version.programme
    for action in actions_with_relations(version):
        yield {
            "code": action.code,
            "key": str(action.key),
            "title": action.title,
            "policy_code": action.area.policy.code,
            "policy": action.area.policy.title,
            "action_area_code": action.area.code,
            "action_area": action.area.title,
            "tools": [t.name for t in action.tools.all()],
            "targets": [t.name for t in action.targets.all()],
            "zones": [z.number for z in action.zones.all()],
            "tables": [t.title for t in action.tables.all()],
            "lead_body": action.lead_body,
            "partners": action.partners,
            "start_date": action.start_date,
            "end_date": action.end_date,
            "budget_eur": action.budget,
            "indicators": action.indicators,
            "description": action.description,
            "url": request.build_absolute_uri(
                reverse("matrice:action", args=[programme.slug, version.number, action.code])
            ),
        }


def actions_download(version, request, format: str):
    """The actions of ``version`` in ``format`` (``csv``, ``excel`` or ``json``)."""
    programme = version.programme
    metadata = {}
    if format == "json":
        metadata = {
            "programme": {
                "slug": programme.slug,
                "title": programme.title,
                "promoter": programme.promoter or None,
            },
            "version": {
                "number": version.number,
                "status": version.status,
                "fingerprint": version.fingerprint or None,
                "submitted_at": opendata.plain(version.submitted_at),
                "validated_at": opendata.plain(version.validated_at),
                "published_at": opendata.plain(version.published_at),
            },
        }
    return opendata.download(
        request,
        ACTIONS,
        action_records(version, request),
        format=format,
        stem=f"{programme.slug}-versione-{version.number}-azioni",
        **metadata,
    )
