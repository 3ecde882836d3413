"""The people of the tests, made one way. ``someone(role)`` is a new person of a role, and
``login_as(client, role)`` logs the test client in as one: the rows of every table of roles ×
actions. The personas that tests tell stories with (``staff``, ``other_staff``) and the client
logged in as the redazione (``staff_client``) are fixtures in ``tests/conftest.py``.

Roles: ``anonymous`` (nobody: ``None``), ``registered`` (a person with an account and no role),
``spokesperson`` (of ``zone``, or of a zone of their own), ``staff`` (the redazione). The tables
of roles name some of them their own way; those names are listed in ``ALIASES``."""

import datetime

from tests.factories import (
    ProgrammeFactory,
    SpokespersonFactory,
    StaffFactory,
    UserFactory,
    ZoneFactory,
)

ROLES = ("anonymous", "registered", "spokesperson", "staff")

ALIASES = {
    "registered user": "registered",
    "other user": "registered",
    "redazione": "staff",
}


def someone(role: str, *, zone=None, **fields):
    """A new person of ``role`` (``None`` for ``anonymous``); ``fields`` are the user's own
    (``email``, ``first_name``…). A spokesperson speaks for ``zone`` from 2016 on."""
    role = ALIASES.get(role, role)
    if role == "anonymous":
        return None
    if role == "registered":
        return UserFactory(**fields)
    if role == "spokesperson":
        where = {} if zone is None else {"zone": zone}
        return SpokespersonFactory(user=UserFactory(**fields), **where).user
    if role == "staff":
        return StaffFactory(**fields)
    raise ValueError(f"Unknown role {role!r}: one of {ROLES} or {tuple(ALIASES)}")


def login_as(client, role: str, **people):
    """Log ``client`` in as ``role`` and return the person (``None`` for ``anonymous``: the
    client is left as it is). ``people`` names the test's own people, for roles that are
    somebody in particular (``login_as(client, "owner", owner=data.owner)``); for any other
    role it is someone new."""
    user = people[role] if role in people else someone(role)
    if user is not None:
        client.force_login(user)
    return user


def two_zone_programme() -> dict:
    """A programme (``piano``) validated by zones 1 and 2, with its people: ``staff``, each
    zone's spokesperson (``sp1``, ``sp2``) and a ``former`` spokesperson of zone 1."""
    programme = ProgrammeFactory(slug="piano")
    zone1, zone2 = ZoneFactory(number=1), ZoneFactory(number=2)
    programme.validating_zones.set([zone1, zone2])
    return {
        "programme": programme,
        "zone1": zone1,
        "zone2": zone2,
        "staff": someone("staff", email="staff@example.org"),
        "sp1": someone("spokesperson", zone=zone1, email="sp1@example.org"),
        "sp2": someone("spokesperson", zone=zone2, email="sp2@example.org"),
        "former": SpokespersonFactory(
            zone=zone1,
            start_date=datetime.date(2010, 1, 1),
            end_date=datetime.date(2015, 1, 1),
            user__email="former@example.org",
        ).user,
    }
