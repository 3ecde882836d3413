from django.views.generic import DetailView, TemplateView

from patto import queries


class HomeView(TemplateView):
    template_name = "patto/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **queries.home_context())


class ProgrammeDetailView(DetailView):
    template_name = "patto/programme_detail.html"
    context_object_name = "programme"

    def get_queryset(self):
        return queries.programmes_with_timeline()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **queries.programme_context(self.object))
