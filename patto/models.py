"""The programme (a Patto or a Piano), its phases, its plan versions and their lifecycle, and the
zones' validations."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patto.cache import freshness
from patto.cache.pages import content_changed


class Revisioned(models.Model):
    """An editable item: its ``revision`` number is how a save made on an outdated form is
    refused instead of overwriting somebody else's (``save_with_revision`` in
    ``patto.core.locking``)."""

    revision = models.PositiveIntegerField(_("revisione"), default=1, editable=False)

    class Meta:
        abstract = True


class ActorCategory(models.TextChoices):
    """Who takes part: the audiences the 2017 Patto meetings were addressed to."""

    LOCAL_ADMINISTRATOR = "amministratori_locali", _("Amministratori locali")
    MANAGING_BODY = "enti_gestori", _("Enti gestori dei servizi socio-assistenziali")
    THIRD_SECTOR = "terzo_settore", _("Volontariato e terzo settore")
    COOPERATIVE = "cooperative", _("Cooperative")
    SOCIAL_WORKER = "operatori", _("Assistenti sociali e operatori socio-sanitari")
    HEALTH_AUTHORITY = "asl", _("ASL")
    FAMILY_CENTRE = "centri_famiglie_antiviolenza", _("Centri per le famiglie e antiviolenza")
    CIVIL_SERVICE = "servizio_civile", _("Enti del servizio civile")
    HOUSING = "atc_edilizia_sociale", _("ATC e imprese di edilizia sociale")
    CITIZEN = "cittadini", _("Cittadini")
    BUSINESS = "imprese", _("Imprese e liberi professionisti")
    PUBLIC_BODY = "enti_pubblici", _("Enti pubblici")


class User(AbstractUser):
    """A person with an account. Logs in with the e-mail address."""

    email = models.EmailField(_("indirizzo email"), unique=True)
    body_name = models.CharField(_("ente o organizzazione"), max_length=200, blank=True)
    actor_category = models.CharField(
        _("categoria"), max_length=40, choices=ActorCategory.choices, blank=True
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email or self.username

    @cached_property
    def is_redazione(self):
        """Regional staff: members of the Redazione group (or superusers). Runs a query, once
        per user object (so once per request)."""
        if not self.is_authenticated or not self.is_active:
            return False
        if self.is_superuser:
            return True
        return self.groups.filter(name=REDAZIONE_GROUP).exists()


REDAZIONE_GROUP = "Redazione"


class SpidIdentity(models.Model):
    """The digital identity (SPID or CIE) a person logs in with: their fiscal number, the one
    identifier every SPID identity provider and the CIE give alike. Kept in clear, unique: a
    hash would not protect it (a fiscal number is computed from name, birth date and place, so
    it can be found again by trying them) and the person sees it among their data."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="spid_identity"
    )
    fiscal_number = models.CharField(_("codice fiscale"), max_length=16, unique=True)
    created_at = models.DateTimeField(_("collegata il"), default=timezone.now)
    last_login_at = models.DateTimeField(_("ultimo accesso"), null=True, blank=True)
    last_idp = models.CharField(_("ultimo gestore dell'identità"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("identità SPID o CIE")
        verbose_name_plural = _("identità SPID o CIE")

    def __str__(self):
        return self.fiscal_number


class ProgrammeKind(models.TextChoices):
    PATTO = "patto", _("Patto")
    PIANO = "piano", _("Piano")


class Programme(Revisioned):
    """A programme of social policies: the regional Patto or the metropolitan Piano."""

    slug = models.SlugField(_("identificativo"), max_length=80, unique=True)
    kind = models.CharField(_("tipo"), max_length=10, choices=ProgrammeKind.choices)
    title = models.CharField(_("titolo"), max_length=200)
    subtitle = models.CharField(_("sottotitolo"), max_length=300, blank=True)
    promoter = models.CharField(_("ente promotore"), max_length=200)
    promoter_office = models.CharField(_("struttura"), max_length=300, blank=True)
    summary = models.TextField(_("in breve"), blank=True)
    description = models.TextField(_("descrizione"), blank=True, help_text=_("Markdown."))
    audience = models.CharField(
        _("rivolto a"),
        max_length=300,
        blank=True,
        help_text=_("A chi si rivolge il programma, come lo dice il documento di origine."),
    )
    start_date = models.DateField(_("inizio"), null=True, blank=True)
    end_date = models.DateField(_("fine"), null=True, blank=True)
    validating_zones = models.ManyToManyField(
        "zone.Zone",
        blank=True,
        related_name="programmes",
        verbose_name=_("zone che validano"),
        help_text=_("Se vuoto, la versione è validata dalla redazione."),
    )
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)
    monitoring_note = models.TextField(
        _("nota sui dati dell'attuazione"),
        blank=True,
        help_text=_(
            "Markdown. Compare dove si vede come procede il piano: per esempio da dove vengono "
            "i dati e ogni quanto sono aggiornati."
        ),
    )
    contributions_need_approval = models.BooleanField(
        _("i contributi online richiedono l'approvazione"),
        default=True,
        help_text=_(
            "Se attivo, un contributo o un commento lasciato online compare sul sito solo dopo "
            "l'approvazione della redazione; altrimenti compare subito."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[validating_zones])

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("programma")
        verbose_name_plural = _("programmi")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="programme_end_not_before_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("patto:programme", kwargs={"slug": self.slug})

    def current_phase(self, today=None):
        """The latest phase that has started by ``today``. Runs a query unless phases are
        prefetched."""
        today = today or timezone.localdate()
        started = [p for p in self.phases.all() if p.start_date and p.start_date <= today]
        return max(started, key=lambda p: (p.start_date, p.position), default=None)


class Phase(Revisioned):
    """A step in a programme's timeline (Patto per il sociale 2015 → Nuovo patto 2017 → …)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="phases", verbose_name=_("programma")
    )
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True, help_text=_("Markdown."))
    start_date = models.DateField(_("inizio"), null=True, blank=True)
    end_date = models.DateField(_("fine"), null=True, blank=True)
    is_consultation = models.BooleanField(
        _("consultazione"),
        default=False,
        help_text=_(
            "In questa fase chi è registrato può lasciare contributi online sulla proposta."
        ),
    )
    consultation_opens_at = models.DateTimeField(
        _("la consultazione si apre il"), null=True, blank=True
    )
    consultation_closes_at = models.DateTimeField(
        _("la consultazione si chiude il"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "position", "start_date"]
        verbose_name = _("fase")
        verbose_name_plural = _("fasi")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="phase_end_not_before_start",
            ),
            models.UniqueConstraint(fields=["programme", "position"], name="phase_unique_position"),
            models.CheckConstraint(
                condition=Q(is_consultation=False)
                | Q(consultation_opens_at__isnull=False, consultation_closes_at__isnull=False),
                name="phase_consultation_has_window",
                violation_error_message=_(
                    "Una consultazione ha bisogno della data di apertura e di quella di chiusura."
                ),
            ),
            models.CheckConstraint(
                condition=Q(consultation_opens_at__isnull=True)
                | Q(consultation_closes_at__isnull=True)
                | Q(consultation_closes_at__gte=models.F("consultation_opens_at")),
                name="phase_consultation_closes_after_opening",
                violation_error_message=_(
                    "La consultazione non può chiudersi prima di essersi aperta."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def consultation_state(self, now=None) -> str:
        """``"none"`` (not a consultation), ``"upcoming"``, ``"open"`` or ``"closed"`` at
        ``now``. The window includes its opening instant and excludes its closing one. The
        page being rendered, if any, is told when the answer changes (``patto.cache.freshness``)."""
        if not self.is_consultation or not self.consultation_opens_at:
            return "none"
        now = now or timezone.now()
        if now < self.consultation_opens_at:
            freshness.changes_at(self.consultation_opens_at)
            return "upcoming"
        if self.consultation_closes_at and now >= self.consultation_closes_at:
            return "closed"
        if self.consultation_closes_at:
            freshness.changes_at(self.consultation_closes_at)
        return "open"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    IN_VALIDATION = "in_validation", _("In validazione")
    CHANGES_REQUESTED = "changes_requested", _("Modifiche richieste")
    VALIDATED = "validated", _("Validata")
    PUBLISHED = "published", _("Pubblicata")
    ARCHIVED = "archived", _("Archiviata")
    WITHDRAWN = "withdrawn", _("Ritirata")


class PdfStatus(models.TextChoices):
    NONE = "none", _("Non richiesto")
    PENDING = "pending", _("In coda")
    RENDERING = "rendering", _("In preparazione")
    READY = "ready", _("Pronto")
    FAILED = "failed", _("Non riuscito")


# A proposal stays public once sent to the zones, also when a zone asked for changes or the
# redazione withdrew it (it was read as a proposal: its page says it was withdrawn, and why).
PUBLIC_STATUSES = (
    VersionStatus.IN_VALIDATION,
    VersionStatus.CHANGES_REQUESTED,
    VersionStatus.WITHDRAWN,
    VersionStatus.VALIDATED,
    VersionStatus.PUBLISHED,
    VersionStatus.ARCHIVED,
)


# A version that is not (yet) in force although nobody edits it any more: sent to the zones (and
# perhaps sent back by one of them), or validated and waiting to be published.
PROPOSAL_STATUSES = (
    VersionStatus.IN_VALIDATION,
    VersionStatus.CHANGES_REQUESTED,
    VersionStatus.VALIDATED,
)


class PlanVersionQuerySet(models.QuerySet):
    def public(self):
        """Versions anyone may read: the proposal under validation and every validated,
        published or archived version. Drafts never."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def published(self):
        return self.filter(status=VersionStatus.PUBLISHED)

    def frozen(self):
        return self.exclude(status=VersionStatus.DRAFT)

    def update(self, **kwargs):
        """As ``QuerySet.update``; the PDF state and status it changes show on public pages,
        so cached pages go out of date (``patto.cache.pages``)."""
        changed = super().update(**kwargs)
        if changed:
            content_changed()
        return changed


class PlanVersion(models.Model):
    """One version of a programme's plan. Only a draft can be edited; from submission on its
    content never changes (the database refuses it too, see matrice's triggers)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="versions", verbose_name=_("programma")
    )
    number = models.PositiveIntegerField(_("numero"))
    status = models.CharField(
        _("stato"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    change_note = models.TextField(
        _("nota di versione"), blank=True, help_text=_("Cosa cambia rispetto alla precedente.")
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("copiata da"),
    )
    fingerprint = models.CharField(
        _("impronta SHA-256"),
        max_length=64,
        blank=True,
        help_text=_("Calcolata sul contenuto quando la versione viene congelata."),
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("creata da"),
    )
    submitted_at = models.DateTimeField(_("inviata alle zone il"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inviata da"),
    )
    validated_at = models.DateTimeField(_("validata il"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validata dalla redazione"),
        help_text=_("Solo per i programmi senza zone che validano."),
    )
    published_at = models.DateTimeField(_("pubblicata il"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pubblicata da"),
    )
    archived_at = models.DateTimeField(_("archiviata il"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("ritirata il"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ritirata da"),
    )
    withdrawal_reason = models.TextField(_("motivo del ritiro"), blank=True)

    pdf_status = models.CharField(
        _("stato del PDF"), max_length=12, choices=PdfStatus.choices, default=PdfStatus.NONE
    )
    pdf_file = models.FileField(_("PDF"), upload_to="pdf/", blank=True)
    pdf_fingerprint = models.CharField(_("impronta del PDF"), max_length=64, blank=True)
    # the cover of the PDF says the version's status: the file is rendered again when the
    # version is published, then archived (patto.programme.services.publish_version)
    pdf_cover_status = models.CharField(
        _("stato sulla copertina del PDF"),
        max_length=20,
        choices=VersionStatus.choices,
        blank=True,
    )
    pdf_error = models.TextField(_("errore del PDF"), blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF generato il"), null=True, blank=True)

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "-number"]
        get_latest_by = "number"
        verbose_name = _("versione del piano")
        verbose_name_plural = _("versioni del piano")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="version_unique_number"),
            # At most one version is being written, one is under validation and one is
            # published for a programme at any time.
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(status=VersionStatus.DRAFT),
                name="version_one_draft_per_programme",
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(status=VersionStatus.IN_VALIDATION),
                name="version_one_in_validation_per_programme",
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(status=VersionStatus.PUBLISHED),
                name="version_one_published_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(status=VersionStatus.DRAFT) | ~Q(fingerprint=""),
                name="version_frozen_has_fingerprint",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
            models.CheckConstraint(
                condition=~Q(status=VersionStatus.WITHDRAWN)
                | (~Q(withdrawal_reason="") & Q(withdrawn_at__isnull=False)),
                name="version_withdrawn_has_reason",
                violation_error_message=_("Per ritirare una versione serve un motivo."),
            ),
        ]

    def __str__(self):
        return _("%(programme)s – versione %(number)s") % {
            "programme": self.programme.title if self.programme_id else "?",
            "number": self.number,
        }

    def get_absolute_url(self):
        return reverse("patto:version", kwargs={"slug": self.programme.slug, "number": self.number})

    @property
    def is_draft(self):
        return self.status == VersionStatus.DRAFT

    @property
    def is_frozen(self):
        """True once submitted: the content can no longer change."""
        return self.status != VersionStatus.DRAFT

    @property
    def is_public(self):
        return self.status in PUBLIC_STATUSES

    @property
    def is_proposal(self):
        """Public and frozen, but not (yet) in force: see ``PROPOSAL_STATUSES``."""
        return self.status in PROPOSAL_STATUSES

    def validation_record(self) -> list[dict]:
        """One row per validating zone of the programme: the zone and its decision on this
        version (None while it has not decided), with the decision's remarks. Two queries."""
        decisions = {
            v.zone_id: v
            for v in self.validations.select_related("decided_by").prefetch_related("remarks")
        }
        return [
            {"zone": zone, "validation": decisions.get(zone.pk)}
            for zone in self.programme.validating_zones.order_by("number")
        ]


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approvata")
    CHANGES_REQUESTED = "changes_requested", _("Modifiche richieste")


class Validation(models.Model):
    """A zone's decision on a version, taken by its current spokesperson."""

    version = models.ForeignKey(
        PlanVersion,
        on_delete=models.PROTECT,
        related_name="validations",
        verbose_name=_("versione"),
    )
    zone = models.ForeignKey(
        "zone.Zone",
        on_delete=models.PROTECT,
        related_name="validations",
        verbose_name=_("zona"),
    )
    decision = models.CharField(_("decisione"), max_length=20, choices=Decision.choices)
    reason = models.TextField(_("motivazione"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="validations",
        verbose_name=_("decisa da"),
    )
    decided_at = models.DateTimeField(_("decisa il"), default=timezone.now)

    class Meta:
        ordering = ["version", "zone__number"]
        verbose_name = _("validazione di zona")
        verbose_name_plural = _("validazioni di zona")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "zone"],
                name="validation_one_per_zone_and_version",
                violation_error_message=_("Questa zona ha già deciso su questa versione."),
            ),
            models.CheckConstraint(
                condition=Q(decision=Decision.APPROVED) | ~Q(reason=""),
                name="validation_changes_need_reason",
                violation_error_message=_("Per chiedere modifiche serve una motivazione."),
            ),
        ]

    def __str__(self):
        return f"{self.zone} – {self.get_decision_display()} ({self.version})"


class ItemKind(models.TextChoices):
    POLICY = "policy", _("Politica")
    ACTION_AREA = "action_area", _("Ambito d'azione")
    ACTION = "action", _("Azione")


class ValidationRemark(models.Model):
    """A remark of a zone on one item of the version it decided on. The item is named by its
    stable key, so the remark can be found again in the next version."""

    validation = models.ForeignKey(
        Validation,
        on_delete=models.CASCADE,
        related_name="remarks",
        verbose_name=_("validazione"),
    )
    item_kind = models.CharField(_("tipo di voce"), max_length=20, choices=ItemKind.choices)
    item_key = models.UUIDField(_("chiave della voce"))
    item_label = models.CharField(_("voce"), max_length=300)
    text = models.TextField(_("osservazione"))

    class Meta:
        ordering = ["validation", "id"]
        verbose_name = _("osservazione su una voce")
        verbose_name_plural = _("osservazioni sulle voci")

    def __str__(self):
        return f"{self.item_label}: {self.text[:60]}"


class ValidationDraft(models.Model):
    """What a zone's spokesperson has written on a version in validation and not decided yet:
    the decision chosen so far, the reason and the remarks. It is not part of the record: only
    the zone's current spokespersons see it (on their review page), and it is deleted when the
    zone decides or the version leaves validation (``patto.validation.services``,
    ``patto.programme.services.mark_validated``)."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("versione")
    )
    zone = models.ForeignKey(
        "zone.Zone",
        on_delete=models.CASCADE,
        related_name="validation_drafts",
        verbose_name=_("zona"),
    )
    decision = models.CharField(_("decisione"), max_length=20, choices=Decision.choices, blank=True)
    reason = models.TextField(_("motivazione"), blank=True)
    # a save made from a page opened before another save of the same draft is refused
    revision = models.PositiveIntegerField(_("revisione"), default=1)
    updated_at = models.DateTimeField(_("salvata il"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("salvata da"),
    )

    class Meta:
        verbose_name = _("bozza di decisione")
        verbose_name_plural = _("bozze di decisione")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "zone"], name="validation_draft_one_per_zone_and_version"
            ),
        ]

    def __str__(self):
        return f"{self.zone} – {self.version}"


class DraftRemark(models.Model):
    """A remark of a draft on one item of the version, named by its stable key."""

    draft = models.ForeignKey(
        ValidationDraft, on_delete=models.CASCADE, related_name="remarks", verbose_name=_("bozza")
    )
    item_kind = models.CharField(_("tipo di voce"), max_length=20, choices=ItemKind.choices)
    item_key = models.UUIDField(_("chiave della voce"))
    text = models.TextField(_("osservazione"))

    class Meta:
        ordering = ["draft", "id"]
        verbose_name = _("osservazione in bozza")
        verbose_name_plural = _("osservazioni in bozza")
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "item_kind", "item_key"], name="draft_remark_one_per_item"
            ),
        ]

    def __str__(self):
        return self.text[:60]


class Follow(models.Model):
    """A person following a programme: they hear by e-mail when a version is submitted to the
    zones or published."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("utente"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="followers", verbose_name=_("programma")
    )
    created_at = models.DateTimeField(_("dal"), auto_now_add=True)
    monitoring_digest = models.BooleanField(
        _("riepilogo settimanale dell'attuazione"),
        default=False,
        help_text=_("Ogni settimana, un'email con gli aggiornamenti pubblicati sulle azioni."),
    )
    digest_sent_until = models.DateTimeField(
        _("riepilogo inviato fino al"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("programma seguito")
        verbose_name_plural = _("programmi seguiti")
        constraints = [
            models.UniqueConstraint(fields=["user", "programme"], name="follow_unique"),
        ]

    def __str__(self):
        return f"{self.user} → {self.programme}"


class EmailOptOut(models.Model):
    """A kind of e-mail a person asked not to receive any more (see ``patto.mail.participants``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_opt_outs",
        verbose_name=_("utente"),
    )
    topic = models.CharField(_("argomento"), max_length=20)
    created_at = models.DateTimeField(_("dal"), auto_now_add=True)

    class Meta:
        verbose_name = _("rinuncia alle email")
        verbose_name_plural = _("rinunce alle email")
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="email_opt_out_unique"),
        ]

    def __str__(self):
        return f"{self.user}: {self.topic}"


class MailJob(models.Model):
    """An e-mail the portal owes someone, written in the same transaction as the change that
    causes it (the transactional outbox, ``patto.mail.outbox``): the Celery task named ``task``
    works out the recipients and the messages from ``args`` when it runs. A job whose message
    was lost (Redis down, a worker killed) is enqueued again by the sweep until it is done."""

    task = models.CharField(_("attività"), max_length=100)
    args = models.JSONField(_("argomenti"), default=list)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True, db_index=True)
    runs = models.PositiveIntegerField(_("esecuzioni"), default=0)
    last_error = models.TextField(_("ultimo errore"), blank=True)
    done_at = models.DateTimeField(_("completato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("invio di email")
        verbose_name_plural = _("invii di email")
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(done_at__isnull=True), name="mailjob_pending"
            )
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"


class OutgoingEmail(models.Model):
    """One message to one address, rendered, and whether it has left. A message of a job is
    unique by (job, address, template), so running a job again sends only what it had not sent
    yet; a message without a job (the account e-mails, rendered in the request) is delivered by
    ``patto.mail.deliver_email``."""

    job = models.ForeignKey(
        MailJob,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("invio"),
    )
    template = models.CharField(_("modello"), max_length=200)
    to = models.EmailField(_("destinatario"), max_length=254)
    from_email = models.CharField(_("mittente"), max_length=254)
    subject = models.CharField(_("oggetto"), max_length=998)
    text = models.TextField(_("testo"))
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("intestazioni"), default=dict, blank=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(_("tentativi"), default=0)
    last_error = models.TextField(_("ultimo errore"), blank=True)
    sent_at = models.DateTimeField(_("inviato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("email in uscita")
        verbose_name_plural = _("email in uscita")
        constraints = [
            models.UniqueConstraint(
                fields=["job", "to", "template"],
                condition=Q(job__isnull=False),
                name="outgoing_email_once_per_job",
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="email_unsent"
            )
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class FeedbackAspect(models.TextChoices):
    """The answers of the page-rating widget's follow-up question, as AgID's model words them:
    the first four for a rating of 4 or 5, the next four for 1 to 3, "other" for either."""

    CLEAR = "clear", _("Le indicazioni erano chiare")
    COMPLETE = "complete", _("Le indicazioni erano complete")
    ON_TRACK = "on_track", _("Capivo sempre che stavo procedendo correttamente")
    NO_TECHNICAL_PROBLEMS = "no_problems", _("Non ho avuto problemi tecnici")
    UNCLEAR = "unclear", _("A volte le indicazioni non erano chiare")
    INCOMPLETE = "incomplete", _("A volte le indicazioni non erano complete")
    LOST = "lost", _("A volte non capivo se stavo procedendo correttamente")
    TECHNICAL_PROBLEMS = "problems", _("Ho avuto problemi tecnici")
    OTHER = "other", _("Altro")


POSITIVE_ASPECTS = (
    FeedbackAspect.CLEAR,
    FeedbackAspect.COMPLETE,
    FeedbackAspect.ON_TRACK,
    FeedbackAspect.NO_TECHNICAL_PROBLEMS,
    FeedbackAspect.OTHER,
)
NEGATIVE_ASPECTS = (
    FeedbackAspect.UNCLEAR,
    FeedbackAspect.INCOMPLETE,
    FeedbackAspect.LOST,
    FeedbackAspect.TECHNICAL_PROBLEMS,
    FeedbackAspect.OTHER,
)
# A rating of this many stars or more is positive: it is followed by the question on what the
# person liked.
POSITIVE_FROM = 4


class PageRating(models.Model):
    """How clear a page was to someone ("Quanto sono chiare le informazioni su questa pagina?"),
    with no personal data: no account, no address, only the day (``patto.feedback``)."""

    page = models.CharField(_("pagina"), max_length=200)
    rating = models.PositiveSmallIntegerField(_("valutazione"))
    aspect = models.CharField(
        _("aspetto"), max_length=12, choices=FeedbackAspect.choices, blank=True
    )
    comment = models.CharField(_("commento"), max_length=200, blank=True)
    created_on = models.DateField(_("data"), default=timezone.localdate)

    class Meta:
        verbose_name = _("valutazione di una pagina")
        verbose_name_plural = _("valutazioni delle pagine")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="page_rating_one_to_five"
            ),
            models.CheckConstraint(
                condition=Q(aspect="")
                | Q(aspect=FeedbackAspect.OTHER)
                | Q(rating__gte=POSITIVE_FROM, aspect__in=POSITIVE_ASPECTS)
                | Q(rating__lt=POSITIVE_FROM, aspect__in=NEGATIVE_ASPECTS),
                name="page_rating_aspect_matches",
            ),
        ]
        # the staff summary groups by page
        indexes = [models.Index(fields=["page"], name="page_rating_page")]

    def __str__(self):
        return f"{self.page}: {self.rating}"

    @property
    def is_positive(self) -> bool:
        """Stars enough to be asked what was liked (else: where the difficulty was)."""
        return self.rating >= POSITIVE_FROM


# --- Monitoring of the plan in force (``patto.monitoring``) -----------------------------------
#
# A published plan is carried out. What staff record about an action belongs to the action's
# stable key within its programme, not to one version's row: a new published version that keeps
# the action keeps its monitoring, and the actions it drops are recorded with the reason.


class ImplementationState(models.TextChoices):
    NOT_STARTED = "not_started", _("Non avviata")
    IN_PROGRESS = "in_progress", _("In corso")
    COMPLETED = "completed", _("Completata")
    SUSPENDED = "suspended", _("Sospesa")
    CANCELLED = "cancelled", _("Annullata")


# A suspended or cancelled action says why.
STATES_WITH_REASON = (ImplementationState.SUSPENDED, ImplementationState.CANCELLED)


class ActionMonitoringQuerySet(models.QuerySet):
    def where_it_stands(self, *, programme: str = "version__programme_id", key: str = "key"):
        """Annotations for a queryset of actions (or of anything naming a programme and an
        action key, by the lookups ``programme`` and ``key``): ``monitoring_state`` and
        ``monitoring_progress`` of that action, None when nothing was recorded yet. Subqueries,
        so no query of their own: a list of contributions shows where each action they led to
        stands in the query that reads those actions."""
        row = self.filter(
            programme_id=models.OuterRef(programme), action_key=models.OuterRef(key)
        ).order_by()
        return {
            "monitoring_state": models.Subquery(row.values("state")[:1]),
            "monitoring_progress": models.Subquery(row.values("progress")[:1]),
        }


class ActionMonitoring(Revisioned):
    """Where an action of a programme's plan stands: its state of implementation, its progress
    and the money committed and spent (against the budget of the version in force)."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="action_monitoring",
        verbose_name=_("programma"),
    )
    action_key = models.UUIDField(_("chiave dell'azione"))
    state = models.CharField(
        _("stato di attuazione"),
        max_length=12,
        choices=ImplementationState.choices,
        default=ImplementationState.NOT_STARTED,
    )
    state_reason = models.TextField(
        _("motivo"), blank=True, help_text=_("Perché l'azione è sospesa o annullata.")
    )
    progress = models.PositiveSmallIntegerField(_("avanzamento (%)"), default=0)
    committed = models.DecimalField(
        _("risorse impegnate (euro)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    spent = models.DecimalField(
        _("risorse spese (euro)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    history = HistoricalRecords()

    objects = ActionMonitoringQuerySet.as_manager()

    class Meta:
        verbose_name = _("attuazione di un'azione")
        verbose_name_plural = _("attuazione delle azioni")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "action_key"], name="action_monitoring_one_per_action"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="action_monitoring_progress_percent"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=STATES_WITH_REASON) | ~Q(state_reason=""),
                name="action_monitoring_reason_when_stopped",
                violation_error_message=_("Se l'azione è sospesa o annullata, scrivi il motivo."),
            ),
            models.CheckConstraint(
                condition=Q(committed__isnull=True) | Q(committed__gte=0),
                name="action_monitoring_committed_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(spent__isnull=True) | Q(spent__gte=0),
                name="action_monitoring_spent_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.action_key}: {self.get_state_display()} {self.progress}%"


class UpdateStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposto")
    PUBLISHED = "published", _("Pubblicato")
    DECLINED = "declined", _("Non pubblicato")


class MonitoringUpdate(Revisioned):
    """A dated update on how an action is going: written and published by staff, or proposed by
    a zone's spokesperson about their zone and published (or declined, with the reason) by
    staff. Only published updates are public."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="monitoring_updates",
        verbose_name=_("programma"),
    )
    action_key = models.UUIDField(_("chiave dell'azione"))
    zone = models.ForeignKey(
        "zone.Zone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitoring_updates",
        verbose_name=_("zona"),
        help_text=_("La zona di cui parla l'aggiornamento, se riguarda una sola zona."),
    )
    happened_on = models.DateField(_("data"))
    title = models.CharField(_("titolo"), max_length=200)
    text = models.TextField(_("testo"))
    status = models.CharField(
        _("stato"), max_length=10, choices=UpdateStatus.choices, default=UpdateStatus.PROPOSED
    )
    decline_reason = models.TextField(_("motivo del rifiuto"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="monitoring_updates",
        verbose_name=_("scritto da"),
    )
    created_at = models.DateTimeField(_("scritto il"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pubblicato da"),
    )
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name = _("aggiornamento sull'attuazione")
        verbose_name_plural = _("aggiornamenti sull'attuazione")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=UpdateStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="monitoring_update_published_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=UpdateStatus.DECLINED) | ~Q(decline_reason=""),
                name="monitoring_update_declined_has_reason",
            ),
        ]
        indexes = [
            # an action's timeline and the overview's latest updates
            models.Index(
                fields=["programme", "action_key", "status"], name="monitoring_update_action"
            ),
        ]

    def __str__(self):
        return self.title


class UpdateAttachment(models.Model):
    """A PDF attached to a monitoring update."""

    update = models.ForeignKey(
        MonitoringUpdate,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("aggiornamento"),
    )
    title = models.CharField(_("titolo"), max_length=200)
    file = models.FileField(_("file (PDF)"), upload_to="monitoraggio/allegati/")
    size = models.PositiveIntegerField(_("dimensione (byte)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("caricato da"),
    )
    uploaded_at = models.DateTimeField(_("caricato il"), auto_now_add=True)

    class Meta:
        ordering = ["update", "id"]
        verbose_name = _("allegato di un aggiornamento")
        verbose_name_plural = _("allegati degli aggiornamenti")

    def __str__(self):
        return self.title


class MonitoringIndicator(Revisioned):
    """An indicator of an action, with its target: how staff measure that the action works."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="monitoring_indicators",
        verbose_name=_("programma"),
    )
    action_key = models.UUIDField(_("chiave dell'azione"))
    name = models.CharField(_("indicatore"), max_length=200)
    unit = models.CharField(_("unità di misura"), max_length=40, blank=True)
    baseline = models.DecimalField(
        _("valore di partenza"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(_("obiettivo"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("entro il"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "action_key", "position", "id"]
        verbose_name = _("indicatore di un'azione")
        verbose_name_plural = _("indicatori delle azioni")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "action_key", "name"], name="monitoring_indicator_unique_name"
            ),
        ]

    def __str__(self):
        return self.name


class IndicatorValue(models.Model):
    """The actual value of an indicator at a date."""

    indicator = models.ForeignKey(
        MonitoringIndicator,
        on_delete=models.CASCADE,
        related_name="values",
        verbose_name=_("indicatore"),
    )
    measured_on = models.DateField(_("rilevato il"))
    value = models.DecimalField(_("valore"), max_digits=14, decimal_places=2)
    note = models.CharField(_("nota"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registrato da"),
    )
    recorded_at = models.DateTimeField(_("registrato il"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "measured_on"]
        verbose_name = _("valore di un indicatore")
        verbose_name_plural = _("valori degli indicatori")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"],
                name="indicator_value_one_per_date",
                violation_error_message=_("C'è già un valore di questo indicatore a questa data."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value} ({self.measured_on})"


class DroppedAction(models.Model):
    """An action of the plan in force that the next published version no longer has, and why:
    its monitoring stays readable."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="dropped_actions",
        verbose_name=_("programma"),
    )
    action_key = models.UUIDField(_("chiave dell'azione"))
    last_version = models.ForeignKey(
        PlanVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ultima versione che la contiene"),
    )
    dropped_in = models.ForeignKey(
        PlanVersion,
        on_delete=models.PROTECT,
        related_name="dropped_actions",
        verbose_name=_("versione che non la contiene più"),
    )
    reason = models.TextField(_("motivo"), blank=True)
    reason_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("motivo scritto da"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["dropped_in", "id"]
        verbose_name = _("azione tolta dal piano")
        verbose_name_plural = _("azioni tolte dal piano")
        constraints = [
            models.UniqueConstraint(
                fields=["dropped_in", "action_key"], name="dropped_action_once_per_version"
            ),
        ]

    def __str__(self):
        return f"{self.action_key} ({self.dropped_in})"


class MonitoringReport(models.Model):
    """The monitoring report of a programme as of a date, a PDF rendered by the worker and kept
    per date."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="monitoring_reports",
        verbose_name=_("programma"),
    )
    as_of = models.DateField(_("alla data"))
    version = models.ForeignKey(
        PlanVersion,
        on_delete=models.PROTECT,
        related_name="monitoring_reports",
        verbose_name=_("versione in vigore"),
    )
    pdf_status = models.CharField(
        _("stato del PDF"), max_length=20, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    pdf_file = models.FileField(_("PDF"), upload_to="monitoraggio/rapporti/", blank=True)
    pdf_error = models.TextField(_("errore del PDF"), blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF generato il"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("richiesto da"),
    )
    requested_at = models.DateTimeField(_("richiesto il"), auto_now_add=True)

    class Meta:
        ordering = ["programme", "-as_of"]
        verbose_name = _("rapporto di monitoraggio")
        verbose_name_plural = _("rapporti di monitoraggio")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "as_of"], name="monitoring_report_one_per_date"
            ),
        ]

    def __str__(self):
        return f"{self.programme} – {self.as_of}"
