"""Who may record what about the plan in force.

- staff (redazione): everything — state, progress, money, indicators and their values, updates
  (published at once), publishing or declining a spokesperson's update, why an action was
  dropped, a monitoring report;
- a zone's current spokesperson: propose an update about their zone, for an action of the plan
  in force that applies to it (the action names the zone, or names none), of a programme the
  zone validates; staff then publish it;
- anyone else: read what is published.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from patto.core.permissions import is_redazione
from zone.models import Zone


def zones_for_update(user, action) -> list[Zone]:
    """The zones ``user`` may propose an update about for ``action`` (of the plan in force):
    the zones they speak for today that validate the action's programme and where the action
    applies. Runs queries; empty for anyone but a spokesperson."""
    if not (user and user.is_authenticated):
        return []
    zones = Zone.objects.for_spokesperson(user).filter(programmes=action.version.programme_id)
    action_zone_ids = {zone.pk for zone in action.zones.all()}
    return [
        zone
        for zone in zones.order_by("number")
        if not action_zone_ids or zone.pk in action_zone_ids
    ]


def require_may_propose_update(user, action, zone) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may write an update about ``zone`` for
    ``action``: staff always, a spokesperson for their own zones where the action applies."""
    if is_redazione(user):
        return
    if zone is None or zone not in zones_for_update(user, action):
        raise PermissionDenied(
            _(
                "Puoi proporre aggiornamenti solo per le zone di cui sei portavoce, sulle azioni "
                "che le riguardano."
            )
        )
