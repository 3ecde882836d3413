"""Open data of a programme's contributions: one record per contribution, as CSV or JSON.

No personal data: the registered user behind a contribution (``author``) and the staff member who
answered it (``answered_by``) are never written; ``author_name`` is what the contributor chose to
show publicly. Online contributions are included once approved by moderation; ``channel`` says
where a contribution was made (``table`` or ``online``) and, for an online one, ``version``,
``about`` (``version``, ``policy`` or ``action``) and ``about_code`` say what it is about.
Actions are listed only for public versions (``queries.public_actions_prefetch``).
"""

import csv
import datetime
import io

from django.urls import reverse
from django.utils import timezone

LICENCE = "CC BY 4.0"

FIELDS = (
    "id",
    "programme",
    "table",
    "table_title",
    "meeting_id",
    "kind",
    "title",
    "text",
    "author_name",
    "body",
    "actor_category",
    "submitted_on",
    "status",
    "response",
    "answered_at",
    "led_to",
    "channel",
    "version",
    "about",
    "about_code",
    "url",
)


def _iso(value):
    """ISO 8601; a datetime in the site's time zone (Europe/Rome), with its offset."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return value.isoformat()


def _about(contribution) -> tuple[str | None, str | None]:
    if not contribution.version_id:
        return None, None
    target = getattr(contribution, "target", None)
    if contribution.policy_key:
        return "policy", target.code if target else None
    if contribution.action_key:
        return "action", target.code if target else None
    return "version", None


def record(contribution, *, programme, absolute_url) -> dict:
    """The public record of one contribution. ``led_to`` is a list of ``{"version", "code",
    "url"}``; ``absolute_url`` turns a path into a full URL."""
    return {
        "id": contribution.pk,
        "programme": programme.slug,
        "table": contribution.table.slug if contribution.table else None,
        "table_title": contribution.table.title if contribution.table else None,
        "meeting_id": contribution.meeting_id,
        "kind": contribution.kind,
        "title": contribution.title,
        "text": contribution.text,
        "author_name": contribution.author_name,
        "body": contribution.body.name if contribution.body else None,
        "actor_category": contribution.actor_category,
        "submitted_on": _iso(contribution.submitted_on),
        "status": contribution.status,
        "response": contribution.response,
        "answered_at": _iso(contribution.answered_at),
        "led_to": [
            {
                "version": action.version.number,
                "code": action.code,
                "url": absolute_url(action.get_absolute_url()),
            }
            for action in contribution.public_actions
        ],
        "channel": contribution.channel,
        "version": contribution.version.number if contribution.version_id else None,
        "about": _about(contribution)[0],
        "about_code": _about(contribution)[1],
        "url": absolute_url(
            reverse("tavoli:contribution", kwargs={"slug": programme.slug, "pk": contribution.pk})
        ),
    }


def records(contributions, *, programme, absolute_url) -> list[dict]:
    return [record(c, programme=programme, absolute_url=absolute_url) for c in contributions]


def to_json(rows: list[dict], *, programme) -> dict:
    return {
        "programme": programme.slug,
        "contributions": rows,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "licence": LICENCE,
    }


def to_csv(rows: list[dict]) -> str:
    """CSV with a header row. ``led_to`` becomes ``version:code`` pairs separated by ``; ``
    (e.g. ``2:1.2.4; 2:2.2.5``); empty values are empty cells."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                **{k: "" if v is None else v for k, v in row.items()},
                "led_to": "; ".join(f"{a['version']}:{a['code']}" for a in row["led_to"]),
            }
        )
    return out.getvalue()
