"""The worker's application: the draft, personal data, family, what is missing, sending
it."""

import datetime

from codicefiscale import codicefiscale
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.core import genders, identifiers

from .. import selectors
from ..models import ApplicationEvent, FamilyMember, Scheme, VoucherApplication
from .amounts import application_amount
from .checks import check_fiscal_code, check_iban, field_error
from .notifications import notify_employer
from .permissions import require_applicant, require_editable
from .schemes import require_open
from .transitions import change_state, locked

AppState = VoucherApplication.State


@transaction.atomic
def application_start(*, scheme: Scheme, by) -> VoucherApplication:
    """A draft for the signed-in worker (their existing draft for the scheme, if any)."""
    if not by.is_authenticated:
        raise PermissionDenied
    require_open(scheme)
    existing = VoucherApplication.objects.filter(
        scheme=scheme, applicant=by, state=AppState.DRAFT
    ).first()
    if existing:
        return existing
    application = VoucherApplication.objects.create(
        scheme=scheme, applicant=by, first_name=by.first_name, last_name=by.last_name
    )
    ApplicationEvent.objects.create(application=application, state=AppState.DRAFT, by=by)
    return application


PERSONAL_FIELDS = set(VoucherApplication.APPLICANT_FIELDS)


@transaction.atomic
def application_update(*, application: VoucherApplication, by, **fields) -> VoucherApplication:
    """Personal data, employer, IBAN and declarations. Invalid values are refused one by one
    (every error at once); nothing else of the draft changes."""
    require_applicant(application, by)
    require_editable(application)
    unknown = set(fields) - PERSONAL_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    scheme = application.scheme
    if fields.get("fiscal_code"):
        try:
            fields["fiscal_code"] = check_fiscal_code(fields["fiscal_code"])
        except ValidationError as error:
            errors.update(error.message_dict)
    if fields.get("iban"):
        try:
            fields["iban"] = check_iban(fields["iban"])
        except ValidationError as error:
            errors.update(error.message_dict)
    if fields.get("phone"):
        fields["phone"] = identifiers.normalise_phone(fields["phone"])
        try:
            identifiers.validate_phone(fields["phone"])
        except ValidationError as error:
            errors["phone"] = error.messages
    employer = fields.get("employer")
    if employer is not None and not selectors.eligible_employers(scheme).filter(pk=employer.pk):
        errors["employer"] = [
            _(
                "%(org)s non è tra le organizzazioni i cui dipendenti possono chiedere questo "
                "voucher: scegli il tuo datore di lavoro dall'elenco."
            )
            % {"org": employer}
        ]
    comune = fields.get("comune")
    if comune is not None and scheme.comuni.exists() and not scheme.comuni.filter(pk=comune.pk):
        errors["comune"] = [
            _("Il bando è riservato ai residenti di: %(comuni)s.")
            % {"comuni": ", ".join(c.name for c in scheme.comuni.all())}
        ]
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(application, name, value)
    if application.fiscal_code:
        application.gender = genders.from_fiscal_code(
            codicefiscale.decode(application.fiscal_code)["gender"]
        )
    application.save()
    return application


@transaction.atomic
def family_member_add(
    *, application: VoucherApplication, name: str, birth_date: datetime.date, relation: str, by
) -> FamilyMember:
    require_applicant(application, by)
    require_editable(application)
    if not name.strip():
        raise field_error("name", _("Scrivi il nome e cognome del familiare."))
    if birth_date > timezone.localdate():
        raise field_error("birth_date", _("La data di nascita non può essere nel futuro."))
    return FamilyMember.objects.create(
        application=application, name=name.strip(), birth_date=birth_date, relation=relation
    )


@transaction.atomic
def family_member_remove(*, member: FamilyMember, by) -> None:
    require_applicant(member.application, by)
    require_editable(member.application)
    member.delete()


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def application_missing(application: VoucherApplication) -> list[str]:
    """What the applicant must still do before sending (empty: ready)."""
    scheme = application.scheme
    missing = []
    if not (application.first_name and application.last_name and application.fiscal_code):
        missing.append(_("Completa nome, cognome e codice fiscale."))
    if not application.comune_id or not application.address:
        missing.append(_("Indica indirizzo e comune di residenza."))
    if not application.employer_id:
        missing.append(_("Scegli il tuo datore di lavoro."))
    if not application.iban:
        missing.append(_("Indica l'IBAN su cui ricevere il rimborso."))
    if scheme.declaration_list() and not application.declarations_accepted:
        missing.append(_("Conferma le autodichiarazioni."))
    if not application.expenses.exists():
        missing.append(_("Aggiungi almeno una spesa con la sua ricevuta."))
    attached = set(application.attachments.values_list("name", flat=True))
    for document in scheme.document_list():
        if document not in attached:
            missing.append(_("Allega il documento: %(name)s.") % {"name": document})
    if scheme.child_min_age is not None or scheme.child_max_age is not None:
        today = timezone.localdate()
        low = scheme.child_min_age or 0
        high = scheme.child_max_age if scheme.child_max_age is not None else 200
        children = application.family.filter(relation=FamilyMember.Relation.CHILD)
        if not any(low <= _age_on(c.birth_date, today) <= high for c in children):
            missing.append(
                _("Indica almeno un figlio o una figlia tra %(low)s e %(high)s anni.")
                % {"low": low, "high": high}
            )
    return missing


@transaction.atomic
def application_submit(*, application: VoucherApplication, by) -> VoucherApplication:
    require_applicant(application, by)
    application = locked(application)
    require_editable(application)
    scheme = application.scheme
    if application.state == AppState.DRAFT:
        require_open(scheme)
    missing = application_missing(application)
    if missing:
        raise ValidationError(missing)
    if application.employer_id and not selectors.eligible_employers(scheme).filter(
        pk=application.employer_id
    ):
        raise field_error("employer", _("Il datore di lavoro indicato non è ammesso dal bando."))
    result = application_amount(application)
    if result.amount <= 0:
        raise ValidationError(
            _(
                "Con queste spese il contributo (%(gross)s €) è sotto il minimo del bando "
                "(%(minimum)s €) o supera il massimo annuale già ricevuto: aggiungi altre spese."
            )
            % {"gross": result.gross, "minimum": scheme.minimum_amount or 0}
        )
    application.requested_amount = result.amount
    first_time = application.state == AppState.DRAFT
    if first_time:
        application.submitted_at = timezone.now()
    if not first_time and application.employer_confirmed_at:
        change_state(application, AppState.EMPLOYER_CONFIRMED, by, _("Integrazione inviata."))
        return application
    change_state(application, AppState.SUBMITTED, by)
    notify_employer(application)
    return application
