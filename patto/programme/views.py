from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from incontri.opendata import MEETINGS
from matrice.opendata import ACTIONS
from matrice.queries import plan_outline
from patto.cache.pages import frozen_fragment, public_page
from patto.core.exceptions import NotFound
from patto.core.feeds import feed_links
from patto.core.mixins import ProgrammeMixin, PublicVersionsMixin
from patto.core.opendata import LICENCE_URL
from patto.models import Follow, VersionStatus
from patto.monitoring.opendata import DATASETS as MONITORING_DATASETS
from patto.monitoring.opendata import FILES as MONITORING_FILES
from patto.programme import catalogue, queries
from tavoli.consultation import ConsultationMixin, consultation_from
from tavoli.opendata import CONTRIBUTIONS
from tavoli.views import consultation_context


@method_decorator(public_page, name="dispatch")
class HomeView(TemplateView):
    template_name = "patto/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **queries.home_context())


@method_decorator(public_page, name="dispatch")
class ProgrammeListView(TemplateView):
    """Every programme: who promotes it, its period and current phase, its plan in force and its
    proposal not yet in force, with links to them."""

    template_name = "patto/programme_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, programmes=queries.programmes_overview())


@method_decorator(public_page, name="dispatch")
class ProgrammeDetailView(DetailView):
    template_name = "patto/programme_detail.html"
    context_object_name = "programme"

    def get_queryset(self):
        return queries.programmes_with_timeline()

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = queries.programme_context(self.object)
        follow = (
            Follow.objects.filter(user=user, programme=self.object).first()
            if user.is_authenticated
            else None
        )
        context["following"] = follow is not None
        context["digest"] = follow is not None and follow.monitoring_digest
        context["consultation"] = consultation_from(
            self.object, self.object.phases.all(), context["public_versions"]
        )
        context["atom_feeds"] = feed_links(self.object)
        return super().get_context_data(**kwargs, **context)


class PublishedPlanView(ProgrammeMixin, View):
    """The programme's plan as it stands: its published version."""

    def get(self, request, *args, **kwargs):
        version = self.programme.versions.published().first()
        if version is None:
            raise NotFound(_("Questo programma non ha ancora un piano pubblicato."))
        return redirect(version.get_absolute_url())


@method_decorator(public_page, name="dispatch")
class VersionListView(ProgrammeMixin, TemplateView):
    template_name = "patto/version_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            versions=queries.public_versions(self.programme),
            atom_feeds=feed_links(self.programme, "versions"),
        )


# Above this many actions the version page shows one policy at a time (a 1,000-action version
# on one page is some 600 KB of HTML); the index then links to each policy's page.
ONE_POLICY_ABOVE = 300


def version_plan(version, policy_code: str = "") -> dict:
    """The policies' index and the content of ``version``, rendered; for a frozen version once
    for good per fingerprint, language and policy shown. A large version is shown one policy
    at a time (``policy_code``, the first by default; an unknown one is a 404); a smaller one
    whole, whatever ``policy_code`` says."""
    outline = []  # read once, and only if a fragment must be rendered

    def render(code):
        if not outline:
            outline.append(plan_outline(version))
        return _render_plan(version, outline[0], code)

    whole = frozen_fragment("plan", lambda: render(""), version)
    if not whole["one_policy"] or not policy_code or policy_code == whole["codes"][0]:
        plan = whole
    elif policy_code in whole["codes"]:
        plan = frozen_fragment(f"plan:{policy_code}", lambda: render(policy_code), version)
    else:
        raise NotFound(_("Politica non trovata."))
    return {
        "index": mark_safe(plan["index"]),  # rendered by our templates
        "body": mark_safe(plan["body"]),
        "one_policy": plan["one_policy"],
        "policies": plan["policies"],
    }


def _render_plan(version, policies: list[dict], policy_code: str) -> dict:
    args = (version.programme.slug, version.number)
    action_count = sum(len(area["actions"]) for policy in policies for area in policy["areas"])
    one_policy = action_count > ONE_POLICY_ABOVE and len(policies) > 1
    shown = policies
    if one_policy:
        shown = [next(p for p in policies if p["code"] == policy_code or not policy_code)]
    context = {
        "policies": policies,
        "shown": shown,
        "one_policy": one_policy,
        "action_count": action_count,
        "action_url": reverse("matrice:action", args=(*args, "_")).removesuffix("_/"),
        "matrix_url": reverse("matrice:matrix", args=args),
    }
    if one_policy:
        position = policies.index(shown[0])
        context["previous"] = policies[position - 1] if position else None
        context["next"] = policies[position + 1] if position + 1 < len(policies) else None
    return {
        "index": render_to_string("patto/includes/plan_index.html", context),
        "body": render_to_string("patto/includes/plan_body.html", context),
        "codes": [policy["code"] for policy in policies],
        # what the consultation needs of each policy, so a cached plan reads no policy again
        "policies": [{"key": policy["key"], "code": policy["code"]} for policy in policies],
        "one_policy": one_policy,
    }


@method_decorator(public_page(params=("politica",)), name="dispatch")
class VersionDetailView(ConsultationMixin, PublicVersionsMixin, TemplateView):
    """A public version read policy by policy, with the zones' decisions."""

    template_name = "patto/version_detail.html"

    def get_context_data(self, **kwargs):
        policy_code = self.request.GET.get("politica", "")
        plan = version_plan(self.version, policy_code)
        # the policies the body shows (one at a time in a large version): their contributions
        policies = [
            SimpleNamespace(**policy)
            for policy in plan["policies"]
            if self.marker(policy["code"]) in plan["body"]
        ]
        context = consultation_context(
            self.version, self.request.user, policies=policies, consultation=self.consultation
        )
        plan["body"] = self.with_consultation(plan["body"], policies, context)
        return super().get_context_data(
            **kwargs,
            plan=plan,
            # one policy at a time: the title names it (the index's links ask for it)
            title_policy=policy_code if plan["one_policy"] else "",
            validation_record=self.version.validation_record(),
            other_versions=self.public_versions,
            **context,
        )

    @staticmethod
    def marker(code: str) -> str:
        """Where the plan's body takes the consultation of policy ``code``."""
        return f"<!--consultation:{code}-->"

    def with_consultation(self, body: str, policies, consultation: dict) -> str:
        """The plan's body (rendered once for a frozen version) with each shown policy's
        contributions and form put in at its marker: they change, the plan does not."""
        for policy in policies:
            marker = self.marker(policy.code)
            if marker in body:
                context = {
                    **consultation,
                    "policy": policy,
                    "programme": self.programme,
                    "version": self.version,
                }
                block = render_to_string(
                    "patto/includes/policy_consultation.html", context, request=self.request
                )
                body = body.replace(marker, block)
        return mark_safe(body)  # our templates' output


def monitoring_downloads(programmes) -> list[dict]:
    """For each programme with a plan in force, the addresses of its monitoring's files."""
    return [
        {
            "programme": programme,
            "files": [
                {
                    "dataset": dataset,
                    **{
                        format: reverse(
                            f"monitoring:opendata_{file}_{format}", args=[programme.slug]
                        )
                        for format in ("csv", "excel", "json")
                    },
                }
                for file, (dataset, _records) in MONITORING_FILES.items()
            ],
        }
        for programme in programmes
        if any(v.status == VersionStatus.PUBLISHED for v in programme.public_versions)
    ]


@method_decorator(public_page, name="dispatch")
class OpenDataView(TemplateView):
    """What can be downloaded, in which format, under which licence, and every column of every
    file, documented from the definitions the files are written from."""

    template_name = "patto/open_data.html"

    def get_context_data(self, **kwargs):
        programmes = list(queries.programmes_with_versions())
        return super().get_context_data(
            **kwargs,
            programmes=programmes,
            monitoring_downloads=monitoring_downloads(programmes),
            monitoring_datasets=MONITORING_DATASETS,
            datasets={
                "actions": ACTIONS,
                "contributions": CONTRIBUTIONS,
                "meetings": MEETINGS,
            },
            licence_url=LICENCE_URL,
            catalogue_published=catalogue.published(),
        )


@method_decorator(public_page, name="dispatch")
class CatalogueView(View):
    """``/dati-aperti/catalogo.ttl``, ``.rdf`` and ``.jsonld``: the DCAT-AP_IT catalogue of the
    open data (``patto.programme.catalogue``) in Turtle, RDF/XML or JSON-LD, with its licence
    and the page that documents the files in the ``Link`` header. Not published without the
    publisher's IPA code (``IPA_CODE``, see README "Configuration")."""

    format = "ttl"

    def get(self, request):
        if not catalogue.published():
            raise NotFound(_("Il catalogo dei dati non è pubblicato."))
        content = catalogue.serialise(catalogue.catalogue_graph(), self.format)
        response = HttpResponse(content, content_type=catalogue.SERIALISATIONS[self.format][1])
        documentation = catalogue.absolute(reverse("patto:open_data"))
        response["Link"] = f'<{LICENCE_URL}>; rel="license", <{documentation}>; rel="describedby"'
        return response


def catalogue_address(request):
    """``/dati-aperti/catalogo``, the address the catalogue's nodes are named in: its Turtle."""
    if not catalogue.published():
        raise NotFound(_("Il catalogo dei dati non è pubblicato."))
    return redirect("catalogue_ttl", permanent=False)


@method_decorator(public_page, name="dispatch")
class AccessibilityView(TemplateView):
    template_name = "patto/accessibility.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs, feedback_email=settings.ACCESSIBILITY_FEEDBACK_EMAIL
        )


# For machines: robots.txt and /favicon.ico (the sitemap is in ``patto.programme.sitemaps``).

# What crawlers may not read: the staff and spokesperson areas, accounts and profiles, the
# admin, unsubscribe links (they carry a token) and the language switch, in both languages.
ROBOTS_DISALLOW = (
    "/redazione/",
    "/portavoce/",
    "/account/",
    "/admin/",
    "/profilo/",
    "/disiscrizione/",
)


@public_page
def robots_txt(request):
    """Everything public may be read; the disallowed prefixes first, for the crawlers that
    take the first rule that matches rather than the longest."""
    lines = ["User-agent: *"]
    for prefix in ROBOTS_DISALLOW:
        lines += [f"Disallow: {prefix}", f"Disallow: /en{prefix}"]
    lines += ["Disallow: /i18n/", "Allow: /", ""]
    lines.append(f"Sitemap: {settings.SITE_URL.rstrip('/')}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@lru_cache(maxsize=1)
def _favicon() -> bytes:
    """The ICO made from static/img/favicon.svg (scripts/favicon.py), read once."""
    return Path(finders.find("img/favicon.ico")).read_bytes()


def favicon(request):
    """``/favicon.ico``: for what asks for that address without reading a page."""
    response = HttpResponse(_favicon(), content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=7 * 24 * 3600)
    return response
