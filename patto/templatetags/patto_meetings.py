"""``{% upcoming_meetings zone=… %}`` / ``{% upcoming_meetings province=… %}``: the next
meetings held for a zona omogenea or in a province, for the pages of the zones and the comuni
(``zone`` sits below ``incontri`` and does not read meetings itself). One query."""

from django import template
from django.db.models import F

from incontri.models import Meeting

register = template.Library()

SHOWN = 5


@register.simple_tag
def upcoming_meetings(*, zone=None, province=None):
    """Up to ``SHOWN`` meetings still ahead (``Meeting.objects.upcoming``), soonest first, of
    ``zone``, or else held in ``province``."""
    meetings = Meeting.objects.upcoming().select_related("province", "zone", "programme")
    # the same meetings as the meetings list filtered by that zone or province, which it links
    meetings = meetings.for_zone(zone) if zone is not None else meetings.in_province(province)
    return list(meetings.order_by(F("date").asc(nulls_last=True), "start_time", "pk")[:SHOWN])
