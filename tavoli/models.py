"""Thematic tables (tavoli di lavoro), their member bodies, and the contributions collected at
tables and meetings, with what became of each one ("you said, we did")."""

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patto.models import ActorCategory, Revisioned


class Body(Revisioned):
    """An organisation that takes part: a comune, an ASL, a cooperative, an association…"""

    name = models.CharField(_("nome"), max_length=200, unique=True)
    category = models.CharField(
        _("categoria"), max_length=40, choices=ActorCategory.choices, blank=True
    )
    province = models.ForeignKey(
        "zone.Province",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provincia"),
    )
    website = models.URLField(_("sito web"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("ente")
        verbose_name_plural = _("enti")

    def __str__(self):
        return self.name


class ThematicTable(Revisioned):
    """A tavolo di lavoro of a programme, opened in one of its phases."""

    programme = models.ForeignKey(
        "patto.Programme",
        on_delete=models.CASCADE,
        related_name="tables",
        verbose_name=_("programma"),
    )
    phase = models.ForeignKey(
        "patto.Phase",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tables",
        verbose_name=_("fase"),
    )
    slug = models.SlugField(_("identificativo"), max_length=80)
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True, help_text=_("Markdown."))
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)
    members = models.ManyToManyField(
        Body,
        through="TableMembership",
        blank=True,
        related_name="tables",
        verbose_name=_("enti partecipanti"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "phase__position", "position"]
        verbose_name = _("tavolo di lavoro")
        verbose_name_plural = _("tavoli di lavoro")
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="table_unique_slug"),
        ]

    def __str__(self):
        return self.title


class TableMembership(models.Model):
    table = models.ForeignKey(
        ThematicTable,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("tavolo"),
    )
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("ente")
    )
    role = models.CharField(_("ruolo"), max_length=100, blank=True)
    joined_on = models.DateField(_("dal"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["table", "body__name"]
        verbose_name = _("partecipazione a un tavolo")
        verbose_name_plural = _("partecipazioni ai tavoli")
        constraints = [
            models.UniqueConstraint(fields=["table", "body"], name="membership_unique_body"),
        ]

    def __str__(self):
        return f"{self.body} – {self.table}"


class ContributionKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposta")
    CRITICAL_ISSUE = "critical_issue", _("Criticità")
    REQUEST = "request", _("Richiesta")


class ContributionStatus(models.TextChoices):
    RECEIVED = "received", _("Ricevuto")
    UNDER_REVIEW = "under_review", _("In esame")
    ACCEPTED = "accepted", _("Accolto")
    PARTLY_ACCEPTED = "partly_accepted", _("Accolto in parte")
    NOT_ACCEPTED = "not_accepted", _("Non accolto")


ANSWERED_STATUSES = (
    ContributionStatus.ACCEPTED,
    ContributionStatus.PARTLY_ACCEPTED,
    ContributionStatus.NOT_ACCEPTED,
)


def waiting_first():
    """An ordering expression: contributions waiting for an answer before answered ones and
    those their authors withdrew (nothing is left to answer)."""
    return Case(
        When(Q(status__in=ANSWERED_STATUSES) | Q(moderation=Moderation.WITHDRAWN), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


class ContributionChannel(models.TextChoices):
    """Where a contribution was made: at a table or meeting (recorded by staff) or online,
    during a consultation, by a registered user."""

    TABLE = "table", _("Tavolo o incontro")
    ONLINE = "online", _("Online")


class Moderation(models.TextChoices):
    """Whether an online contribution or comment is shown. Staff-recorded contributions are
    approved from the start. Its author may withdraw an online contribution the redazione has
    not taken up yet (``tavoli.services.withdraw_contribution``): it leaves the public pages."""

    PENDING = "pending", _("In attesa di moderazione")
    APPROVED = "approved", _("Approvato")
    HIDDEN = "hidden", _("Nascosto")
    WITHDRAWN = "withdrawn", _("Ritirato da chi l'ha scritto")


class ModerationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(moderation=Moderation.APPROVED)

    def pending(self):
        return self.filter(moderation=Moderation.PENDING)

    def visible_to(self, user):
        """What a page may list for ``user``: approved and hidden items (a hidden one shows only
        its public reason), plus the user's own items waiting for moderation."""
        q = Q(moderation__in=(Moderation.APPROVED, Moderation.HIDDEN))
        if user is not None and user.is_authenticated:
            q |= Q(moderation=Moderation.PENDING, author=user)
        return self.filter(q)


class ContributionQuerySet(ModerationQuerySet):
    def answered(self):
        return self.filter(status__in=ANSWERED_STATUSES)

    def with_led_to_flag(self):
        """Each with ``led_to_any``: whether it led to an action (``is_withdrawable``)."""
        links = Contribution.led_to.through.objects.filter(contribution_id=OuterRef("pk"))
        return self.annotate(led_to_any=Exists(links))

    def waiting(self):
        """What the redazione still has to answer: not answered, and not withdrawn by its
        author."""
        return self.exclude(status__in=ANSWERED_STATUSES).exclude(moderation=Moderation.WITHDRAWN)


class CommentQuerySet(ModerationQuerySet):
    def pending(self):
        """Waiting for moderation: not those of a contribution its author withdrew (they went
        with it)."""
        return super().pending().exclude(contribution__moderation=Moderation.WITHDRAWN)


class Moderated(models.Model):
    """The moderation fields shared by online contributions and comments."""

    moderation = models.CharField(
        _("moderazione"),
        max_length=10,
        choices=Moderation.choices,
        default=Moderation.APPROVED,
    )
    hidden_reason = models.TextField(
        _("motivo per cui è nascosto"),
        blank=True,
        help_text=_("Pubblico: compare al posto del testo."),
    )
    moderated_at = models.DateTimeField(_("moderato il"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderato da"),
    )

    class Meta:
        abstract = True

    @property
    def is_pending(self):
        return self.moderation == Moderation.PENDING

    @property
    def is_hidden(self):
        return self.moderation == Moderation.HIDDEN

    @property
    def is_approved(self):
        return self.moderation == Moderation.APPROVED

    @property
    def is_withdrawn(self):
        return self.moderation == Moderation.WITHDRAWN


def _hidden_needs_reason(prefix):
    return models.CheckConstraint(
        condition=~Q(moderation=Moderation.HIDDEN) | ~Q(hidden_reason=""),
        name=f"{prefix}_hidden_needs_reason",
        violation_error_message=_("Per nascondere serve un motivo, che sarà pubblico."),
    )


class Contribution(Moderated, Revisioned):
    """A proposal, critical issue or request ("spunti e sollecitazioni") made at a table or a
    meeting, or online during a consultation, and what became of it.

    An online contribution is about a plan version (``version``): the proposal as a whole, one
    of its policies (``policy_key``) or one of its actions (``action_key``). Items are named by
    their stable key, not by a foreign key to the row of that version, so the contribution is
    found again on the same policy or action in every later version that keeps the item (and
    the frozen row it was about stays readable in ``version``)."""

    programme = models.ForeignKey(
        "patto.Programme",
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name=_("programma"),
    )
    table = models.ForeignKey(
        ThematicTable,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("tavolo"),
    )
    meeting = models.ForeignKey(
        "incontri.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("incontro"),
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=ContributionKind.choices)
    title = models.CharField(_("titolo"), max_length=300)
    text = models.TextField(_("testo"))
    author_name = models.CharField(_("presentato da"), max_length=200, blank=True)
    # a person's name is public only by their choice; the rows of before the choice existed are
    # public where the redazione recorded how the person asked to be cited (migration 0004)
    signed_publicly = models.BooleanField(
        _("firma pubblica"),
        default=False,
        help_text=_(
            "Chi l'ha presentato ha scelto di comparire con il suo nome: il nome si vede sul "
            "sito e nei dati aperti. Senza la spunta il nome resta noto solo alla redazione."
        ),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("autore (utente registrato)"),
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("ente"),
    )
    body_name = models.CharField(
        _("ente indicato"),
        max_length=200,
        blank=True,
        help_text=_("L'ente per cui parla chi l'ha presentato, se non è tra gli enti registrati."),
    )
    actor_category = models.CharField(
        _("categoria"), max_length=40, choices=ActorCategory.choices, blank=True
    )
    submitted_on = models.DateField(_("presentato il"), null=True, blank=True)
    status = models.CharField(
        _("esito"),
        max_length=20,
        choices=ContributionStatus.choices,
        default=ContributionStatus.RECEIVED,
    )
    response = models.TextField(
        _("risposta"), blank=True, help_text=_("Perché è stato accolto o no, e come.")
    )
    answered_at = models.DateTimeField(_("risposto il"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("risposto da"),
    )
    led_to = models.ManyToManyField(
        "matrice.Action",
        blank=True,
        related_name="contributions",
        verbose_name=_("azioni che ne sono nate"),
    )
    channel = models.CharField(
        _("canale"),
        max_length=10,
        choices=ContributionChannel.choices,
        default=ContributionChannel.TABLE,
    )
    version = models.ForeignKey(
        "patto.PlanVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="online_contributions",
        verbose_name=_("versione commentata"),
    )
    policy_key = models.UUIDField(_("chiave della politica"), null=True, blank=True)
    action_key = models.UUIDField(_("chiave dell'azione"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[led_to])
    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_on", "-id"]
        verbose_name = _("contributo")
        verbose_name_plural = _("contributi")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=ANSWERED_STATUSES) | ~Q(response=""),
                name="contribution_outcome_needs_response",
                violation_error_message=_("Un esito va sempre motivato nella risposta."),
            ),
            models.CheckConstraint(
                # not the author: a deleted account leaves its contributions, anonymised
                condition=~Q(channel=ContributionChannel.ONLINE) | Q(version__isnull=False),
                name="contribution_online_has_version",
                violation_error_message=_("Un contributo online riguarda una versione."),
            ),
            models.CheckConstraint(
                condition=Q(signed_publicly=False) | ~Q(author_name=""),
                name="contribution_signature_has_a_name",
                violation_error_message=_("Per firmare pubblicamente serve un nome."),
            ),
            models.CheckConstraint(
                condition=Q(policy_key__isnull=True) | Q(action_key__isnull=True),
                name="contribution_one_target",
                violation_error_message=_(
                    "Un contributo riguarda una politica oppure un'azione, non entrambe."
                ),
            ),
            _hidden_needs_reason("contribution"),
        ]
        indexes = [
            # the staff's list of contributions is read in the order of the PostgreSQL-only
            # index contribution_staff_order (migration tavoli.0007)
            # the public list of a programme's contributions, filtered by outcome
            models.Index(fields=["programme", "status"], name="contribution_prog_status"),
            # the contributions shown on an action's page, in any version (by key)
            models.Index(fields=["action_key"], name="contribution_action_key"),
            # the contributions shown on a policy's section, in any version (by key)
            models.Index(fields=["policy_key"], name="contribution_policy_key"),
            # the moderation queue: pending items per programme
            models.Index(fields=["programme", "moderation"], name="contribution_prog_moderation"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_answered(self):
        return self.status in ANSWERED_STATUSES

    @property
    def is_online(self):
        return self.channel == ContributionChannel.ONLINE

    @property
    def is_withdrawable(self):
        """Whether its author may still withdraw it: an online contribution, waiting for
        moderation or published, that the redazione has not taken up (still «received», and
        linked to no action: ``with_led_to_flag`` reads that with the list, else a query)."""
        if not (
            self.is_online
            and self.moderation in (Moderation.PENDING, Moderation.APPROVED)
            and self.status == ContributionStatus.RECEIVED
        ):
            return False
        led_to_any = getattr(self, "led_to_any", None)
        return not (self.led_to.exists() if led_to_any is None else led_to_any)

    @property
    def public_author_name(self) -> str:
        """The name the site and the open data show: only a name its person chose to sign
        with publicly."""
        return self.author_name if self.signed_publicly else ""

    @property
    def body_label(self) -> str:
        """The body the contribution speaks for: a registered one (a query unless ``body`` is
        selected with it) or the one its author named."""
        return self.body.name if self.body_id else self.body_name


class Comment(Moderated, Revisioned):
    """A registered user's comment on a contribution, moderated like online contributions."""

    contribution = models.ForeignKey(
        Contribution,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("contributo"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contribution_comments",
        verbose_name=_("autore"),
    )
    author_name = models.CharField(_("firma"), max_length=200, blank=True)
    text = models.TextField(_("testo"))
    created_at = models.DateTimeField(_("scritto il"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("commento")
        verbose_name_plural = _("commenti")
        constraints = [_hidden_needs_reason("comment")]
        indexes = [
            # the moderation queue: pending comments
            models.Index(fields=["moderation", "created_at"], name="comment_moderation"),
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def is_withdrawable(self):
        """Whether its author may still withdraw it: waiting for moderation or published (not
        hidden by the redazione), under a contribution still on the pages (one withdrawn took
        its comments with it)."""
        return (
            self.moderation in (Moderation.PENDING, Moderation.APPROVED)
            and not self.contribution.is_withdrawn
        )
