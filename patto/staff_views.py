from django.views.generic import TemplateView

from patto import staff_queries
from patto.permissions import RedazioneRequiredMixin


class DashboardView(RedazioneRequiredMixin, TemplateView):
    """What needs the redazione's attention, programme by programme."""

    template_name = "redazione/dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **staff_queries.dashboard())
