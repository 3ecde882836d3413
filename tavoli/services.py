"""Writes of the tables, their member bodies and the contributions, with what became of each.
The staff pages, the admin and the tests all go through these functions.

Every edit of an existing item takes the revision the form was opened at and is refused with a
``ConflictError`` if somebody saved in between (see ``patto.locking``); the history records
``by`` as the author of each change.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from matrice.models import Action
from patto.locking import save_with_revision
from patto.models import PlanVersion, Programme, VersionStatus
from tavoli.models import (
    ANSWERED_STATUSES,
    Body,
    Contribution,
    ContributionStatus,
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
        "body",
        "actor_category",
        "submitted_on",
    }
)


def require_redazione(user) -> None:
    if user is None or not user.is_authenticated or not user.is_redazione:
        raise PermissionDenied(_("Solo la redazione può farlo."))


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
                "non rispettano una regola: ricontrollateli e salvate di nuovo."
            ),
            code="integrity",
        ) from exc


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
            _("Scegliete un ente già registrato oppure scrivete il nome di un ente nuovo."),
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
    if not contribution.table_id and not contribution.meeting_id:
        errors["table"] = _("Indicate il tavolo o l'incontro in cui è stato presentato.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_contribution(*, programme: Programme, by, **fields) -> Contribution:
    """Record a contribution made at a table or a meeting of ``programme``. ``fields``: table,
    meeting, kind, title, text, author_name, body, actor_category, submitted_on."""
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
    apply_changes(contribution, changes, CONTRIBUTION_FIELDS)
    _check_contribution(contribution)
    save_checked(contribution, by=by, expected_revision=expected_revision)
    return contribution


def answerable_versions(programme: Programme) -> list[PlanVersion]:
    """The versions whose actions a contribution may be said to have led to: the programme's
    draft and its latest public version (newest first). One query."""
    versions = list(programme.versions.order_by("-number"))
    chosen = [v for v in versions if v.status == VersionStatus.DRAFT][:1]
    chosen += [v for v in versions if v.is_public][:1]
    return sorted(chosen, key=lambda v: -v.number)


def answerable_actions(programme: Programme, *, keep: Iterable[int] = ()) -> QuerySet:
    """Actions of the draft and of the latest public version of ``programme``, plus those with
    a primary key in ``keep`` (the ones a contribution already links to, so that editing the
    answer never drops them silently)."""
    versions = answerable_versions(programme)
    return (
        Action.objects.filter(
            Q(version__in=versions) | Q(pk__in=list(keep), version__programme=programme)
        )
        .select_related("version")
        .order_by("-version__number", "position", "code")
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
    if status not in ContributionStatus.values:
        raise ValidationError({"status": _("Esito sconosciuto.")}, code="unknown_status")
    response = response.strip()
    if status in ANSWERED_STATUSES and not response:
        raise ValidationError(
            {"response": _("Scrivete il motivo: un esito va sempre motivato nella risposta.")},
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
    return contribution
