"""Open data of the monitoring of a programme's plan in force, as CSV (standard and for Excel)
and JSON, each file defined once here (``patto.core.opendata``) and documented on /dati-aperti/:

- ``MONITORING_ACTIONS``: one row per action of the plan in force, with its state of
  implementation, progress, and money committed and spent against its budget;
- ``MONITORING_UPDATES``: one row per published update;
- ``MONITORING_INDICATORS``: one row per value of an indicator (an indicator with no value yet
  has one row with its target and empty value).

Only what is public: the published version's actions, published updates (never a proposed or
declined one, never who wrote it)."""

import datetime

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matrice.models import Action
from patto.core.exceptions import NotFound
from patto.core.mixins import ProgrammeMixin
from patto.core.opendata import (
    CODE,
    DATE,
    DATETIME,
    DECIMAL,
    IDENTIFIER,
    INTEGER,
    NEVER_EMPTY,
    TEXT,
    URL,
    Column,
    Dataset,
    DownloadView,
    download,
)
from patto.models import (
    ActionMonitoring,
    ImplementationState,
    IndicatorValue,
    MonitoringIndicator,
    MonitoringUpdate,
    PlanVersion,
    UpdateStatus,
)

KEY_VALUES = gettext_lazy("32 cifre e lettere divise da trattini (UUID).")
MONEY_VALUES = gettext_lazy(
    "Al massimo due cifre decimali, senza simbolo dell'euro né punti delle migliaia."
)


def _action_columns(prefix: str = "") -> tuple[Column, ...]:
    gone = gettext_lazy("l'azione non è più nel piano in vigore")
    return (
        Column(
            f"{prefix}code",
            gettext_lazy("Il codice dell'azione nel piano in vigore (per esempio 2.1.3)."),
            CODE,
            gone if prefix else NEVER_EMPTY,
        ),
        Column(
            f"{prefix}key",
            gettext_lazy(
                "La chiave dell'azione: la stessa in tutte le versioni del piano, come nel file "
                "delle azioni di una versione."
            ),
            IDENTIFIER,
            NEVER_EMPTY,
            values=KEY_VALUES,
        ),
        Column(
            f"{prefix}title",
            gettext_lazy("Il titolo dell'azione."),
            TEXT,
            gone if prefix else NEVER_EMPTY,
        ),
    )


MONITORING_ACTIONS = Dataset(
    slug="attuazione-azioni",
    title=gettext_lazy("L'attuazione delle azioni del piano in vigore"),
    records_key="actions",
    columns=(
        *_action_columns(),
        Column("policy_code", gettext_lazy("Il codice della politica."), CODE, NEVER_EMPTY),
        Column("policy", gettext_lazy("Il titolo della politica."), TEXT, NEVER_EMPTY),
        Column(
            "action_area_code", gettext_lazy("Il codice dell'ambito d'azione."), CODE, NEVER_EMPTY
        ),
        Column("action_area", gettext_lazy("Il titolo dell'ambito d'azione."), TEXT, NEVER_EMPTY),
        Column(
            "state",
            gettext_lazy("A che punto è l'azione."),
            CODE,
            NEVER_EMPTY,
            choices=ImplementationState,
            values=gettext_lazy("«not_started» anche quando non è stato ancora registrato nulla."),
        ),
        Column(
            "state_reason",
            gettext_lazy("Perché l'azione è sospesa o annullata."),
            TEXT,
            gettext_lazy("l'azione non è sospesa né annullata"),
        ),
        Column(
            "progress_percent",
            gettext_lazy("L'avanzamento dell'azione, in percentuale."),
            INTEGER,
            NEVER_EMPTY,
            values=gettext_lazy("Da 0 a 100."),
        ),
        Column(
            "budget_eur",
            gettext_lazy("Le risorse previste dal piano in vigore, in euro."),
            DECIMAL,
            gettext_lazy("risorse non indicate"),
            values=MONEY_VALUES,
        ),
        Column(
            "committed_eur",
            gettext_lazy("Le risorse impegnate finora, in euro."),
            DECIMAL,
            gettext_lazy("non ancora registrate"),
            values=MONEY_VALUES,
        ),
        Column(
            "spent_eur",
            gettext_lazy("Le risorse spese finora, in euro."),
            DECIMAL,
            gettext_lazy("non ancora registrate"),
            values=MONEY_VALUES,
        ),
        Column(
            "updated_at",
            gettext_lazy("Quando la redazione ha aggiornato stato, avanzamento o risorse."),
            DATETIME,
            gettext_lazy("mai: non è stato ancora registrato nulla"),
        ),
        Column(
            "url",
            gettext_lazy("L'indirizzo della pagina dell'azione sul portale."),
            URL,
            NEVER_EMPTY,
        ),
    ),
)

MONITORING_UPDATES = Dataset(
    slug="attuazione-aggiornamenti",
    title=gettext_lazy("Gli aggiornamenti sull'attuazione"),
    records_key="updates",
    columns=(
        *_action_columns("action_"),
        Column("happened_on", gettext_lazy("La data dei fatti raccontati."), DATE, NEVER_EMPTY),
        Column("title", gettext_lazy("Il titolo dell'aggiornamento."), TEXT, NEVER_EMPTY),
        Column("text", gettext_lazy("Il testo dell'aggiornamento."), TEXT, NEVER_EMPTY),
        Column(
            "zone",
            gettext_lazy("Il numero della zona omogenea di cui parla l'aggiornamento."),
            INTEGER,
            gettext_lazy("l'aggiornamento non riguarda una sola zona"),
        ),
        Column("published_at", gettext_lazy("Quando è stato pubblicato."), DATETIME, NEVER_EMPTY),
        Column(
            "attachments",
            gettext_lazy("I titoli dei documenti PDF allegati."),
            TEXT,
            gettext_lazy("nessun allegato"),
            many=True,
        ),
    ),
)

MONITORING_INDICATORS = Dataset(
    slug="attuazione-indicatori",
    title=gettext_lazy("I valori degli indicatori"),
    records_key="indicator_values",
    columns=(
        *_action_columns("action_"),
        Column("indicator", gettext_lazy("Il nome dell'indicatore."), TEXT, NEVER_EMPTY),
        Column("unit", gettext_lazy("L'unità di misura."), TEXT, gettext_lazy("non indicata")),
        Column(
            "baseline",
            gettext_lazy("Il valore di partenza."),
            DECIMAL,
            gettext_lazy("non indicato"),
        ),
        Column("target", gettext_lazy("L'obiettivo da raggiungere."), DECIMAL, NEVER_EMPTY),
        Column(
            "target_date",
            gettext_lazy("Entro quando raggiungere l'obiettivo."),
            DATE,
            gettext_lazy("data non indicata"),
        ),
        Column(
            "measured_on",
            gettext_lazy("La data a cui si riferisce il valore."),
            DATE,
            gettext_lazy("nessun valore registrato finora"),
        ),
        Column(
            "value",
            gettext_lazy("Il valore rilevato a quella data."),
            DECIMAL,
            gettext_lazy("nessun valore registrato finora"),
        ),
        Column("note", gettext_lazy("Una nota sul valore."), TEXT, gettext_lazy("nessuna nota")),
    ),
)

DATASETS = (MONITORING_ACTIONS, MONITORING_UPDATES, MONITORING_INDICATORS)


def plan_in_force(programme) -> PlanVersion | None:
    return programme.versions.published().first()


def actions_in_force(version: PlanVersion) -> dict:
    """The actions of ``version`` by key, with their area and policy. One query."""
    actions = Action.objects.filter(version=version).select_related("area__policy")
    return {action.key: action for action in actions}


def _natural(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))


def _action_fields(actions: dict, key, prefix: str) -> dict:
    action = actions.get(key)
    return {
        f"{prefix}code": action.code if action else None,
        f"{prefix}key": str(key),
        f"{prefix}title": action.title if action else None,
    }


def action_records(programme, version, absolute_url):
    actions = actions_in_force(version)
    monitoring = {m.action_key: m for m in ActionMonitoring.objects.filter(programme=programme)}
    for action in sorted(actions.values(), key=lambda a: _natural(a.code)):
        recorded = monitoring.get(action.key)
        yield {
            **_action_fields(actions, action.key, ""),
            "policy_code": action.area.policy.code,
            "policy": action.area.policy.title,
            "action_area_code": action.area.code,
            "action_area": action.area.title,
            "state": recorded.state if recorded else ImplementationState.NOT_STARTED.value,
            "state_reason": recorded.state_reason if recorded else None,
            "progress_percent": recorded.progress if recorded else 0,
            "budget_eur": action.budget,
            "committed_eur": recorded.committed if recorded else None,
            "spent_eur": recorded.spent if recorded else None,
            "updated_at": recorded.updated_at if recorded else None,
            "url": absolute_url(
                reverse("matrice:action", args=[programme.slug, version.number, action.code])
            ),
        }


def update_records(programme, version, absolute_url):
    actions = actions_in_force(version)
    updates = (
        MonitoringUpdate.objects.filter(programme=programme, status=UpdateStatus.PUBLISHED)
        .select_related("zone")
        .prefetch_related("attachments")
        .order_by("happened_on", "published_at", "pk")
    )
    for update in updates:
        yield {
            **_action_fields(actions, update.action_key, "action_"),
            "happened_on": update.happened_on,
            "title": update.title,
            "text": update.text,
            "zone": update.zone.number if update.zone else None,
            "published_at": update.published_at,
            "attachments": [a.title for a in update.attachments.all()],
        }


def indicator_records(programme, version, absolute_url):
    actions = actions_in_force(version)
    indicators = (
        MonitoringIndicator.objects.filter(programme=programme)
        .prefetch_related("values")
        .order_by("action_key", "position", "pk")
    )
    rows = []
    for indicator in indicators:
        values = list(indicator.values.all()) or [None]
        for value in values:
            rows.append(
                {
                    **_action_fields(actions, indicator.action_key, "action_"),
                    "indicator": indicator.name,
                    "unit": indicator.unit,
                    "baseline": indicator.baseline,
                    "target": indicator.target,
                    "target_date": indicator.target_date,
                    "measured_on": value.measured_on if value else None,
                    "value": value.value if value else None,
                    "note": value.note if value else None,
                }
            )
    rows.sort(key=lambda r: (_natural(r["action_code"] or "999"), r["action_key"]))
    return rows


FILES = {
    # route's last part: (dataset, records)
    "azioni": (MONITORING_ACTIONS, action_records),
    "aggiornamenti": (MONITORING_UPDATES, update_records),
    "indicatori": (MONITORING_INDICATORS, indicator_records),
}


class MonitoringDownloadView(ProgrammeMixin, DownloadView):
    """One monitoring file of the programme's plan in force; 404 without a plan in force."""

    file = "azioni"

    def get(self, request, *args, **kwargs):
        version = plan_in_force(self.programme)
        if version is None:
            raise NotFound(_("Questo programma non ha ancora un piano in vigore."))
        dataset, records = FILES[self.file]
        return download(
            request,
            dataset,
            records(self.programme, version, request.build_absolute_uri),
            format=self.format,
            stem=f"attuazione-{self.programme.slug}-{self.file}",
            programme=self.programme.slug,
            version=version.number,
        )


def opendata_dates() -> dict[int, datetime.datetime]:
    """When the monitoring data of each programme last changed (a state recorded, an update
    published, an indicator value recorded), by programme pk: the catalogue's dates. One
    query."""
    per_programme = (
        ActionMonitoring.objects.order_by()
        .values("programme_id")
        .annotate(last=Max("updated_at"))
        .values_list("programme_id", "last")
        .union(
            MonitoringUpdate.objects.filter(status=UpdateStatus.PUBLISHED)
            .order_by()
            .values("programme_id")
            .annotate(last=Max("published_at"))
            .values_list("programme_id", "last"),
            IndicatorValue.objects.order_by()
            .values("indicator__programme_id")
            .annotate(last=Max("recorded_at"))
            .values_list("indicator__programme_id", "last"),
            all=True,
        )
    )
    dates = {}
    for programme_pk, last in per_programme:
        if last is not None and (programme_pk not in dates or last > dates[programme_pk]):
            dates[programme_pk] = last
    return dates
