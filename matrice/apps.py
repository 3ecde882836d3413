from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatriceConfig(AppConfig):
    name = "matrice"
    verbose_name = _("Matrice del piano")
