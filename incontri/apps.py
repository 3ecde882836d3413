from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncontriConfig(AppConfig):
    name = "incontri"
    verbose_name = _("Incontri")
