"""Writes of the tables, their member bodies and the contributions, with what became of each.
The staff pages, the admin and the tests all go through these functions.

Every edit of an existing item takes the revision the form was opened at and is refused with a
``ConflictError`` if somebody saved in between (see ``patto.core.locking``); the history records
``by`` as the author of each change.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from matrice.models import PLAN_ORDER, Action, Policy
from patto.core.locking import save_with_revision
from patto.core.permissions import require_redazione
from patto.mail.sending import after_commit
from patto.models import Phase, PlanVersion, Programme, VersionStatus
from tavoli import tasks
from tavoli.consultation import consultation_of
from tavoli.models import (
    ANSWERED_STATUSES,
    Body,
    Comment,
    Contribution,
    ContributionChannel,
    ContributionKind,
    ContributionStatus,
    Moderation,
    TableMembership,
    ThematicTable,
)

TABLE_FIELDS = frozenset({"title", "slug", "phase", "description", "position"})
BODY_FIELDS = frozenset({"name", "category", "province", "website"})
CONTRIBUTION_FIELDS = frozenset(
    {
        "table",
        "meeting",
        "kind",
        "title",
        "text",
        "author_name",
        "signed_publicly",
        "body",
        "actor_category",
        "submitted_on",
    }
)


def apply_changes(instance, changes: dict, allowed: frozenset) -> None:
    """Set ``changes`` on ``instance``; a field outside ``allowed`` is a programming error."""
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"fields not editable here: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(instance, name, value)


def save_checked(instance, *, by, expected_revision: int | None = None) -> None:
    """Validate ``instance`` as the model and the database would (fields, ``clean()``,
    uniqueness, check constraints), then save it: a new item directly, an existing one only if
    it is still at ``expected_revision``. A rule the database refuses anyway (a concurrent
    request winning a uniqueness race) becomes a ``ValidationError`` too, never a crash."""
    instance.full_clean()
    try:
        with transaction.atomic():
            if instance.pk is None:
                instance._history_user = by
                instance.save()
            else:
                save_with_revision(instance, expected_revision=expected_revision, by=by)
    except IntegrityError as exc:
        raise ValidationError(
            _(
                "Il salvataggio è stato rifiutato perché nel frattempo i dati sono cambiati o "
                "non rispettano una regola: ricontrollali e salva di nuovo."
            ),
            code="integrity",
        ) from exc


def _refuse_withdrawn(item: Contribution | Comment) -> None:
    """Refuse to moderate, answer or edit a withdrawn contribution, one of its comments, or a
    comment its author withdrew."""
    if isinstance(item, Comment) and item.is_withdrawn:
        raise ValidationError(
            _("Chi l'ha scritto ha ritirato questo commento: non si può più moderare."),
            code="withdrawn",
        )
    contribution = item.contribution if isinstance(item, Comment) else item
    if contribution.is_withdrawn:
        raise ValidationError(
            _(
                "Chi l'ha scritto ha ritirato questo contributo: non si può più moderare, "
                "modificare né rispondere."
            ),
            code="withdrawn",
        )


# Tables -------------------------------------------------------------------------------------


def frozen_versions_citing(table: ThematicTable) -> list[PlanVersion]:
    """The frozen versions (not drafts) with an action that names ``table`` among its source
    tables. Their text, and so their fingerprint, includes the table's identifier. One query."""
    if table.pk is None:
        return []
    return list(
        PlanVersion.objects.frozen().filter(actions__tables=table).distinct().order_by("number")
    )


def _check_table(table: ThematicTable) -> None:
    errors = {}
    if table.pk is not None:
        stored_slug = ThematicTable.objects.filter(pk=table.pk).values_list("slug", flat=True)
        if table.slug != stored_slug.first():
            frozen = frozen_versions_citing(table)
            if frozen:
                errors["slug"] = _(
                    "L'identificativo non può più cambiare: il tavolo è citato dalla versione "
                    "%(number)s (%(status)s), il cui testo è congelato."
                ) % {"number": frozen[0].number, "status": frozen[0].get_status_display().lower()}
    if table.phase_id and table.phase.programme_id != table.programme_id:
        errors["phase"] = _("La fase è di un altro programma.")
    if (
        table.slug
        and ThematicTable.objects.filter(programme_id=table.programme_id, slug=table.slug)
        .exclude(pk=table.pk)
        .exists()
    ):
        errors["slug"] = _(
            "Un altro tavolo di questo programma ha già l'identificativo «%(slug)s»."
        ) % {"slug": table.slug}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_table(*, programme: Programme, by, **fields) -> ThematicTable:
    """Open a new thematic table in ``programme``. ``fields``: title, slug, phase, description,
    position."""
    require_redazione(by)
    table = ThematicTable(programme=programme)
    apply_changes(table, fields, TABLE_FIELDS)
    _check_table(table)
    save_checked(table, by=by)
    return table


@transaction.atomic
def update_table(*, table: ThematicTable, by, expected_revision: int, **changes) -> ThematicTable:
    require_redazione(by)
    apply_changes(table, changes, TABLE_FIELDS)
    _check_table(table)
    save_checked(table, by=by, expected_revision=expected_revision)
    return table


# Bodies and memberships ---------------------------------------------------------------------


@transaction.atomic
def create_body(*, by, **fields) -> Body:
    """A new body (ente). ``fields``: name, category, province, website."""
    require_redazione(by)
    body = Body()
    apply_changes(body, fields, BODY_FIELDS)
    save_checked(body, by=by)
    return body


@transaction.atomic
def update_body(*, body: Body, by, expected_revision: int, **changes) -> Body:
    require_redazione(by)
    apply_changes(body, changes, BODY_FIELDS)
    save_checked(body, by=by, expected_revision=expected_revision)
    return body


@transaction.atomic
def add_member(
    *,
    table: ThematicTable,
    by,
    body: Body | None = None,
    new_body: dict | None = None,
    role: str = "",
    joined_on=None,
) -> TableMembership:
    """Make a body a member of ``table``: an existing ``body``, or one created from
    ``new_body`` (name, category, province, website)."""
    require_redazione(by)
    if (body is None) == (new_body is None):
        raise ValidationError(
            _("Scegli un ente già registrato oppure scrivi il nome di un ente nuovo."),
            code="one_body",
        )
    if body is None:
        body = create_body(by=by, **new_body)
    if TableMembership.objects.filter(table=table, body=body).exists():
        raise ValidationError(
            {"body": _("%(body)s partecipa già a questo tavolo.") % {"body": body}},
            code="already_member",
        )
    membership = TableMembership(table=table, body=body, role=role.strip(), joined_on=joined_on)
    save_checked(membership, by=by)
    return membership


@transaction.atomic
def remove_member(*, membership: TableMembership, by) -> None:
    require_redazione(by)
    membership._history_user = by
    membership.delete()


# Contributions ------------------------------------------------------------------------------


def _check_contribution(contribution: Contribution) -> None:
    errors = {}
    if contribution.table_id and contribution.table.programme_id != contribution.programme_id:
        errors["table"] = _("Il tavolo è di un altro programma.")
    if contribution.meeting_id and contribution.meeting.programme_id != contribution.programme_id:
        errors["meeting"] = _("L'incontro è di un altro programma.")
    if contribution.is_online:
        pass  # made online, about a version: no table or meeting
    elif not contribution.table_id and not contribution.meeting_id:
        errors["table"] = _("Indica il tavolo o l'incontro in cui è stato presentato.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_contribution(*, programme: Programme, by, **fields) -> Contribution:
    """Record a contribution made at a table or a meeting of ``programme``. ``fields``: table,
    meeting, kind, title, text, author_name, signed_publicly, body, actor_category,
    submitted_on."""
    require_redazione(by)
    contribution = Contribution(programme=programme)
    apply_changes(contribution, fields, CONTRIBUTION_FIELDS)
    _check_contribution(contribution)
    save_checked(contribution, by=by)
    return contribution


@transaction.atomic
def update_contribution(
    *, contribution: Contribution, by, expected_revision: int, **changes
) -> Contribution:
    require_redazione(by)
    _refuse_withdrawn(contribution)
    if (
        contribution.is_online
        and changes.get("signed_publicly")
        and not contribution.signed_publicly
    ):
        raise ValidationError(
            {
                "signed_publicly": _(
                    "Solo chi ha scritto un contributo online può scegliere di firmarlo con il "
                    "suo nome."
                )
            },
            code="not_their_signature",
        )
    apply_changes(contribution, changes, CONTRIBUTION_FIELDS)
    _check_contribution(contribution)
    save_checked(contribution, by=by, expected_revision=expected_revision)
    return contribution


def answerable_versions(programme: Programme) -> list[PlanVersion]:
    """The versions whose actions a contribution may be said to have led to: the programme's
    draft and its latest public version not withdrawn (newest first). One query."""
    versions = list(programme.versions.order_by("-number"))
    chosen = [v for v in versions if v.status == VersionStatus.DRAFT][:1]
    chosen += [v for v in versions if v.is_public and v.status != VersionStatus.WITHDRAWN][:1]
    return sorted(chosen, key=lambda v: -v.number)


def answerable_actions(programme: Programme, *, keep: Iterable[int] = ()) -> QuerySet:
    """Actions of the draft and of the latest public version of ``programme``, plus those with
    a primary key in ``keep`` (the ones a contribution already links to, so that editing the
    answer never drops them silently). Newest version first, each in the order of its matrix
    (policy, action area, action: 1.1.2 before 1.1.10 and 2.1.1), as the draft's page lists
    them."""
    versions = answerable_versions(programme)
    return (
        Action.objects.filter(
            Q(version__in=versions) | Q(pk__in=list(keep), version__programme=programme)
        )
        .select_related("version")
        .order_by("-version__number", *PLAN_ORDER, "pk")
    )


@transaction.atomic
def answer_contribution(
    *,
    contribution: Contribution,
    by,
    expected_revision: int,
    status: str,
    response: str,
    led_to: Iterable[Action] | None = None,
) -> Contribution:
    """Say what became of a contribution: its status, the reason (required for an outcome:
    accepted, partly accepted, not accepted) and the actions it led to (``None`` leaves them
    as they are). Who answered and when are recorded when an outcome is given; a contribution
    sent back to "received" or "under review" has no answer date."""
    require_redazione(by)
    _refuse_withdrawn(contribution)
    if status not in ContributionStatus.values:
        raise ValidationError({"status": _("Esito sconosciuto.")}, code="unknown_status")
    response = response.strip()
    if status in ANSWERED_STATUSES and not response:
        raise ValidationError(
            {"response": _("Scrivi il motivo: un esito va sempre motivato nella risposta.")},
            code="response_required",
        )
    if led_to is not None:
        led_to = list(led_to)
        allowed = set(
            answerable_actions(
                contribution.programme, keep=contribution.led_to.values_list("pk", flat=True)
            ).values_list("pk", flat=True)
        )
        foreign = [a for a in led_to if a.pk not in allowed]
        if foreign:
            raise ValidationError(
                {
                    "led_to": _(
                        "Si possono collegare solo azioni della bozza o dell'ultima versione "
                        "pubblica di questo programma: %(codes)s non lo sono."
                    )
                    % {"codes": ", ".join(a.code for a in foreign)}
                },
                code="foreign_action",
            )
    changed = status != contribution.status or response != contribution.response
    newly_answered = status in ANSWERED_STATUSES and changed
    contribution.status = status
    contribution.response = response
    if status in ANSWERED_STATUSES:
        if changed or contribution.answered_at is None:
            contribution.answered_at = timezone.now()
            contribution.answered_by = by
    else:
        contribution.answered_at = None
        contribution.answered_by = None
    save_checked(contribution, by=by, expected_revision=expected_revision)
    if led_to is not None:
        contribution._history_user = by
        contribution.led_to.set(led_to)
    if newly_answered and contribution.author_id:
        after_commit(tasks.contribution_answered, contribution.pk)
    return contribution


# Consultation: settings ---------------------------------------------------------------------


@transaction.atomic
def update_moderation_setting(
    *, programme: Programme, by, expected_revision: int, contributions_need_approval: bool
) -> Programme:
    """Whether online contributions and comments of ``programme`` wait for approval."""
    require_redazione(by)
    programme.contributions_need_approval = contributions_need_approval
    save_checked(programme, by=by, expected_revision=expected_revision)
    return programme


@transaction.atomic
def update_phase_consultation(
    *,
    phase: Phase,
    by,
    expected_revision: int,
    is_consultation: bool,
    consultation_opens_at: datetime.datetime | None,
    consultation_closes_at: datetime.datetime | None,
) -> Phase:
    """Mark ``phase`` as a consultation (or not) with its window."""
    require_redazione(by)
    errors = {}
    if is_consultation and consultation_opens_at is None:
        errors["consultation_opens_at"] = _("Indica quando si apre la consultazione.")
    if is_consultation and consultation_closes_at is None:
        errors["consultation_closes_at"] = _("Indica quando si chiude la consultazione.")
    if (
        consultation_opens_at
        and consultation_closes_at
        and consultation_closes_at <= consultation_opens_at
    ):
        errors["consultation_closes_at"] = _("La consultazione deve chiudersi dopo essersi aperta.")
    if errors:
        raise ValidationError(errors)
    phase.is_consultation = is_consultation
    phase.consultation_opens_at = consultation_opens_at
    phase.consultation_closes_at = consultation_closes_at
    save_checked(phase, by=by, expected_revision=expected_revision)
    return phase


# Consultation: contributions and comments online --------------------------------------------

DUPLICATE_WINDOW = datetime.timedelta(minutes=1)
RATE_WINDOW = datetime.timedelta(hours=1)
RATE_LIMIT = 10  # contributions, and separately comments, per person per RATE_WINDOW


def require_participant(user) -> None:
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Accedi per partecipare."))


def _guard_repeats(model, *, by, text: str, now, about: dict) -> None:
    """Refuse the same text about the same thing (``about``: the fields naming it) twice
    within a minute, and more than RATE_LIMIT items an hour. The person's row is locked first,
    so two simultaneous submissions are checked one after the other (a double click sends one
    contribution). The same words about something else are not a repeat: «Sono d'accordo»
    under two contributions is two comments."""
    get_user_model().objects.select_for_update().filter(pk=by.pk).first()
    mine = model.objects.filter(author=by)
    if mine.filter(text=text, created_at__gte=now - DUPLICATE_WINDOW, **about).exists():
        raise ValidationError(
            _("Hai appena inviato lo stesso testo: non serve inviarlo di nuovo."),
            code="duplicate",
        )
    if mine.filter(created_at__gte=now - RATE_WINDOW).count() >= RATE_LIMIT:
        raise ValidationError(
            _("Hai inviato molti testi nell'ultima ora: riprova più tardi."),
            code="rate_limited",
        )


def _initial_moderation(programme: Programme, now) -> dict:
    if programme.contributions_need_approval:
        return {"moderation": Moderation.PENDING}
    return {"moderation": Moderation.APPROVED, "moderated_at": now}


@transaction.atomic
def submit_online_contribution(
    *,
    version: PlanVersion,
    by,
    kind: str,
    title: str,
    text: str,
    author_name: str = "",
    signed_publicly: bool = False,
    body_name: str = "",
    actor_category: str = "",
    policy: Policy | None = None,
    action: Action | None = None,
    now: datetime.datetime | None = None,
) -> Contribution:
    """A registered user's contribution on ``version`` (the proposal under consultation) as a
    whole, on one of its policies or on one of its actions, while the consultation is open.
    Published at once or after approval, as the programme says. ``author_name`` is kept, and
    shown, only when the person chose to sign publicly (``signed_publicly``): otherwise the
    contribution has no name. ``body_name`` names a body already registered (the contribution
    is linked to it) or one that is not (kept as written, and shown)."""
    require_participant(by)
    now = now or timezone.now()
    programme = version.programme
    consultation = consultation_of(programme, now)
    if not consultation.is_open:
        raise ValidationError(consultation.refusal, code="closed")
    if not consultation.is_about(version):
        raise ValidationError(
            _("La consultazione riguarda la versione %(number)s del piano.")
            % {"number": consultation.version.number},
            code="wrong_version",
        )
    if policy is not None and action is not None:
        raise TypeError("a contribution is about a policy or an action, not both")
    for item in (policy, action):
        if item is not None and item.version_id != version.pk:
            raise ValidationError(_("La voce non è di questa versione."), code="foreign_item")
    if kind not in ContributionKind.values:
        raise ValidationError({"kind": _("Tipo sconosciuto.")}, code="unknown_kind")
    title, text = title.strip(), text.strip()
    author_name = author_name.strip() if signed_publicly else ""
    if signed_publicly and not author_name:
        raise ValidationError(
            {"author_name": _("Scrivi il nome con cui vuoi firmare, o togli la spunta.")},
            code="signature_without_name",
        )
    body_name = body_name.strip()
    _guard_repeats(
        Contribution,
        by=by,
        text=text,
        now=now,
        about={
            "version": version,
            "policy_key": policy.key if policy else None,
            "action_key": action.key if action else None,
        },
    )
    body = Body.objects.filter(name__iexact=body_name).first() if body_name else None
    contribution = Contribution(
        programme=programme,
        channel=ContributionChannel.ONLINE,
        version=version,
        policy_key=policy.key if policy else None,
        action_key=action.key if action else None,
        kind=kind,
        title=title,
        text=text,
        author=by,
        author_name=author_name[:200],
        signed_publicly=signed_publicly,
        body=body,
        body_name="" if body else body_name[:200],
        actor_category=actor_category,
        submitted_on=timezone.localdate(now),
        **_initial_moderation(programme, now),
    )
    save_checked(contribution, by=by)
    return contribution


@transaction.atomic
def add_comment(
    *,
    contribution: Contribution,
    by,
    text: str,
    author_name: str = "",
    now: datetime.datetime | None = None,
) -> Comment:
    """A registered user's comment on an approved contribution, while the programme's
    consultation is open. Published at once or after approval, as the programme says."""
    require_participant(by)
    now = now or timezone.now()
    programme = contribution.programme
    consultation = consultation_of(programme, now)
    if not consultation.is_open:
        raise ValidationError(consultation.refusal, code="closed")
    # read again under a lock: withdrawn or hidden meanwhile, it takes no comment
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if not contribution.is_approved:
        raise ValidationError(
            _("Si possono commentare solo i contributi pubblicati."), code="not_approved"
        )
    text = text.strip()
    _guard_repeats(Comment, by=by, text=text, now=now, about={"contribution": contribution})
    comment = Comment(
        contribution=contribution,
        author=by,
        author_name=author_name.strip()[:200],
        text=text,
        **_initial_moderation(programme, now),
    )
    save_checked(comment, by=by)
    if comment.is_approved:
        _tell_author_of_comment(comment)
    return comment


def _tell_author_of_comment(comment: Comment) -> None:
    author_id = comment.contribution.author_id
    if author_id and author_id != comment.author_id:
        after_commit(tasks.comment_published, comment.pk)


@transaction.atomic
def withdraw_contribution(*, contribution: Contribution, by) -> Contribution:
    """Its author takes back an online contribution the redazione has not taken up yet
    (``Contribution.is_withdrawable``): it leaves the public pages, the counts, the open data
    and the search, its comments with it; the author still finds it in their profile and their
    data. Withdrawing twice, or after the redazione has taken it up, is refused and changes
    nothing."""
    if not by.is_authenticated or contribution.author_id != by.pk:
        raise PermissionDenied(_("Solo chi ha scritto il contributo può ritirarlo."))
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.is_withdrawn:
        raise ValidationError(_("Hai già ritirato questo contributo."), code="already_withdrawn")
    if not contribution.is_withdrawable:
        raise ValidationError(
            _(
                "La redazione ha già preso in esame questo contributo: non puoi più ritirarlo. "
                "Se vuoi che venga tolto, scrivi alla redazione: nella pagina dei contatti trovi "
                "come fare."
            ),
            code="taken_up",
        )
    return _withdrawn_by_author(contribution, by)


@transaction.atomic
def withdraw_comment(*, comment: Comment, by) -> Comment:
    """Its author takes back a comment waiting for moderation or published
    (``Comment.is_withdrawable``): it leaves the public pages and the counts, and the
    redazione no longer moderates it; the author still finds it in their profile. Withdrawing
    twice, or a comment the redazione hid, is refused and changes nothing."""
    if not by.is_authenticated or comment.author_id != by.pk:
        raise PermissionDenied(_("Solo chi ha scritto il commento può ritirarlo."))
    comment = Comment.objects.select_for_update().select_related("contribution").get(pk=comment.pk)
    if comment.is_withdrawn:
        raise ValidationError(_("Hai già ritirato questo commento."), code="already_withdrawn")
    if not comment.is_withdrawable:
        raise ValidationError(
            _("Questo commento non è più sulle pagine del portale: non c'è niente da ritirare."),
            code="not_shown",
        )
    return _withdrawn_by_author(comment, by)


def _withdrawn_by_author(item: Contribution | Comment, by) -> Contribution | Comment:
    """``item`` (read under a lock) marked withdrawn by its author ``by``, and saved."""
    item.moderation = Moderation.WITHDRAWN
    item.moderated_at = timezone.now()
    item.moderated_by = by
    save_checked(item, by=by, expected_revision=item.revision)
    return item


# Consultation: moderation -------------------------------------------------------------------


@transaction.atomic
def approve(*, item: Contribution | Comment, by, expected_revision: int):
    """Publish an online contribution or comment waiting for moderation, or show again one
    that was hidden."""
    require_redazione(by)
    _refuse_withdrawn(item)
    was_approved = item.is_approved
    item.moderation = Moderation.APPROVED
    item.hidden_reason = ""
    item.moderated_at = timezone.now()
    item.moderated_by = by
    save_checked(item, by=by, expected_revision=expected_revision)
    if isinstance(item, Comment) and not was_approved:
        _tell_author_of_comment(item)
    return item


@transaction.atomic
def hide(*, item: Contribution | Comment, by, expected_revision: int, reason: str):
    """Hide a contribution or comment: its text disappears from the site, the public
    ``reason`` is shown instead."""
    require_redazione(by)
    _refuse_withdrawn(item)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Scrivi il motivo: sarà pubblico, al posto del testo.")},
            code="reason_required",
        )
    item.moderation = Moderation.HIDDEN
    item.hidden_reason = reason
    item.moderated_at = timezone.now()
    item.moderated_by = by
    save_checked(item, by=by, expected_revision=expected_revision)
    return item
