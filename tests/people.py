"""The people of the tests, made one way. ``someone(role)`` is a new person of a role, and
``login_as(client, role)`` logs the test client in as one: the rows of every table of roles ×
actions. The personas that tests tell stories with (``staff``, ``other_staff``) and the client
logged in as the redazione (``staff_client``) are fixtures in ``tests/conftest.py``.

Roles: ``anonymous`` (nobody: ``None``), ``registered`` (a person with an account and no role),
``spokesperson`` (of ``zone``, or of a zone of their own), ``staff`` (the redazione). The tables
of roles name some of them their own way; those names are listed in ``ALIASES``."""

from tests.factories import SpokespersonFactory, StaffFactory, UserFactory

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
