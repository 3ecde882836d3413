"""View mixins that resolve the programme and the plan version from the URL, once, for every
page below ``/programmi/<slug>/`` (adhocracy4's ProjectMixin is the model)."""

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from patto.core.exceptions import NotFound
from patto.core.titles import list_title_details
from patto.models import PlanVersion, Programme, VersionStatus


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
            raise NotFound(_("Versione non trovata."))
        version.programme = self.programme
        return version

    def get_context_data(self, **kwargs):
        kwargs.setdefault("version", self.version)
        return super().get_context_data(**kwargs)


class PublicVersionsMixin(VersionMixin):
    """For pages that read the programme's public versions anyway (to list them, and because
    the newest is the version under consultation: ``tavoli.consultation.ConsultationMixin``):
    the programme, its public versions and the version asked for come from one query. A
    programme without a public version answers 404, as any version of it would."""

    def get_public_versions(self):
        """The queryset of the programme's public versions, newest first, with the programme
        and whether zones validate it (``zones_validate``, the same on every row); a page may
        annotate it further."""
        validating = Programme.validating_zones.through.objects.filter(
            programme_id=OuterRef("programme_id")
        )
        return (
            PlanVersion.objects.public()
            .filter(programme__slug=self.kwargs["slug"])
            .select_related("programme")
            .annotate(zones_validate=Exists(validating))
            .order_by("-number")
        )

    @cached_property
    def public_versions(self) -> list[PlanVersion]:
        versions = list(self.get_public_versions())
        if not versions:
            get_object_or_404(Programme, slug=self.kwargs["slug"])  # 404 for the programme
            raise NotFound(_("Versione non trovata."))
        for version in versions[1:]:
            version.programme = versions[0].programme  # one programme, not one per row
        return versions

    @cached_property
    def programme(self) -> Programme:
        return self.public_versions[0].programme

    @cached_property
    def newer_proposal(self) -> PlanVersion | None:
        """The proposal that would replace the version asked for, when that version is the plan
        in force: its pages point to it."""
        newest = self.public_versions[0]
        if self.version.status == VersionStatus.PUBLISHED and newest.is_proposal:
            return newest
        return None

    def get_context_data(self, **kwargs):
        kwargs.setdefault("newer_proposal", self.newer_proposal)
        # who validates a proposal: the zones through their spokespersons, or the redazione
        # (a programme without validating zones, the regional Patto)
        kwargs.setdefault("zones_validate", self.public_versions[0].zones_validate)
        return super().get_context_data(**kwargs)

    @cached_property
    def version(self) -> PlanVersion:
        """The version asked for, among the public versions (a draft or a number that does not
        exist answers 404)."""
        number = self.kwargs["number"]
        version = next((v for v in self.public_versions if v.number == number), None)
        if version is None:
            raise NotFound(_("Versione non trovata."))
        return version


class FilteredListMixin:
    """For a list filtered through a django-filter ``FilterSet`` and paginated: its title names
    the filters chosen and the page (``title_details``), so each filtered page has its own."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title_details"] = list_title_details(self.filterset.form, context.get("page_obj"))
        return context
