"""The identity providers' registry: SAML metadata read from SPID_IDP_METADATA (files, or https
addresses such as AgID's registry), checked and copied into SPID_IDP_CACHE_DIR, which the
login reads. A Celery task repeats it every SPID_IDP_REFRESH_HOURS; a source that cannot be
read or is not metadata of identity providers leaves the previous copy in place."""

import logging
import urllib.request
from pathlib import Path

from celery import shared_task
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings

logger = logging.getLogger(__name__)
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
MAX_BYTES = 20 * 1024 * 1024


def _read(source: str) -> bytes:
    if source.startswith("https://") or source.startswith("http://"):
        with urllib.request.urlopen(source, timeout=30) as answer:
            return answer.read(MAX_BYTES + 1)
    return Path(source.removeprefix("file://")).read_bytes()


def _checked(data: bytes) -> bytes:
    if len(data) > MAX_BYTES:
        raise ValueError("too large")
    root = ElementTree.fromstring(data)
    if not root.findall(f".//{{{MD}}}IDPSSODescriptor"):
        raise ValueError("no IDPSSODescriptor")
    return data


def refresh() -> list[str]:
    """Copy every source into the cache directory; the names of the files written."""
    directory = Path(settings.SPID_IDP_CACHE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for number, source in enumerate(settings.SPID_IDP_METADATA):
        target = directory / f"{number:02d}.xml"
        try:
            data = _checked(_read(source))
        except (OSError, ValueError, ElementTree.ParseError, DefusedXmlException) as exc:
            logger.warning("SPID: identity providers from %s not refreshed: %s", source, exc)
            continue
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)
        written.append(target.name)
    return written


@shared_task(name="patto.accounts.spid.refresh_idps", ignore_result=True, acks_late=False)
def refresh_idps() -> None:
    refresh()
