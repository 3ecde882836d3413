"""What the programme's lifecycle tells the layers above it (``patto.validation``), which this
one does not import."""

from django.dispatch import Signal

# Sent by the worker once a version has been frozen (sent to the zones, validated, published)
# and its comparison is kept (``patto.precompute_comparison``), so that what the layers above
# show of it is rendered before anyone asks. Keyword argument: ``version``.
version_frozen = Signal()
