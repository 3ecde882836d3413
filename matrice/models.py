"""The content of a plan version: policies → action areas → actions, and the version's catalogues
of tools (strumenti) and targets (destinatari).

Every row belongs to exactly one version and carries a ``key`` that stays the same when a new
version is copied from it, so two versions can be compared item by item. Rows of a frozen
(non-draft) version cannot be created, changed or deleted: ``save``/``delete`` and the queryset
methods refuse it here, and database triggers (see ``matrice/db_triggers.py``) refuse it below.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patto.core.exceptions import FrozenVersionError
from patto.models import PlanVersion, Revisioned, VersionStatus


def _frozen_version_among(version_ids):
    """The first frozen version among ``version_ids``, or None. Runs a query."""
    return (
        PlanVersion.objects.filter(pk__in=set(version_ids))
        .exclude(status=VersionStatus.DRAFT)
        .first()
    )


class VersionContentQuerySet(models.QuerySet):
    def _refuse_if_frozen(self):
        frozen = _frozen_version_among(self.values_list("version_id", flat=True))
        if frozen is not None:
            raise FrozenVersionError(frozen)

    def update(self, **kwargs):
        self._refuse_if_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        frozen = _frozen_version_among(obj.version_id for obj in objs)
        if frozen is not None:
            raise FrozenVersionError(frozen)
        return super().bulk_create(objs, *args, **kwargs)


class VersionContent(Revisioned):
    """Common fields of version content. Subclasses declare ``version`` with their own
    related name."""

    key = models.UUIDField(
        _("chiave stabile"),
        default=uuid.uuid4,
        editable=False,
        help_text=_("Uguale in tutte le versioni per la stessa voce."),
    )
    code = models.CharField(_("codice"), max_length=20)
    position = models.PositiveIntegerField(_("ordine"), default=0)

    objects = VersionContentQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)

    def _refuse_if_frozen(self):
        version_ids = [self.version_id]
        if self.pk is not None:
            previous = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values_list("version_id", flat=True)
                .first()
            )
            if previous is not None:
                version_ids.append(previous)
        frozen = _frozen_version_among(version_ids)
        if frozen is not None:
            raise FrozenVersionError(frozen)


def _content_constraints(prefix):
    return [
        models.UniqueConstraint(fields=["version", "code"], name=f"{prefix}_unique_code"),
        models.UniqueConstraint(fields=["version", "key"], name=f"{prefix}_unique_key"),
    ]


class Tool(VersionContent):
    """A tool (strumento) of the programme's catalogue, as it stands in this version."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="tools", verbose_name=_("versione")
    )
    name = models.CharField(_("nome"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position", "code"]
        verbose_name = _("strumento")
        verbose_name_plural = _("strumenti")
        constraints = _content_constraints("tool")

    def __str__(self):
        return self.name


class Target(VersionContent):
    """A target group (destinatari) of the programme's catalogue, as it stands in this
    version."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="targets", verbose_name=_("versione")
    )
    name = models.CharField(_("nome"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position", "code"]
        verbose_name = _("destinatari")
        verbose_name_plural = _("destinatari")
        constraints = _content_constraints("target")

    def __str__(self):
        return self.name


class Policy(VersionContent):
    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="policies", verbose_name=_("versione")
    )
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True, help_text=_("Markdown."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position", "code"]
        verbose_name = _("politica")
        verbose_name_plural = _("politiche")
        constraints = _content_constraints("policy")

    def __str__(self):
        return self.title


class ActionArea(VersionContent):
    """An ambito d'azione within a policy."""

    version = models.ForeignKey(
        PlanVersion,
        on_delete=models.CASCADE,
        related_name="action_areas",
        verbose_name=_("versione"),
    )
    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="action_areas", verbose_name=_("politica")
    )
    title = models.CharField(_("titolo"), max_length=300)
    description = models.TextField(_("descrizione"), blank=True, help_text=_("Markdown."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position", "code"]
        verbose_name = _("ambito d'azione")
        verbose_name_plural = _("ambiti d'azione")
        constraints = _content_constraints("action_area")

    def __str__(self):
        return self.title

    def clean(self):
        if self.policy_id and self.version_id and self.policy.version_id != self.version_id:
            raise ValidationError({"policy": _("La politica è di un'altra versione.")})


# The actions of a version in the order of the plan: by policy, action area, then their own
# position (the code breaks ties, as the editors number them).
PLAN_ORDER = (
    "area__policy__position",
    "area__policy__code",
    "area__position",
    "area__code",
    "position",
    "code",
)


class Action(VersionContent):
    """An action (azione) of an action area: its tools, its targets, the zones where it applies
    (none = the whole territory), the thematic tables it came from."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="actions", verbose_name=_("versione")
    )
    area = models.ForeignKey(
        ActionArea,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("ambito d'azione"),
    )
    title = models.CharField(_("titolo"), max_length=300)
    description = models.TextField(_("descrizione"), blank=True, help_text=_("Markdown."))
    tools = models.ManyToManyField(
        Tool, blank=True, related_name="actions", verbose_name=_("strumenti")
    )
    targets = models.ManyToManyField(
        Target, blank=True, related_name="actions", verbose_name=_("destinatari")
    )
    zones = models.ManyToManyField(
        "zone.Zone",
        blank=True,
        related_name="actions",
        verbose_name=_("zone"),
        help_text=_("Nessuna zona: l'azione vale per tutto il territorio."),
    )
    tables = models.ManyToManyField(
        "tavoli.ThematicTable",
        blank=True,
        related_name="actions",
        verbose_name=_("tavoli di provenienza"),
    )
    lead_body = models.CharField(_("ente capofila"), max_length=200, blank=True)
    partners = models.TextField(_("partner"), blank=True)
    start_date = models.DateField(_("inizio"), null=True, blank=True)
    end_date = models.DateField(_("fine"), null=True, blank=True)
    budget = models.DecimalField(
        _("risorse (euro)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    indicators = models.TextField(_("indicatori"), blank=True)

    history = HistoricalRecords(m2m_fields=[tools, targets, zones, tables])

    class Meta:
        ordering = ["version", "position", "code"]
        verbose_name = _("azione")
        verbose_name_plural = _("azioni")
        constraints = [
            *_content_constraints("action"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="action_end_not_before_start",
                violation_error_message=_("La fine dell'azione non può precedere l'inizio."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="action_budget_not_negative",
                violation_error_message=_("Le risorse non possono essere negative."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        """Needs ``version.programme``: select it, or set ``version`` from the view."""
        return reverse(
            "matrice:action",
            kwargs={
                "slug": self.version.programme.slug,
                "number": self.version.number,
                "code": self.code,
            },
        )

    def clean(self):
        if self.area_id and self.version_id and self.area.version_id != self.version_id:
            raise ValidationError({"area": _("L'ambito d'azione è di un'altra versione.")})

    @property
    def applies_everywhere(self):
        """True when no zone is named. Runs a query unless zones are prefetched."""
        return not self.zones.all()


@receiver(m2m_changed, sender=Action.tools.through)
@receiver(m2m_changed, sender=Action.targets.through)
@receiver(m2m_changed, sender=Action.zones.through)
@receiver(m2m_changed, sender=Action.tables.through)
def refuse_frozen_relation_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("pre_"):
        return
    if isinstance(instance, Action):
        version_ids = [instance.version_id]
    elif pk_set is not None:
        version_ids = Action.objects.filter(pk__in=pk_set).values_list("version_id", flat=True)
    else:  # reverse clear(): every action linked to ``instance``
        version_ids = instance.actions.values_list("version_id", flat=True)
    frozen = _frozen_version_among(version_ids)
    if frozen is not None:
        raise FrozenVersionError(frozen)


class SpreadsheetImport(models.Model):
    """A spreadsheet uploaded to change a draft, waiting for its uploader to confirm what the
    preview showed (``matrice.import_services``). The file is kept until then, with its SHA-256
    and the state of the draft it was previewed against: confirming a preview of another file,
    or of a draft changed since, is refused. Once applied or replaced by a newer upload, the
    file is dropped and the row stays as a record of who imported what, and when."""

    class Status(models.TextChoices):
        PENDING = "pending", _("in attesa di conferma")
        APPLIED = "applied", _("importato")
        DISCARDED = "discarded", _("sostituito da un altro file")

    class Format(models.TextChoices):
        ODS = "ods", "ODS"
        XLSX = "xlsx", "XLSX"

    version = models.ForeignKey(
        PlanVersion,
        on_delete=models.CASCADE,
        related_name="spreadsheet_imports",
        verbose_name=_("versione"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("caricato da"),
    )
    uploaded_at = models.DateTimeField(_("caricato il"), auto_now_add=True)
    file_name = models.CharField(_("nome del file"), max_length=255)
    file_format = models.CharField(_("formato"), max_length=4, choices=Format.choices)
    sha256 = models.CharField(_("impronta SHA-256 del file"), max_length=64)
    draft_state = models.CharField(
        _("stato della bozza all'anteprima"),
        max_length=64,
        help_text=_(
            "Impronta delle revisioni delle voci della bozza quando il file è stato letto."
        ),
    )
    content = models.BinaryField(_("contenuto"), blank=True, editable=False)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    applied_at = models.DateTimeField(_("importato il"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("importazione da foglio di calcolo")
        verbose_name_plural = _("importazioni da foglio di calcolo")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="applied", applied_at__isnull=False) | ~Q(status="applied"),
                name="spreadsheet_import_applied_has_date",
            )
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"
