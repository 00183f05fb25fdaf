"""What waits for a catalogue moderator (the operator home's list, accounts.todo): services and
changes submitted for review, and open mistake reports, in the ATS they moderate."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from equilibri.accounts.roles import Role, has_role
from equilibri.accounts.todo import TodoItem

from .models import MistakeReport, Service, ServiceRevision
from .selectors import mistake_reports_handled_by, revisions_moderated_by, services_moderated_by


def todo(user) -> list[TodoItem]:
    if not has_role(user, Role.ATS_OPERATOR, Role.SUPERUSER):
        return []
    queue = reverse("catalogue:queue")
    return [
        TodoItem(
            _("Servizi da moderare"),
            services_moderated_by(user).filter(review_state=Service.Review.SUBMITTED).count(),
            queue,
            order=30,
        ),
        TodoItem(
            _("Modifiche di servizi da approvare"),
            revisions_moderated_by(user).filter(state=ServiceRevision.State.SUBMITTED).count(),
            queue,
            order=31,
        ),
        TodoItem(
            _("Segnalazioni di errore nuove"),
            mistake_reports_handled_by(user).filter(state=MistakeReport.State.NEW).count(),
            reverse("catalogue:reports"),
            order=32,
        ),
    ]
