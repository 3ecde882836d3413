"""The public comparison of two versions of a programme's plan."""

from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from patto.cache.pages import frozen_key, page_cache, public_page
from patto.core.exceptions import NotFound
from patto.core.mixins import ProgrammeMixin
from patto.programme import queries
from patto.programme.compare import cached_comparison


class CompareForm(forms.Form):
    """The two versions to compare, by number. Any number is accepted here: a number that is not
    a public version of the programme answers 404 in the view, as if it did not exist."""

    da = forms.IntegerField(label=gettext_lazy("Dalla versione"), min_value=1)
    a = forms.IntegerField(label=gettext_lazy("Alla versione"), min_value=1)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Scegli una versione"))] + [
            (
                v.number,
                _("Versione %(number)s – %(status)s")
                % {"number": v.number, "status": v.get_status_display()},
            )
            for v in versions
        ]
        for name in ("da", "a"):
            self.fields[name].widget = forms.Select(choices=choices, attrs={"class": "form-select"})


@method_decorator(public_page(params=("da", "a", "politica")), name="dispatch")
class CompareView(ProgrammeMixin, TemplateView):
    """``?da=<n>&a=<m>``: what changes from version n to version m, item by item. Both must be
    public versions of the programme."""

    template_name = "patto/compare.html"

    def get_context_data(self, **kwargs):
        versions = queries.public_versions(self.programme)
        for version in versions:
            version.programme = self.programme
        asked = "da" in self.request.GET or "a" in self.request.GET
        initial = {"a": versions[0].number, "da": versions[1].number} if len(versions) > 1 else {}
        form = CompareForm(self.request.GET if asked else None, initial=initial, versions=versions)
        context = {"form": form, "versions": versions, "asked": asked}
        if form.is_valid():
            by_number = {v.number: v for v in versions}
            old = by_number.get(form.cleaned_data["da"])
            new = by_number.get(form.cleaned_data["a"])
            if old is None or new is None:
                raise NotFound(_("Versione non trovata."))
            context.update(old=old, new=new)
            if old != new:
                body = comparison_body(old, new, self.request.GET.get("politica", ""))
                if body is None:
                    raise NotFound(_("Politica non trovata."))
                context.update(compared=True, comparison_body=body)
        return super().get_context_data(**kwargs, **context)


# Above this many changed items the comparison lists the policies, each with its own page.
COLLAPSE_ABOVE = 150


def comparison_body(old, new, policy_code: str):
    """The comparison below the form, rendered: whole, or one policy's (``policy_code``). For
    two frozen versions (public versions always are) the diff is computed once per pair of
    fingerprints and language and kept as data (``cached_comparison``), and each page of it is
    rendered the first time it is asked for and kept too. None when ``policy_code`` names no
    policy with changes."""
    key = frozen_key(f"compare:{policy_code}", old, new)
    # the page cache, whose keys carry the release: a new template is not served old pages
    cache = page_cache()
    body = cache.get(key) if key else None
    if body is None:
        comparison = cached_comparison(old, new)
        if policy_code and all(group.policy.code != policy_code for group in comparison.policies):
            return None
        body = render_comparison(comparison, policy_code)
        if key:
            cache.set(key, body, timeout=None)
    return mark_safe(body)  # rendered by our template


def render_comparison(comparison, policy_code: str = "") -> str:
    """One page of ``comparison``: the whole of it (``policy_code`` empty; only the list of
    policies when there are many changes) or one policy's changes."""
    change_count = sum(group.change_count for group in comparison.policies)
    return render_to_string(
        "patto/includes/compare_body.html",
        {
            "comparison": comparison,
            "old": comparison.old,
            "new": comparison.new,
            "programme": comparison.new.programme,
            "change_count": change_count,
            "policy_code": policy_code,
            "collapsed": not policy_code and change_count > COLLAPSE_ABOVE,
        },
    )


def precompute_comparisons(version) -> bool:
    """Compute and keep, in every language, the comparison the public pages link to from
    ``version`` (the version page's "compare with the previous version": the previous public
    version against this one), and render each of its pages, so that no visitor waits for
    them. Idempotent: what is kept already is not computed again. False when there is nothing
    to compare (no earlier public version, or ``version`` is not public)."""
    if not version.is_public:
        return False
    previous = queries.previous_public_version(version)
    if previous is None:
        return False
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            comparison = cached_comparison(previous, version)
            for code in ("", *(group.policy.code for group in comparison.policies)):
                comparison_body(previous, version, code)
    return True
