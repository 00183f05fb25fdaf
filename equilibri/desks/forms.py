from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from equilibri.territory.forms import ComuneField


class NearestDeskForm(forms.Form):
    comune = ComuneField(label=_("Il tuo comune"))
    raggio = forms.IntegerField(
        label=_("Distanza massima (km)"),
        min_value=1,
        max_value=settings.MAX_SEARCH_RADIUS_KM,
        initial=25,
        required=False,
    )
