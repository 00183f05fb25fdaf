from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "equilibri.services"
    verbose_name = _("Catalogo dei servizi")
