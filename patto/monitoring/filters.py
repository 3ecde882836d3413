"""The overview's filters: the action list's (``matrice.filters.ActionFilterSet``), by zone,
thematic table and target only, named in the query string as there."""

from matrice.filters import ActionFilterSet


class OverviewFilterSet(ActionFilterSet):
    """Actions of a zone (and those that apply everywhere), from a table, for a target."""

    q = None
    politica = None
    ambito = None
    strumento = None
