from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from matrice.queries import plan_outline
from patto import queries
from patto.mixins import ProgrammeMixin, VersionMixin
from patto.public_cache import frozen_fragment, public_page


@method_decorator(public_page, name="dispatch")
class HomeView(TemplateView):
    template_name = "patto/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **queries.home_context())


@method_decorator(public_page, name="dispatch")
class ProgrammeDetailView(DetailView):
    template_name = "patto/programme_detail.html"
    context_object_name = "programme"

    def get_queryset(self):
        return queries.programmes_with_timeline()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **queries.programme_context(self.object))


class PublishedPlanView(ProgrammeMixin, View):
    """The programme's plan as it stands: its published version."""

    def get(self, request, *args, **kwargs):
        version = self.programme.versions.published().first()
        if version is None:
            raise Http404(_("Questo programma non ha ancora un piano pubblicato."))
        return redirect(version.get_absolute_url())


@method_decorator(public_page, name="dispatch")
class VersionListView(ProgrammeMixin, TemplateView):
    template_name = "patto/version_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, versions=queries.public_versions(self.programme))


def version_plan(version) -> dict:
    """The policies' index and the content of ``version``, rendered; for a frozen version once
    for good (per fingerprint and language)."""

    def render():
        args = (version.programme.slug, version.number)
        context = {
            "policies": plan_outline(version),
            "action_url": reverse("matrice:action", args=(*args, "_")).removesuffix("_/"),
            "matrix_url": reverse("matrice:matrix", args=args),
        }
        return {
            "index": render_to_string("patto/includes/plan_index.html", context),
            "body": render_to_string("patto/includes/plan_body.html", context),
        }

    plan = frozen_fragment("plan", render, version)
    return {name: mark_safe(html) for name, html in plan.items()}  # rendered by our templates


@method_decorator(public_page, name="dispatch")
class VersionDetailView(VersionMixin, TemplateView):
    """A public version read policy by policy, with the zones' decisions."""

    template_name = "patto/version_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            plan=version_plan(self.version),
            validation_record=queries.validation_record(self.version),
            other_versions=queries.public_versions(self.programme),
        )


@method_decorator(public_page, name="dispatch")
class OpenDataView(TemplateView):
    """What can be downloaded, in which format, under which licence."""

    template_name = "patto/open_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, programmes=queries.programmes_with_versions())


@method_decorator(public_page, name="dispatch")
class AccessibilityView(TemplateView):
    template_name = "patto/accessibility.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs, feedback_email=settings.ACCESSIBILITY_FEEDBACK_EMAIL
        )
