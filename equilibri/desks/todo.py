"""What waits for a desk operator (the operator home's list, accounts.todo): today's appointments
at the desks of their ATS and their own follow-ups that are due."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equilibri.accounts.todo import TodoItem

from .models import Appointment
from .selectors import appointments_visible_to, follow_ups_for


def todo(user) -> list[TodoItem]:
    if not user.has_perm("desks.operate"):
        return []
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=tz)
    end = start + datetime.timedelta(days=1)
    appointments = appointments_visible_to(user).filter(
        slot__starts_at__gte=start,
        slot__starts_at__lt=end,
        state__in=[Appointment.State.PENDING, Appointment.State.BOOKED],
    )
    agenda = reverse("desks:agenda")
    return [
        TodoItem(_("Appuntamenti di oggi"), appointments.count(), agenda, order=60, urgent=True),
        TodoItem(
            _("Richiami da fare (scaduti o di oggi)"),
            follow_ups_for(user, today=today).filter(follow_up_due__lte=today).count(),
            agenda,
            order=61,
            urgent=True,
        ),
    ]
