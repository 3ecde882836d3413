"""What every state change of a plan version starts with: the version re-read under a row lock
(so that concurrent changes queue up) and the check that its state allows the step."""

from django.utils.translation import gettext as _

from patto.core.exceptions import TransitionError
from patto.models import PlanVersion


def lock_version(version: PlanVersion) -> PlanVersion:
    """Re-read ``version`` with a row lock, so concurrent transitions queue up."""
    return PlanVersion.objects.select_for_update().select_related("programme").get(pk=version.pk)


def require_status(version: PlanVersion, *statuses: str, action: str) -> None:
    if version.status not in statuses:
        raise TransitionError(
            _("Non si può %(action)s: la versione %(number)s è %(status)s.")
            % {
                "action": action,
                "number": version.number,
                "status": version.get_status_display().lower(),
            },
            code="illegal_transition",
        )
