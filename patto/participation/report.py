"""The participation pages' charts and figures, built from the numbers of
:class:`patto.participation.queries.Counts` (each chart reads only the queries it needs, so the
CSV of one chart runs only those).

Each chart is a :class:`patto.core.charts.Chart`: the page draws it, shows its table and links
its CSV, all three from the same rows. A chart with nothing to show is replaced by a sentence
saying so (``Report.empty``)."""

import datetime

from django.utils.formats import date_format, number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from incontri.models import MeetingKind
from patto.core.charts import STACKED, TIMELINE, Chart, Row, Series
from patto.models import ActorCategory, VersionStatus
from patto.participation.queries import SPANS, UNKNOWN, Counts, median
from tavoli.models import ANSWERED_STATUSES, ContributionChannel, ContributionStatus

# The charts, in the order of the page: the address of each one's CSV names it.
CHARTS = (
    "canali",
    "categorie",
    "tavoli",
    "programmi",
    "incontri",
    "zone",
    "esiti",
    "mesi",
    "incontri-svolti",
    "presenze",
    "validazioni-versioni",
    "validazioni-zone",
    "tempi-di-risposta",
)
PROGRAMME_ONLY = {"tavoli"}
PORTAL_ONLY = {"programmi"}
CHANGED_THE_PLAN = (ContributionStatus.ACCEPTED, ContributionStatus.PARTLY_ACCEPTED)


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percentage, as the language writes it."""
    return number_format(round(100 * part / whole)) if whole else "0"


def charts_for(programme) -> tuple[str, ...]:
    """The charts of a programme's page (``programme``) or of the whole portal's (None)."""
    left_out = PORTAL_ONLY if programme is not None else PROGRAMME_ONLY
    return tuple(slug for slug in CHARTS if slug not in left_out)


class Report:
    """What the participation page of ``programme`` (or of the whole portal, None) shows."""

    def __init__(self, programme=None, *, today: datetime.date | None = None):
        self.programme = programme
        self.counts = Counts(programme, today=today)

    def chart(self, slug: str) -> Chart | None:
        """The chart named ``slug``, or None when this page has no such chart."""
        if slug not in charts_for(self.programme):
            return None
        return getattr(self, "chart_" + slug.replace("-", "_"))

    @property
    def contributions_total(self) -> int:
        return self.counts.totals["total"]

    # the contributions ----------------------------------------------------------------------

    @cached_property
    def chart_canali(self) -> Chart:
        totals = self.counts.totals
        return Chart(
            slug="canali",
            title=_("Contributi per canale"),
            description=_(
                "Quanti contributi sono stati presentati a un tavolo o a un incontro e quanti "
                "online, durante una consultazione."
            ),
            category=_("Canale"),
            series=[Series(_("Contributi"))],
            rows=[
                Row(label, (totals[f"channel:{code}"],))
                for code, label in ContributionChannel.choices
            ],
        )

    @cached_property
    def chart_categorie(self) -> Chart:
        totals = self.counts.totals
        rows = [
            Row(label, (totals[f"category:{code}"],))
            for code, label in ActorCategory.choices
            if totals[f"category:{code}"]
        ]
        if totals["category:"]:
            rows.append(Row(_("Categoria non indicata"), (totals["category:"],)))
        return Chart(
            slug="categorie",
            title=_("Contributi per categoria di chi li ha presentati"),
            description=_(
                "Quanti contributi ha presentato ogni categoria di partecipanti; le categorie "
                "senza contributi non sono elencate."
            ),
            category=_("Categoria"),
            series=[Series(_("Contributi"))],
            rows=rows,
        )

    @cached_property
    def chart_tavoli(self) -> Chart:
        rows = [Row(table.label, (table.count,)) for table in self.counts.by_table]
        if not any(row.total for row in rows):
            rows = []  # no table has any: the page says so instead of a chart
        elif self.counts.totals["no_table"]:
            rows.append(Row(_("Non legati a un tavolo"), (self.counts.totals["no_table"],)))
        return Chart(
            slug="tavoli",
            empty_text=_("Nessun tavolo di lavoro ha raccolto contributi."),
            title=_("Contributi per tavolo di lavoro"),
            description=_(
                "Quanti contributi ha raccolto ogni tavolo di lavoro del programma, e quanti "
                "non sono legati a un tavolo."
            ),
            category=_("Tavolo"),
            series=[Series(_("Contributi"))],
            rows=rows,
        )

    @cached_property
    def chart_programmi(self) -> Chart:
        return Chart(
            slug="programmi",
            title=_("Contributi per programma"),
            description=_("Quanti contributi ha raccolto ogni programma."),
            category=_("Programma"),
            series=[Series(_("Contributi"))],
            rows=[Row(p.label, (p.count,)) for p in self.counts.by_programme],
        )

    @cached_property
    def chart_incontri(self) -> Chart:
        totals = self.counts.totals
        rows = [
            Row(label, (totals[f"meeting:{code}"],))
            for code, label in meeting_kinds()
            if totals[f"meeting:{code}"]
        ]
        if rows and totals["meeting:"]:
            rows.append(Row(_("Non presentati a un incontro"), (totals["meeting:"],)))
        return Chart(
            slug="incontri",
            empty_text=_("Nessun contributo è stato presentato a un incontro."),
            title=_("Contributi per tipo di incontro"),
            description=_(
                "A quale tipo di incontro sono stati presentati i contributi; quelli online, o "
                "raccolti da un tavolo fuori da un incontro, non sono legati a un incontro."
            ),
            category=_("Dove"),
            series=[Series(_("Contributi"))],
            rows=rows,
        )

    @cached_property
    def chart_zone(self) -> Chart:
        rows = [
            Row(_zone_label(zone), (zone["contributions"],))
            for zone in self.counts.zones
            if zone["contributions"] or zone["validating"]
        ]
        tied = sum(row.total for row in rows)
        if not tied:
            rows = []  # nothing tied to a zone: the page says so instead of a chart
        elif self.counts.totals["no_zone"]:
            rows.append(Row(_("Non legati a una zona"), (self.counts.totals["no_zone"],)))
        return Chart(
            slug="zone",
            empty_text=_(
                "Nessun contributo è stato presentato a un incontro di una zona omogenea."
            ),
            title=_("Contributi per zona omogenea"),
            description=_(
                "Quanti contributi sono stati presentati agli incontri di ogni zona omogenea; "
                "gli altri non sono legati a una zona."
            ),
            category=_("Zona"),
            series=[Series(_("Contributi"))],
            rows=rows,
        )

    @cached_property
    def chart_esiti(self) -> Chart:
        totals = self.counts.totals
        return Chart(
            slug="esiti",
            title=_("Contributi per esito"),
            description=_("Cosa è diventato dei contributi: l'esito di ciascuno."),
            category=_("Esito"),
            series=[Series(_("Contributi"))],
            rows=[
                Row(label, (totals[f"status:{code}"],))
                for code, label in ContributionStatus.choices
            ],
        )

    @cached_property
    def outcomes(self) -> dict:
        """The figures of the outcomes' sentence: ``answered``, ``changed`` (accepted, or
        accepted in part), ``waiting``, and the shares."""
        totals = self.counts.totals
        answered = sum(totals[f"status:{s}"] for s in ANSWERED_STATUSES)
        changed = sum(totals[f"status:{s}"] for s in CHANGED_THE_PLAN)
        return {
            "total": totals["total"],
            "answered": answered,
            "changed": changed,
            "waiting": totals["total"] - answered,
            "changed_percent": percent(changed, answered),
            "answered_percent": percent(answered, totals["total"]),
        }

    @cached_property
    def chart_mesi(self) -> Chart:
        contributions = self.counts.contributions_by_month
        comments = self.counts.comments_by_month
        months = sorted({*contributions, *comments})
        rows = []
        if months:
            month = months[0]
            while month <= months[-1]:
                rows.append(
                    Row(
                        date_format(month, "YEAR_MONTH_FORMAT"),
                        (contributions.get(month, 0), comments.get(month, 0)),
                        key=month.strftime("%Y-%m"),
                        short=date_format(month, "M Y"),
                    )
                )
                month = (month + datetime.timedelta(days=32)).replace(day=1)
        return Chart(
            slug="mesi",
            empty_text=_("Nessun contributo ha una data di presentazione e non ci sono commenti."),
            title=_("Contributi e commenti per mese"),
            description=_(
                "Quanti contributi sono stati presentati e quanti commenti pubblicati ogni mese "
                "(i contributi senza data non sono contati qui). La tabella elenca solo i mesi "
                "con almeno un contributo o un commento."
            ),
            category=_("Mese"),
            series=[Series(_("Contributi")), Series(_("Commenti"))],
            rows=rows,
            kind=TIMELINE,
            table_omits_zeros=True,
        )

    # meetings ---------------------------------------------------------------------------------

    @cached_property
    def chart_incontri_svolti(self) -> Chart:
        states = {}
        for row in self.counts.meetings_by_kind:
            if row["status"] == "held":
                state = 0
            elif row["status"] == "cancelled":
                state = 3
            elif row["is_past"]:
                state = 1
            else:
                state = 2
            values = states.setdefault(row["kind"], [0, 0, 0, 0])
            values[state] += row["n"]
        rows = [
            Row(label, tuple(states[code])) for code, label in meeting_kinds() if code in states
        ]
        return Chart(
            slug="incontri-svolti",
            empty_text=_("Nessun incontro per ora."),
            title=_("Incontri per tipo e stato"),
            description=_(
                "Gli incontri di ogni tipo: svolti, passati senza che sia stato registrato che "
                "si sono svolti, ancora in programma, annullati."
            ),
            category=_("Tipo di incontro"),
            series=[
                Series(_("Svolti")),
                Series(_("Passati, non registrati come svolti")),
                Series(_("In programma")),
                Series(_("Annullati")),
            ],
            rows=rows,
            kind=STACKED,
            total_label=_("Incontri"),
        )

    @cached_property
    def meetings(self) -> dict:
        """The figures of the meetings' sentences."""
        held = [r for r in self.counts.meetings_by_kind if r["status"] == "held"]
        registrations = self.counts.registrations_by_kind
        ahead = [r for r in registrations if not r["held"]]
        at_held = [r for r in registrations if r["held"]]
        return {
            "held": sum(r["n"] for r in held),
            "with_participants": sum(r["with_participants"] for r in held),
            "participants": sum(r["participants"] or 0 for r in held),
            "confirmed_held": sum(r["confirmed"] for r in at_held),
            "present": sum(r["present"] for r in at_held),
            "absent": sum(r["absent"] for r in at_held),
            "unrecorded": sum(r["unrecorded"] for r in at_held),
            "confirmed_ahead": sum(r["confirmed"] for r in ahead),
            "waiting_ahead": sum(r["waiting"] for r in ahead),
        }

    @cached_property
    def chart_presenze(self) -> Chart:
        by_kind = {}
        for row in self.counts.meetings_by_kind:
            if row["status"] == "held":
                values = by_kind.setdefault(row["kind"], [0, 0, 0])
                values[2] += row["participants"] or 0
        for row in self.counts.registrations_by_kind:
            if row["held"]:
                values = by_kind.setdefault(row["meeting__kind"], [0, 0, 0])
                values[0] += row["confirmed"]
                values[1] += row["present"]
        rows = [
            Row(label, tuple(by_kind[code])) for code, label in meeting_kinds() if code in by_kind
        ]
        return Chart(
            slug="presenze",
            empty_text=_(
                "Nessun incontro svolto ha iscrizioni o un numero di partecipanti registrato."
            ),
            title=_("Iscritti e presenti agli incontri svolti"),
            description=_(
                "Per gli incontri svolti di ogni tipo: le iscrizioni confermate, gli iscritti "
                "segnati presenti dalla redazione e i partecipanti registrati nel verbale "
                "(che possono comprendere chi è venuto senza iscriversi)."
            ),
            category=_("Tipo di incontro"),
            series=[
                Series(_("Iscrizioni confermate")),
                Series(_("Iscritti presenti")),
                Series(_("Partecipanti registrati")),
            ],
            rows=rows,
        )

    # the zones' decisions ---------------------------------------------------------------------

    @cached_property
    def chart_validazioni_versioni(self) -> Chart:
        rows = []
        for version in self.counts.version_decisions:
            if not version["zones"] and not (version["approved"] or version["changes"]):
                continue  # validated by the redazione: no zone decides on it
            number = version["number"]
            label = (
                _("Versione %(number)s") % {"number": number}
                if self.programme is not None
                else _("%(programme)s, versione %(number)s")
                % {"programme": version["programme__title"], "number": number}
            )
            if version["status"] == VersionStatus.WITHDRAWN:
                label = _("%(version)s (ritirata)") % {"version": label}
            undecided = max(0, version["zones"] - version["approved"] - version["changes"])
            rows.append(Row(label, (version["approved"], version["changes"], undecided)))
        return Chart(
            slug="validazioni-versioni",
            empty_text=_("Nessuna versione è stata inviata alle zone per la validazione."),
            title=_("Decisioni delle zone per versione"),
            description=_(
                "Per ogni versione inviata alle zone: quante zone l'hanno approvata, quante "
                "hanno chiesto modifiche e quante non hanno deciso (fra le zone che validano "
                "il programma oggi)."
            ),
            category=_("Versione"),
            series=[
                Series(_("Approvata")),
                Series(_("Modifiche richieste")),
                Series(_("Nessuna decisione")),
            ],
            rows=rows,
            kind=STACKED,
            total_label=_("Zone"),
        )

    @cached_property
    def chart_validazioni_zone(self) -> Chart:
        rows = [
            Row(_zone_label(zone), (zone["approved"], zone["changes"]))
            for zone in self.counts.zones
            if zone["validating"] or zone["approved"] or zone["changes"]
        ]
        return Chart(
            slug="validazioni-zone",
            empty_text=_("Nessuna zona ha ancora deciso su una versione."),
            title=_("Decisioni per zona omogenea"),
            description=_(
                "Per ogni zona: quante versioni ha approvato e su quante ha chiesto modifiche."
            ),
            category=_("Zona"),
            series=[Series(_("Approvazioni")), Series(_("Richieste di modifiche"))],
            rows=rows,
            kind=STACKED,
            total_label=_("Decisioni"),
        )

    # how long answers take --------------------------------------------------------------------

    @cached_property
    def chart_tempi_di_risposta(self) -> Chart:
        answered = dict.fromkeys(SPANS, 0)
        for waited, n in self.counts.answer_days:
            answered[next(d for d in SPANS if d is None or waited <= d)] += n
        totals = self.counts.totals
        answered_total = self.outcomes["answered"]
        unknown_answered = answered_total - sum(answered.values())
        rows = [
            Row(_span_label(days), (answered[days], totals[f"waiting:{days}"])) for days in SPANS
        ]
        unknown_waiting = totals[f"waiting:{UNKNOWN}"]
        if unknown_answered or unknown_waiting:
            rows.append(Row(_("Data non nota"), (unknown_answered, unknown_waiting)))
        return Chart(
            slug="tempi-di-risposta",
            title=_("Tempi di risposta"),
            description=_(
                "Quanto ha atteso la risposta ogni contributo che ce l'ha, dalla data in cui è "
                "stato presentato, e da quanto attende chi non l'ha ancora avuta."
            ),
            category=_("Attesa"),
            series=[Series(_("Con risposta")), Series(_("Ancora in attesa"))],
            rows=rows,
            kind=STACKED,
            total_label=_("Contributi"),
        )

    @cached_property
    def answer_median(self) -> str | None:
        """The median wait for an answer in days, as the language writes it."""
        value = median(self.counts.answer_days)
        if value is None:
            return None
        return number_format(value, decimal_pos=0 if value == int(value) else 1)

    @cached_property
    def comments_total(self) -> int:
        return sum(self.counts.comments_by_month.values())


def meeting_kinds() -> list[tuple[str, str]]:
    """The kinds of meeting, named as a row of a chart names them."""
    names = {
        MeetingKind.PLENARY: _("Incontri plenari"),
        MeetingKind.PROVINCIAL: _("Incontri provinciali"),
        MeetingKind.ZONE: _("Incontri di zona"),
        MeetingKind.TABLE: _("Incontri di tavolo"),
    }
    return [(code, names[code]) for code in MeetingKind.values]


def _zone_label(zone: dict) -> str:
    return pgettext("zone", "%(number)s. %(name)s") % zone


def _span_label(days: int | None) -> str:
    bounds = dict(zip(SPANS, (0, *SPANS[:-1]), strict=True))
    if days is None:
        return _("Oltre %(days)s giorni") % {"days": SPANS[-2]}
    low = bounds[days]
    if not low:
        return _("Fino a %(days)s giorni") % {"days": days}
    return _("Da %(low)s a %(high)s giorni") % {"low": low + 1, "high": days}
