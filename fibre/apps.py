from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FibreConfig(AppConfig):
    name = "fibre"
    verbose_name = _("Fibre plant")
