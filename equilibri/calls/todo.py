"""What waits for a call manager (the operator home's list, accounts.todo): submitted
applications whose admissibility is still to check, in the calls of their ATS."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from equilibri.accounts.todo import TodoItem

from .models import Application
from .selectors import calls_managed_by


def todo(user) -> list[TodoItem]:
    if not user.has_perm("calls.manage"):
        return []
    count = Application.objects.filter(
        call__in=calls_managed_by(user).values("pk"), state=Application.State.SUBMITTED
    ).count()
    return [
        TodoItem(
            _("Domande ai bandi da verificare (ammissibilità)"),
            count,
            reverse("calls:home"),
            order=35,
        )
    ]
