"""Where the registry's copy of the identity providers' metadata lies. Without pysaml2: the
login buttons' template tags read it on every start, also while SPID is off, and loading
pysaml2 (its XML schemas) takes a second."""

from pathlib import Path

from django.conf import settings


def idp_metadata_files() -> list[str]:
    directory = Path(settings.SPID_IDP_CACHE_DIR)
    return sorted(str(p) for p in directory.glob("*.xml")) if directory.is_dir() else []
