"""View mixins that resolve the programme and the plan version from the URL, once, for every
page below ``/programmi/<slug>/`` (adhocracy4's ProjectMixin is the model)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from patto.models import PlanVersion, Programme


class ProgrammeMixin:
    """Sets ``self.programme`` from the ``slug`` URL argument and adds it to the context."""

    @cached_property
    def programme(self) -> Programme:
        return get_object_or_404(Programme, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("programme", self.programme)
        return super().get_context_data(**kwargs)


class VersionMixin(ProgrammeMixin):
    """Sets ``self.version`` from the ``number`` URL argument. Only public versions exist for
    this mixin: a draft answers 404, as if it did not exist."""

    @cached_property
    def version(self) -> PlanVersion:
        version = (
            PlanVersion.objects.public()
            .filter(programme=self.programme, number=self.kwargs["number"])
            .select_related("programme")
            .first()
        )
        if version is None:
            raise Http404(_("Versione non trovata."))
        version.programme = self.programme
        return version

    def get_context_data(self, **kwargs):
        kwargs.setdefault("version", self.version)
        return super().get_context_data(**kwargs)
