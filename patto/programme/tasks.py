"""Background work of the programme: the comparison of a newly frozen version with the previous
one, and what the layers above show of it (``signals.version_frozen``: the spokespersons'
review), computed before anyone asks."""

from celery import shared_task
from django.conf import settings

from patto.models import PlanVersion
from patto.programme.compare_views import precompute_comparisons
from patto.programme.signals import version_frozen


@shared_task(
    name="patto.precompute_comparison",
    autoretry_for=(Exception,),
    retry_backoff=5,
    max_retries=2,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
    ignore_result=True,
)
def precompute_comparison(version_pk: int) -> str:
    """Compute and keep the comparison of the version ``version_pk`` with the previous public
    one, in every language (``compare_views.precompute_comparisons``), then has the layers
    above render what they show of it (``version_frozen``: the zones' review of a version in
    validation). Re-reads the row; running it again, or for a version whose comparison is
    kept already, does nothing more. A lost message only means that the first visitor of the
    comparison, or the first spokesperson, waits for it."""
    version = PlanVersion.objects.select_related("programme").filter(pk=version_pk).first()
    if version is None:
        return "nothing to compare"
    computed = precompute_comparisons(version)
    version_frozen.send(sender=PlanVersion, version=version)
    return "computed" if computed else "nothing to compare"
