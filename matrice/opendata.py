"""Open data of a version: its actions as CSV and JSON, one row per action."""

import csv
import io

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone

from matrice.queries import actions_with_relations

LICENCE = "CC BY 4.0"
ACTION_COLUMNS = [
    "code",
    "key",
    "title",
    "policy_code",
    "policy",
    "action_area_code",
    "action_area",
    "tools",
    "targets",
    "zones",
    "tables",
    "lead_body",
    "partners",
    "start_date",
    "end_date",
    "budget_eur",
    "indicators",
    "description",
    "url",
]


def action_rows(version, request):
    programme = version.programme
    for action in actions_with_relations(version):
        yield {
            "code": action.code,
            "key": str(action.key),
            "title": action.title,
            "policy_code": action.area.policy.code,
            "policy": action.area.policy.title,
            "action_area_code": action.area.code,
            "action_area": action.area.title,
            "tools": [t.name for t in action.tools.all()],
            "targets": [t.name for t in action.targets.all()],
            "zones": [z.number for z in action.zones.all()],
            "tables": [t.title for t in action.tables.all()],
            "lead_body": action.lead_body,
            "partners": action.partners,
            "start_date": action.start_date.isoformat() if action.start_date else "",
            "end_date": action.end_date.isoformat() if action.end_date else "",
            "budget_eur": str(action.budget) if action.budget is not None else "",
            "indicators": action.indicators,
            "description": action.description,
            "url": request.build_absolute_uri(
                reverse("matrice:action", args=[programme.slug, version.number, action.code])
            ),
        }


def file_name(version, extension):
    return f"{version.programme.slug}-versione-{version.number}-azioni.{extension}"


def actions_csv(version, request) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ACTION_COLUMNS)
    writer.writeheader()
    for row in action_rows(version, request):
        writer.writerow(
            {k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()}
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name(version, "csv")}"'
    return response


def actions_json(version, request) -> JsonResponse:
    programme = version.programme
    payload = {
        "programme": {
            "slug": programme.slug,
            "title": programme.title,
            "promoter": programme.promoter,
        },
        "version": {
            "number": version.number,
            "status": version.status,
            "fingerprint": version.fingerprint,
            "submitted_at": version.submitted_at,
            "validated_at": version.validated_at,
            "published_at": version.published_at,
        },
        "actions": list(action_rows(version, request)),
        "generated_at": timezone.now(),
        "licence": LICENCE,
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="{file_name(version, "json")}"'
    return response
