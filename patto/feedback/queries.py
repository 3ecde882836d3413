"""The staff's summary of the ratings, page by page, in three queries whatever the number."""

from collections import defaultdict

from django.db.models import Avg, Count, Q

from patto.models import PageRating

COMMENTS_PER_PAGE = 5


def pages_summary():
    """One row per rated page: how many answers, the average and the count of each star; the
    pages with most answers first."""
    stars = {f"stars_{n}": Count("id", filter=Q(rating=n)) for n in range(1, 6)}
    return (
        PageRating.objects.values("page")
        .annotate(answers=Count("id"), average=Avg("rating"), **stars)
        .order_by("-answers", "page")
    )


def details_for(rows: list[dict]) -> list[dict]:
    """``rows`` (one page of ``pages_summary``) with each page's follow-up answers counted and
    its latest comments: two queries for all the rows."""
    pages = [row["page"] for row in rows]
    aspects = defaultdict(list)
    for item in (
        PageRating.objects.filter(page__in=pages)
        .exclude(aspect="")
        .values("page", "aspect")
        .annotate(answers=Count("id"))
        .order_by("page", "-answers", "aspect")
    ):
        aspects[item["page"]].append(item)
    comments = defaultdict(list)
    for page, comment, rating, day in (
        PageRating.objects.filter(page__in=pages)
        .exclude(comment="")
        .order_by("-created_on", "-pk")
        .values_list("page", "comment", "rating", "created_on")[: COMMENTS_PER_PAGE * len(pages)]
    ):
        if len(comments[page]) < COMMENTS_PER_PAGE:
            comments[page].append({"text": comment, "rating": rating, "day": day})
    labels = dict(PageRating._meta.get_field("aspect").choices)
    for row in rows:
        row["aspects"] = [
            {"label": labels[a["aspect"]], "answers": a["answers"]} for a in aspects[row["page"]]
        ]
        row["comments"] = comments[row["page"]]
        row["stars"] = [row[f"stars_{n}"] for n in range(1, 6)]
    return rows
