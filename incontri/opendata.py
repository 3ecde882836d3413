"""Open data of the meetings: one record per meeting, as CSV (standard and for Excel) or JSON,
from the columns defined once in ``MEETINGS`` (``patto.core.opendata``), which /dati-aperti/
documents.

Values are codes rather than labels (``kind`` is ``provincial``, ``status`` is ``held``,
``audiences`` are ``patto.models.ActorCategory`` values), so the files read the same whatever
the language of the page they were downloaded from. A meeting whose date is to be confirmed has
an empty ``date`` and says what is known in ``date_note``.
"""

from collections.abc import Callable, Iterable

from django.utils.translation import gettext_lazy as _

from incontri.models import Meeting, MeetingKind, MeetingStatus
from patto.core.opendata import (
    CODE,
    DATE,
    IDENTIFIER,
    INTEGER,
    NEVER_EMPTY,
    TEXT,
    TIME,
    URL,
    Column,
    Dataset,
)
from patto.models import ActorCategory

MEETINGS = Dataset(
    slug="incontri",
    title=_("Gli incontri"),
    records_key="meetings",
    columns=(
        Column(
            "id",
            _("Il numero dell'incontro sul portale, lo stesso del suo indirizzo."),
            INTEGER,
            NEVER_EMPTY,
        ),
        Column(
            "uid",
            _(
                "L'identificativo dell'incontro nei calendari: resta lo stesso quando "
                "l'incontro cambia data o luogo."
            ),
            IDENTIFIER,
            NEVER_EMPTY,
        ),
        Column(
            "programme",
            _(
                "Il programma dell'incontro, con il nome che ha nel suo indirizzo sul portale "
                "(per esempio piano-sociale-metropolitano)."
            ),
            CODE,
            NEVER_EMPTY,
        ),
        Column("kind", _("Il tipo di incontro."), CODE, NEVER_EMPTY, choices=MeetingKind),
        Column("title", _("Il titolo dell'incontro."), TEXT, NEVER_EMPTY),
        Column(
            "date",
            _("Il giorno dell'incontro."),
            DATE,
            _("data ancora da confermare: vedi date_note"),
        ),
        Column(
            "date_note",
            _("Quello che si sa della data quando non è ancora confermata."),
            TEXT,
            _("nessuna nota"),
            values=_("Per esempio «ottobre 2017»."),
        ),
        Column("start_time", _("L'ora di inizio."), TIME, _("ora non indicata")),
        Column("end_time", _("L'ora di fine."), TIME, _("ora non indicata")),
        Column("venue", _("Il luogo, per esempio la sala."), TEXT, _("non indicato")),
        Column("address", _("L'indirizzo del luogo."), TEXT, _("non indicato")),
        Column(
            "municipality_istat",
            _("Il codice ISTAT del comune dell'incontro."),
            CODE,
            _("comune non indicato"),
            values=_("Sei cifre, con gli zeri iniziali (per esempio 001272 per Torino)."),
        ),
        Column("municipality", _("Il nome del comune."), TEXT, _("comune non indicato")),
        Column(
            "province_istat",
            _("Il codice ISTAT della provincia."),
            CODE,
            _("provincia non indicata"),
            values=_("Tre cifre, con gli zeri iniziali (per esempio 001 per Torino)."),
        ),
        Column(
            "province",
            _("La sigla della provincia (per esempio TO)."),
            CODE,
            _("provincia non indicata"),
        ),
        Column(
            "zone",
            _("Il numero della zona omogenea dell'incontro."),
            INTEGER,
            _("nessuna zona indicata"),
        ),
        Column("status", _("A che punto è l'incontro."), CODE, NEVER_EMPTY, choices=MeetingStatus),
        Column(
            "audiences",
            _("A chi è rivolto l'incontro."),
            CODE,
            _("nessuna categoria indicata"),
            choices=ActorCategory,
            many=True,
        ),
        Column(
            "tables",
            _(
                "I tavoli di lavoro coinvolti, con il nome che hanno nel loro indirizzo sul "
                "portale."
            ),
            CODE,
            _("nessun tavolo indicato"),
            many=True,
        ),
        Column(
            "attendance",
            _("Quante persone hanno partecipato."),
            INTEGER,
            _("non si sa"),
        ),
        Column(
            "source",
            _("Da dove vengono i dati dell'incontro: un documento o un indirizzo web."),
            TEXT,
            _("nessuna fonte indicata"),
        ),
        Column("url", _("L'indirizzo della pagina dell'incontro sul portale."), URL, NEVER_EMPTY),
    ),
)


def meeting_record(meeting: Meeting, url: str) -> dict:
    """One meeting as open data (``tables`` must be prefetched)."""
    municipality, province, zone = meeting.municipality, meeting.province, meeting.zone
    return {
        "id": meeting.pk,
        "uid": str(meeting.uid),
        "programme": meeting.programme.slug,
        "kind": meeting.kind,
        "title": meeting.title,
        "date": meeting.date,
        "date_note": meeting.date_note,
        "start_time": meeting.start_time,
        "end_time": meeting.end_time,
        "venue": meeting.venue,
        "address": meeting.address,
        "municipality_istat": municipality.istat_code if municipality else None,
        "municipality": municipality.name if municipality else None,
        "province_istat": province.istat_code if province else None,
        "province": province.abbreviation if province else None,
        "zone": zone.number if zone else None,
        "status": meeting.status,
        "audiences": list(meeting.audiences),
        "tables": [table.slug for table in meeting.tables.all()],
        "attendance": meeting.attendance,
        "source": meeting.source,
        "url": url,
    }


def records(meetings: Iterable[Meeting], url_for: Callable[[Meeting], str]) -> list[dict]:
    return [meeting_record(meeting, url_for(meeting)) for meeting in meetings]
