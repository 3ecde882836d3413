"""The widget's two answers (the rating, and the details without JavaScript) and the staff's
summary.

The widget is on pages the cache serves the same to every visitor, so its form carries no CSRF
token and the rating view is exempt: a rating acts for no account and changes nothing but the
count, and each address may give ``ACCOUNT_RATE_LIMITS["page_rating"]`` (kept in the cache,
never in the database)."""

from allauth.core import ratelimit
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView, View

from patto.core.permissions import RedazioneRequiredMixin
from patto.feedback import queries, services
from patto.feedback.forms import DetailsForm, RatingForm


def _answer(request, *, status=200, **context):
    return render(request, "feedback/answer.html", context, status=status)


@method_decorator(csrf_exempt, name="dispatch")
class AnswerView(View):
    """What both answers do: read the form, count the address against the rate limit, write
    through the service, and answer with a page. A refusal says why, writes nothing and loses
    nothing: the answer comes back filled in as it was sent, to correct and send again, or,
    when it cannot be sent again now, with the text the visitor wrote shown to copy."""

    http_method_names = ["post"]
    form_class = None

    def get_form(self, request):
        return self.form_class(request.POST)

    def write(self, data: dict):
        raise NotImplementedError

    def answered(self, request, rating):
        return _answer(request, done=True, page=rating.page)

    def again(self, form, page) -> dict:
        """What the refusal page offers to send the answer again (nothing when it cannot)."""
        return {}

    def refused(self, request, form, page, *, status=400, error=""):
        context = {"error": error or _first_error(form), "page": page}
        again = self.again(form, page) if status == 400 else {}
        if not again:
            context["typed"] = " ".join(str(form.data.get("comment", "")).split())
        return _answer(request, status=status, **context, **again)

    def post(self, request):
        form = self.get_form(request)
        page = _safe(request.POST.get("page", ""))
        if not form.is_valid():
            return self.refused(request, form, page)
        if not ratelimit.consume(request, action="page_rating"):
            error = _("Hai inviato molte valutazioni in poco tempo: riprova tra un'ora.")
            return self.refused(request, form, page, status=429, error=error)
        try:
            rating = self.write(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.refused(request, form, page)
        return self.answered(request, rating)


class RatePageView(AnswerView):
    form_class = RatingForm

    def write(self, data):
        return services.record_rating(
            page=data["page"], rating=data["rating"], aspect=data["aspect"], comment=data["comment"]
        )

    def answered(self, request, rating):
        if rating.aspect or rating.comment:
            return super().answered(request, rating)
        details = DetailsForm(
            initial={"token": services.details_token(rating)},
            aspects=services.aspects_for(rating.rating),
        )
        return _answer(request, rating=rating, form=details, page=rating.page)

    def again(self, form, page):
        if not page:  # not a page that can be rated: nothing to send again
            return {}
        rating = str(form.data.get("rating", ""))
        stars = int(rating) if rating in {str(n) for n in range(1, 6)} else None
        aspects = services.aspects_for(stars) if stars else ()
        aspect = form.data.get("aspect", "")
        answers = services.widget_answers()
        # the answers that go with the stars chosen are shown (the others once they change)
        shown = ""
        if stars is not None:
            shown = "positive" if stars >= answers["positive_from"] else "negative"
        return {
            "again": form,
            "stars": range(5, 0, -1),
            "chosen": stars,
            "shown": shown,
            "chosen_aspect": aspect if aspect in {a.value for a in aspects} else "",
            "answers": answers,
        }


class RatingDetailsView(AnswerView):
    form_class = DetailsForm

    def get_form(self, request):
        # the answers offered are those of the rating the link names, while it may get details
        rating = services.rating_awaiting_details(request.POST.get("token", ""))
        aspects = services.aspects_for(rating.rating) if rating else ()
        form = self.form_class(request.POST, aspects=aspects)
        form.rating = rating
        return form

    def write(self, data):
        return services.add_details(
            token=data["token"], aspect=data["aspect"], comment=data["comment"]
        )

    def again(self, form, page):
        if form.rating is None:  # expired, or details already given: only the text is kept
            return {}
        return {"form": form, "rating": form.rating}


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return ""


def _safe(page: str) -> str:
    """The page to go back to, only if it is one of the portal's rated pages."""
    return page if services.is_rated_page(page) else ""


class PageRatingsView(RedazioneRequiredMixin, TemplateView):
    """For the redazione: what people said of each page, most answered first."""

    template_name = "redazione/page_ratings.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        paginator = Paginator(queries.pages_summary(), self.paginate_by)
        page_obj = paginator.get_page(self.request.GET.get("page"))
        rows = queries.details_for(list(page_obj.object_list))
        return super().get_context_data(
            **kwargs,
            page_obj=page_obj,
            paginator=paginator,
            is_paginated=paginator.num_pages > 1,
            rows=rows,
        )
