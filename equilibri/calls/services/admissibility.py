"""The ATS's admissibility check of a submitted application: the checklist, and the requests for
integration with the applicant's answers."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from equilibri.accounts.roles import Role

from ..models import Application, Call
from .common import field_error, record_event, require_applicant, require_application_manager
from .notifications import applicant_emails, ats_staff_emails, send_mail


def checklist_items(call: Call) -> list[str]:
    return [
        _("Domanda inviata nei termini"),
        _("Requisiti del partenariato verificati"),
        *[_("Documento: %(name)s") % {"name": name} for name in call.document_names],
    ]


@transaction.atomic
def application_request_integration(
    *, application: Application, by, request_text: str, deadline: datetime.date
) -> Application:
    require_application_manager(by, application)
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if application.state != Application.State.SUBMITTED:
        raise ValidationError(
            _("Si chiede un'integrazione solo per domande inviate e in istruttoria."),
            code="state",
        )
    if deadline <= timezone.localdate():
        raise field_error(
            "deadline", _("Il termine per l'integrazione deve essere una data futura.")
        )
    if not request_text.strip():
        raise field_error("request_text", _("Scrivi che cosa va integrato."))
    application.integration_request = request_text
    application.integration_deadline = deadline
    application.integration_response = ""
    application.integration_reminder_sent_at = None
    application.save()
    record_event(application, by, _("Richiesta di integrazione: %(text)s") % {"text": request_text})
    send_mail(
        applicant_emails(application),
        "integration_requested",
        id=application.public_id,
        date=date_format(deadline, "SHORT_DATE_FORMAT"),
        text=request_text,
    )
    return application


@transaction.atomic
def application_integrate(*, application: Application, by, response: str) -> Application:
    require_applicant(by, application)
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if not application.integration_request:
        raise ValidationError(_("Non ci sono richieste di integrazione aperte."), code="state")
    if application.integration_deadline and timezone.localdate() > application.integration_deadline:
        raise ValidationError(
            _("Il termine per l'integrazione è scaduto il %(date)s.")
            % {"date": date_format(application.integration_deadline, "SHORT_DATE_FORMAT")},
            code="deadline",
        )
    if not response.strip():
        raise field_error("response", _("Scrivi l'integrazione o descrivi i documenti allegati."))
    application.integration_response = response
    application.save(update_fields=["integration_response"])
    record_event(application, by, _("Integrazione inviata"))
    send_mail(
        ats_staff_emails(application.call.ats_id, Role.ATS_OPERATOR),
        "integration_received",
        id=application.public_id,
    )
    return application


@transaction.atomic
def application_admissibility(
    *, application: Application, by, checklist: dict[str, bool], admissible: bool, note: str = ""
) -> Application:
    require_application_manager(by, application)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=application.pk)
    )
    if application.state not in (
        Application.State.SUBMITTED,
        Application.State.ADMISSIBLE,
        Application.State.INADMISSIBLE,
    ):
        raise ValidationError(
            _(
                "L'istruttoria di ammissibilità si fa sulle domande inviate, prima della "
                "valutazione."
            ),
            code="state",
        )
    items = checklist_items(application.call)
    unchecked = [item for item in items if not checklist.get(item)]
    if admissible and unchecked:
        raise ValidationError(
            _("Per dichiarare la domanda ammissibile spunta tutte le verifiche: mancano %(items)s.")
            % {"items": "; ".join(unchecked)},
            code="checklist",
        )
    if not admissible and not note.strip():
        raise field_error("note", _("Scrivi il motivo della non ammissibilità."))
    application.admissibility_checklist = {item: bool(checklist.get(item)) for item in items}
    application.admissibility_note = note
    application.state = (
        Application.State.ADMISSIBLE if admissible else Application.State.INADMISSIBLE
    )
    application.integration_request = ""
    application.integration_deadline = None
    application.save()
    record_event(application, by, note)
    send_mail(
        applicant_emails(application),
        "admissibility",
        id=application.public_id,
        state=application.get_state_display().lower(),
        note=note,
    )
    return application
