from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.ModelForm):
    """The person's names; with a verified identity (SPID, CIE) the names and the fiscal number
    are the identity's, shown read-only: a disabled field keeps its value whatever is posted."""

    fiscal_number = forms.CharField(label=_("Codice fiscale"), required=False, disabled=True)

    class Meta:
        model = User
        fields = ["first_name", "last_name"]

    def __init__(self, *args, identity=None, **kwargs):
        super().__init__(*args, **kwargs)
        if identity is None:
            del self.fields["fiscal_number"]
            return
        self.initial["fiscal_number"] = identity.fiscal_number
        help_text = _("Verificato con la tua identità digitale: non si modifica a mano.")
        self.fields["fiscal_number"].help_text = help_text
        for name in ("first_name", "last_name"):
            if getattr(identity, name):
                self.initial[name] = getattr(identity, name)
                self.fields[name].disabled = True
                self.fields[name].help_text = help_text
