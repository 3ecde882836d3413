from urllib.parse import urlencode

from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from patto.cache.pages import public_page
from patto.core.titles import without_control_characters
from patto.models import Programme
from patto.search import queries, terms
from patto.search.forms import SearchForm

PARAMS = ("q", "tipo", "programma", "page")


def _page_number(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 6 else 1


@method_decorator(public_page(params=PARAMS), name="dispatch")
class SearchView(TemplateView):
    """The results of a search over the whole public site, grouped by kind (``?tipo=`` one kind,
    paginated), optionally of one programme (``?programma=``)."""

    template_name = "search/results.html"

    def get_context_data(self, **kwargs):
        programmes = list(
            Programme.objects.order_by("position", "title").values_list("pk", "slug", "title")
        )
        form = SearchForm(self.request.GET or None, programmes=programmes)
        form.is_valid()
        data = form.cleaned_data if form.is_bound else {}
        notes = []
        kind = queries.BY_SLUG.get(data.get("tipo") or "")
        if form.is_bound and "tipo" in form.errors:
            notes.append(_("Questo tipo di risultato non esiste: abbiamo cercato in tutti."))
        programme = next((p for p in programmes if p[1] == data.get("programma")), None)
        if form.is_bound and "programma" in form.errors:
            notes.append(_("Questo programma non esiste: abbiamo cercato in tutti i programmi."))
        query = terms.read(data.get("q") or "")
        notes += query.notes
        asked = _page_number(self.request.GET.get("page", ""))
        groups = queries.search(
            query,
            kind=kind,
            programme_id=programme[0] if programme else None,
            page=asked,
        )
        page = groups[0].page if kind is not None and groups else None
        if page is not None and asked > page.number:
            notes.append(
                _("Non c'è una pagina %(asked)s: ecco l'ultima, la %(last)s.")
                % {"asked": asked, "last": page.number}
            )
        return super().get_context_data(
            **kwargs,
            form=form,
            query=query,
            searched=bool(query),
            kind=kind,
            kinds=queries.KINDS,
            programme=programme,
            groups=groups,
            total=sum(group.count for group in groups),
            more=any(group.more for group in groups),
            page_obj=page,
            notes=notes,
            max_matches=queries.MAX_MATCHES,
            base_query=self._base_query(data, programme),
            base_query_all=urlencode([("q", without_control_characters(data.get("q") or ""))]),
        )

    def _base_query(self, data, programme) -> str:
        """The query string of this search without kind and page: the links to one kind's
        results add their own ``tipo``."""
        pairs = [("q", without_control_characters(data.get("q") or ""))]
        if programme:
            pairs.append(("programma", programme[1]))
        return urlencode(pairs)
