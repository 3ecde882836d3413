"""The monitoring block of an action's public page (``matrice:action``): matrice sits below
``patto.monitoring`` and cannot read it, so its template asks for the block here."""

from django import template

from patto.monitoring import queries

register = template.Library()


@register.inclusion_tag("monitoring/includes/action_monitoring.html")
def action_monitoring(action, version, programme):
    """Where ``action`` of ``version`` stands (nothing for a proposal): its state, progress,
    money against the budget, indicators and published updates. A fixed number of queries
    (``queries.action_standing``)."""
    return {
        "standing": queries.action_standing(action, version),
        "action": action,
        "version": version,
        "programme": programme,
    }
