"""The PDFs attached to a monitoring update: checked by their content, as the minutes of a
meeting are (``incontri.minutes_pdf.check_minutes_pdf``: a PDF by its bytes, not its name, with
no active content and no decompression bomb), within ``settings.MINUTES_MAX_UPLOAD_MB``, and
stored under a name of ours. The refusals speak of the attachment, not of the minutes."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.http import FileResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from incontri.minutes_pdf import PDF_MAGIC, check_minutes_pdf
from patto.models import UpdateAttachment

MAX_ATTACHMENTS = 5  # per update
MB = 1024 * 1024


def attachment_title(upload: File) -> str:
    """What the attachment is called on the pages: the uploaded file's name, without the
    extension and the underscores."""
    stem = PurePath(upload.name or "").stem.replace("_", " ").strip()
    return stem[:200] or _("Allegato")


def attachment_file_name(update_pk: int, upload: File) -> str:
    """The stored name: ours, not the uploader's."""
    stem = slugify(PurePath(upload.name or "").stem)[:60].strip("-") or "allegato"
    return f"aggiornamento-{update_pk}-{stem}.pdf"


def check_attachments(uploads) -> None:
    """Refuse the list ``uploads`` unless every file is a PDF by its content, small enough and
    free of active content, and there are at most ``MAX_ATTACHMENTS``. The error is on the field
    ``attachments`` and names the file."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "attachments": _("Puoi allegare al massimo %(count)s PDF a un aggiornamento.")
                % {"count": MAX_ATTACHMENTS}
            },
            code="too_many",
        )
    for upload in uploads:
        check_attachment(upload)


def check_attachment(upload: File) -> None:
    """Refuse ``upload`` unless it is a PDF fit to publish; the message names the file."""
    name = PurePath(upload.name or "").name
    limit = settings.MINUTES_MAX_UPLOAD_MB
    if upload.size is not None and upload.size > limit * MB:
        raise ValidationError(
            {
                "attachments": _(
                    "«%(name)s» è troppo grande (%(size).1f MB): ogni allegato può essere al "
                    "massimo di %(limit)s MB."
                )
                % {"name": name, "size": upload.size / MB, "limit": limit}
            },
            code="too_large",
        )
    not_pdf = ValidationError(
        {
            "attachments": _(
                "«%(name)s» non è un PDF valido: allega solo file PDF (il nome del file non "
                "basta, conta il contenuto)."
            )
            % {"name": name}
        },
        code="not_pdf",
    )
    upload.seek(0)
    starts_like_a_pdf = upload.read(len(PDF_MAGIC)) == PDF_MAGIC
    upload.seek(0)
    if not starts_like_a_pdf:
        raise not_pdf
    try:
        check_minutes_pdf(upload)
    except ValidationError as exc:
        (message,) = exc.message_dict["minutes_file"]
        # the minutes' own "not a PDF" speaks of minutes: say it of the attachment
        if message == _(
            "Il file non è un PDF valido: carica il verbale in formato PDF (il nome del file "
            "non basta, conta il contenuto)."
        ):
            raise not_pdf from exc
        raise ValidationError({"attachments": f"«{name}»: {message}"}, code="refused_pdf") from exc


def attachment_response(attachment: UpdateAttachment) -> FileResponse:
    """An update's PDF as a download, never opened in the portal's pages (as the minutes)."""
    response = FileResponse(
        attachment.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=attachment.file.name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
