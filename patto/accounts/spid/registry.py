"""The identity providers the login page lists, read from the registry's copy (``idps``) and
kept in memory until the copy changes."""

from dataclasses import dataclass

from patto.accounts.spid.idp_files import idp_metadata_files


@dataclass(frozen=True)
class IdentityProvider:
    entity_id: str
    name: str


_cache: dict = {}


def identity_providers() -> list[IdentityProvider]:
    import os

    files = idp_metadata_files()
    stamp = tuple((path, os.stat(path).st_mtime_ns) for path in files)
    if _cache.get("stamp") != stamp:
        from patto.accounts.spid.saml import known_idps

        found = known_idps() if files else {}
        _cache["providers"] = sorted(
            (IdentityProvider(entity_id=key, name=name) for key, name in found.items()),
            key=lambda provider: provider.name.lower(),
        )
        _cache["stamp"] = stamp
    return _cache["providers"]
