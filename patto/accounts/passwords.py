"""The password rules' messages in the portal's own words and catalogue: Django 5.2's length
message is not in its Italian catalogue (the English source changed from ``%(min_length)d`` to
``%d``), so a too-short password was refused in English on an Italian page."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "La password è troppo corta: deve avere almeno %(count)d carattere.",
            "La password è troppo corta: deve avere almeno %(count)d caratteri.",
            self.min_length,
        ) % {"count": self.min_length}

    def get_help_text(self):
        return ngettext(
            "La tua password deve avere almeno %(count)d carattere.",
            "La tua password deve avere almeno %(count)d caratteri.",
            self.min_length,
        ) % {"count": self.min_length}
