"""Strings Django translates that the portal's own catalogues override.

Italian writes month names in lower case in running text ("22 novembre 2017"); Django's Italian
catalogue capitalises them. Templates format dates with ``E`` (the alternative month name) and
the Italian catalogue in ``locale/it`` maps these to the lower-case forms. Marking them here keeps
``makemessages`` from dropping those entries.
"""

from django.utils.translation import pgettext_lazy

ALT_MONTHS = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
