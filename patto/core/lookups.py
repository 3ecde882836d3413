"""``OneOf``: a field's value is one of a list, the list sent as one parameter.

Django's ``__in`` writes one placeholder per value. For the few values of most filters that is
what it should do, but the free-text search of a version's actions finds hundreds of them
(``matrice.search``: up to every action of a 1,000-action version), and a query with 1,000
placeholders costs some 6 ms of the web worker's CPU to compile, quote and send, against 1 ms
for the same query with the list as one array (measured on the scale-10 benchmark dataset). The
action list runs it twice, for the page and for the count.

On PostgreSQL the list is an array (``= ANY(%s)``), on SQLite a JSON array read by
``json_each``: one parameter either way, the same rows.
"""

import json

from django.db.models import F, Lookup


class OneOf(Lookup):
    """``queryset.filter(OneOf("pk", values))``: rows whose field is one of ``values``."""

    lookup_name = "one_of"
    prepare_rhs = False

    def __init__(self, lhs, rhs):
        super().__init__(F(lhs) if isinstance(lhs, str) else lhs, list(rhs))

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # the array typed as the column is, so that its index serves the comparison
        cast = self.lhs.output_field.rel_db_type(connection)
        return f"{lhs} = ANY(%s::{cast}[])", (*lhs_params, self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return (
            f"{lhs} IN (SELECT value FROM json_each(%s))",
            (*lhs_params, json.dumps(self.rhs)),
        )
