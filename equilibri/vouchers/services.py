"""Vouchers: every state change is one function `<entity>_<action>(*, ..., by=user)` in a
transaction; e-mails are enqueued on the background queue after commit.

Budget. `Scheme.reserved` is the money committed to approved, partly approved and paid
applications. Approving reserves with ONE conditional UPDATE
(`reserved = reserved + amount WHERE reserved <= budget - amount`): the database evaluates the
condition on the row it locks, so concurrent approvals never overspend (on PostgreSQL a naive
read-check-write would). When the UPDATE matches no row the application goes to "waiting".

Waiting queue. A waiting application has already been decided on its merits (its approved
amount is set): it only lacks budget. When budget is freed (rejection after approval, partial
payment) the queue moves up automatically, strictly in submission order: the first waiting
application is approved if its amount fits, and the queue stops at the first that does not fit
(no later, smaller application overtakes an earlier one).
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from codicefiscale import codicefiscale
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from equilibri.accounts.roles import Role, object_ids_for
from equilibri.core import audit, identifiers, mail
from equilibri.core.categories import CATEGORY_LABELS
from equilibri.core.money import money_value
from equilibri.core.uploads import CheckedUpload, check_upload
from equilibri.network.models import OrganisationRole
from equilibri.plans.models import Action

from . import selectors
from .models import (
    ApplicationEvent,
    Attachment,
    DocumentCheck,
    ExpenseLine,
    FamilyMember,
    Payment,
    PaymentBatch,
    Scheme,
    VoucherApplication,
)

A = VoucherApplication.State
CENT = Decimal("0.01")
DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EDITABLE = (A.DRAFT, A.INTEGRATION_REQUESTED)
# States the manager may still reject (paid is final).
REJECTABLE = (
    A.SUBMITTED,
    A.INTEGRATION_REQUESTED,
    A.EMPLOYER_CONFIRMED,
    A.WAITING,
    A.APPROVED,
    A.PARTLY_APPROVED,
)


def max_upload_bytes() -> int:
    return int(getattr(settings, "VOUCHER_RECEIPT_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def retention_years() -> int:
    return int(getattr(settings, "VOUCHER_RETENTION_YEARS", 10))


# ---------------------------------------------------------------------------------------------
# The amount rule (pure)


@dataclass(frozen=True)
class AmountRule:
    percentage: Decimal
    cap_per_application: Decimal | None = None
    cap_per_family_year: Decimal | None = None
    minimum: Decimal | None = None

    @classmethod
    def of(cls, scheme: Scheme) -> "AmountRule":
        return cls(
            scheme.percentage,
            scheme.cap_per_application,
            scheme.cap_per_family_year,
            scheme.minimum_amount,
        )


@dataclass(frozen=True)
class AmountResult:
    amount: Decimal  # what the scheme pays (0 below the minimum)
    gross: Decimal  # the percentage of the expense, before caps
    capped: bool  # a cap lowered it
    below_minimum: bool


def compute_amount(
    rule: AmountRule, expense_total: Decimal, *, granted_this_year: Decimal = Decimal("0")
) -> AmountResult:
    """The contribution for `expense_total` (euros): the percentage, rounded to the cent
    (half up), then at most the cap per application and what is left of the family's yearly cap
    (`granted_this_year` already granted to the family); below the minimum nothing is due."""
    if expense_total <= 0:
        return AmountResult(Decimal("0.00"), Decimal("0.00"), False, False)
    gross = (expense_total * rule.percentage / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    amount = gross
    if rule.cap_per_application is not None:
        amount = min(amount, rule.cap_per_application)
    if rule.cap_per_family_year is not None:
        amount = min(amount, max(rule.cap_per_family_year - granted_this_year, Decimal("0")))
    amount = amount.quantize(CENT)
    capped = amount < gross
    if rule.minimum is not None and amount < rule.minimum:
        return AmountResult(Decimal("0.00"), gross, capped, True)
    return AmountResult(amount, gross, capped, False)


def granted_this_year(application: VoucherApplication, year: int | None = None) -> Decimal:
    """What the same family (the applicant's fiscal code) already has from this scheme this
    year: approved amounts of decided applications, requested amounts of pending ones."""
    if not application.fiscal_code:
        return Decimal("0")
    year = year or timezone.localdate().year
    others = (
        VoucherApplication.objects.filter(
            scheme_id=application.scheme_id,
            fiscal_code=application.fiscal_code,
            submitted_at__year=year,
        )
        .exclude(pk=application.pk)
        .exclude(state__in=[A.DRAFT, A.REJECTED])
    )
    total = Decimal("0")
    for other in others:
        if other.state in (A.APPROVED, A.PARTLY_APPROVED, A.WAITING):
            total += other.approved_amount
        elif other.state == A.PAID:
            total += other.paid_amount
        else:
            total += other.requested_amount
    return total


def application_amount(application: VoucherApplication) -> AmountResult:
    total = application.expenses.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return compute_amount(
        AmountRule.of(application.scheme), total, granted_this_year=granted_this_year(application)
    )


# ---------------------------------------------------------------------------------------------
# Validation helpers


def _error(field: str | None, message: str) -> ValidationError:
    return ValidationError({field: [message]} if field else message)


def check_amount(value: Any, field: str = "amount") -> Decimal:
    """A positive amount in euros with at most two decimals."""
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as error:
        raise _error(field, _("Scrivi l'importo in euro, ad esempio 120,50.")) from error
    if not amount.is_finite() or amount <= 0:
        raise _error(field, _("L'importo deve essere maggiore di zero."))
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise _error(field, _("L'importo può avere al massimo due decimali (i centesimi)."))
    if amount >= Decimal("10000000000"):
        raise _error(field, _("L'importo è troppo grande."))
    return amount.quantize(CENT)


def check_fiscal_code(value: str, field: str = "fiscal_code") -> str:
    """The canonical code (the family's yearly cap compares it), or a clear error."""
    code = identifiers.normalise_tax_code(value)
    try:
        identifiers.validate_person_fiscal_code(code)
    except ValidationError as error:
        raise _error(field, error.messages[0]) from None
    return code


def check_provider_tax_id(value: str, field: str = "provider_tax_id") -> str:
    code = identifiers.normalise_tax_code(value)
    if identifiers.is_vat_number(code) or identifiers.is_person_fiscal_code(code):
        return code
    raise _error(
        field,
        _(
            "«%(value)s» non è una partita IVA (11 cifre) né un codice fiscale (16 caratteri) "
            "valido: copialo dalla ricevuta."
        )
        % {"value": value},
    )


def check_iban(value: str, field: str = "iban") -> str:
    code = identifiers.normalise_iban(value)
    try:
        identifiers.validate_iban(code)
    except ValidationError as error:
        raise _error(field, error.messages[0]) from None
    return code


def check_file(upload: UploadedFile, field: str = "file") -> CheckedUpload:
    """The receipt or document to store, checked by its content (equilibri.core.uploads: a clean
    PDF, or a JPEG / PNG re-encoded without its metadata), or an error on its form field."""
    try:
        return check_upload(upload, max_bytes=max_upload_bytes())
    except ValidationError as error:
        raise _error(field, error.messages[0]) from error


def receipt_key(provider_tax_id: str, receipt_number: str) -> str:
    """Provider and receipt number in one canonical form: the same receipt typed another way
    (full-width, spaces, dashes, lower case) is the same key, never claimed twice."""
    number = "".join(ch for ch in identifiers.clean_text(receipt_number).upper() if ch.isalnum())
    return f"{identifiers.normalise_tax_code(provider_tax_id)}:{number}"[:80]


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# ---------------------------------------------------------------------------------------------
# Permissions and events


def is_manager(user, scheme: Scheme) -> bool:
    return selectors.schemes_managed_by(user).filter(pk=scheme.pk).exists()


def _require_manager(scheme: Scheme, by) -> None:
    if not is_manager(by, scheme):
        raise PermissionDenied


def _require_applicant(application: VoucherApplication, by) -> None:
    if application.applicant_id is None or application.applicant_id != by.pk:
        raise PermissionDenied


def _require_editable(application: VoucherApplication) -> None:
    """On the stored state (the caller's copy may be older)."""
    state = VoucherApplication.objects.filter(pk=application.pk).values_list("state", flat=True)
    if state.first() not in EDITABLE:
        raise ValidationError(_("La domanda è già stata inviata: non si può più modificare."))


def _lock(application: VoucherApplication) -> VoucherApplication:
    """The application's row, locked until the end of the transaction, with its fresh state."""
    return VoucherApplication.objects.select_for_update().get(pk=application.pk)


def _move(application: VoucherApplication, to: str, by, note: str = "") -> None:
    before = application.state
    application.state = to
    application.save()
    ApplicationEvent.objects.create(
        application=application, from_state=before, state=to, by=by, note=note
    )
    _notify_state(application, note)


def _notify_state(application: VoucherApplication, note: str) -> None:
    if application.applicant is None:
        return
    mail.send(
        application.applicant,
        "vouchers/mail/state_changed",
        {
            "scheme": application.scheme.title,
            "state": VoucherApplication.State(application.state).label,
            "number": application.pk,
            "note": note,
        },
    )


def _notify_employer(application: VoucherApplication) -> None:
    if application.employer_id is None:
        return
    admins = OrganisationRole.objects.filter(
        organisation_id=application.employer_id, role=Role.ORG_ADMIN
    ).select_related("user")
    mail.send(
        [role.user for role in admins],
        "vouchers/mail/attestation_requested",
        {
            "name": application.full_name,
            "scheme": application.scheme.title,
            "employer": application.employer,
            "number": application.pk,
        },
    )


# ---------------------------------------------------------------------------------------------
# Schemes

SCHEME_FIELDS = {
    "title",
    "description",
    "budget",
    "partner_employees_only",
    "child_min_age",
    "child_max_age",
    "categories",
    "percentage",
    "cap_per_application",
    "cap_per_family_year",
    "minimum_amount",
    "claim_within_days",
    "opens_on",
    "closes_on",
    "expenses_from",
    "expenses_until",
    "required_documents",
    "declarations",
    "is_published",
}


def actions_for_schemes(user):
    """The actions on which the user may open a scheme: those of the projects they manage."""
    qs = Action.objects.select_related("project__plan__ats")
    if user.is_authenticated and user.is_superuser:
        return qs
    from django.db.models import Q

    from equilibri.accounts.roles import ats_ids_for

    return qs.filter(
        Q(project__alliance_id__in=object_ids_for(user, Role.ALLIANCE_LEAD))
        | Q(project__plan__ats_id__in=ats_ids_for(user, Role.ATS_OPERATOR))
    )


def _check_scheme(scheme: Scheme) -> None:
    errors: dict[str, list[str]] = {}
    if scheme.closes_on < scheme.opens_on:
        errors["closes_on"] = [_("La chiusura delle domande deve seguire l'apertura.")]
    if scheme.expenses_until < scheme.expenses_from:
        errors["expenses_until"] = [_("La fine del periodo delle spese deve seguire l'inizio.")]
    if (
        scheme.child_min_age is not None
        and scheme.child_max_age is not None
        and scheme.child_max_age < scheme.child_min_age
    ):
        errors["child_max_age"] = [_("L'età massima deve essere almeno quella minima.")]
    unknown = [c for c in scheme.categories or [] if c not in CATEGORY_LABELS]
    if unknown:
        errors["categories"] = [_("Categorie sconosciute: %(c)s.") % {"c": ", ".join(unknown)}]
    if scheme.budget < scheme.reserved:
        errors["budget"] = [
            _("Il budget non può scendere sotto l'importo già impegnato (%(amount)s €).")
            % {"amount": scheme.reserved}
        ]
    others = Scheme.objects.filter(action_id=scheme.action_id).exclude(pk=scheme.pk).aggregate(
        total=Sum("budget")
    )["total"] or Decimal("0")
    if scheme.action.budget and others + scheme.budget > scheme.action.budget:
        errors.setdefault("budget", []).append(
            _("I bandi dell'azione superano il suo budget (%(budget)s €): restano %(left)s €.")
            % {"budget": scheme.action.budget, "left": max(scheme.action.budget - others, 0)}
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def scheme_create(*, action: Action, by, comuni=(), **fields) -> Scheme:
    if not actions_for_schemes(by).filter(pk=action.pk).exists():
        raise PermissionDenied
    unknown = set(fields) - SCHEME_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    scheme = Scheme(action=action, created_by=by, **fields)
    _check_scheme(scheme)
    scheme.full_clean(exclude=["created_by"])
    scheme.save()
    scheme.comuni.set(comuni)
    return scheme


@transaction.atomic
def scheme_update(*, scheme: Scheme, by, comuni=None, **fields) -> Scheme:
    _require_manager(scheme, by)
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    unknown = set(fields) - SCHEME_FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(scheme, name, value)
    _check_scheme(scheme)
    scheme.full_clean(exclude=["created_by"])
    scheme.save()
    if comuni is not None:
        scheme.comuni.set(comuni)
    return scheme


def scheme_is_open(scheme: Scheme, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return scheme.is_published and scheme.opens_on <= today <= scheme.closes_on


def _require_open(scheme: Scheme) -> None:
    if not scheme_is_open(scheme):
        raise ValidationError(
            _(
                "Le domande per «%(scheme)s» si presentano dal %(start)s al %(end)s: ora il bando "
                "non è aperto."
            )
            % {
                "scheme": scheme.title,
                "start": date_format(scheme.opens_on, "SHORT_DATE_FORMAT"),
                "end": date_format(scheme.closes_on, "SHORT_DATE_FORMAT"),
            }
        )


# ---------------------------------------------------------------------------------------------
# The worker's application


@transaction.atomic
def application_start(*, scheme: Scheme, by) -> VoucherApplication:
    """A draft for the signed-in worker (their existing draft for the scheme, if any)."""
    if not by.is_authenticated:
        raise PermissionDenied
    _require_open(scheme)
    existing = VoucherApplication.objects.filter(scheme=scheme, applicant=by, state=A.DRAFT).first()
    if existing:
        return existing
    application = VoucherApplication.objects.create(
        scheme=scheme, applicant=by, first_name=by.first_name, last_name=by.last_name
    )
    ApplicationEvent.objects.create(application=application, state=A.DRAFT, by=by)
    return application


PERSONAL_FIELDS = {
    "first_name",
    "last_name",
    "fiscal_code",
    "phone",
    "address",
    "comune",
    "iban",
    "employer",
    "declarations_accepted",
}


@transaction.atomic
def application_update(*, application: VoucherApplication, by, **fields) -> VoucherApplication:
    """Personal data, employer, IBAN and declarations. Invalid values are refused one by one
    (every error at once); nothing else of the draft changes."""
    _require_applicant(application, by)
    _require_editable(application)
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
        application.gender = codicefiscale.decode(application.fiscal_code)["gender"]
    application.save()
    return application


@transaction.atomic
def family_member_add(
    *, application: VoucherApplication, name: str, birth_date: datetime.date, relation: str, by
) -> FamilyMember:
    _require_applicant(application, by)
    _require_editable(application)
    if not name.strip():
        raise _error("name", _("Scrivi il nome e cognome del familiare."))
    if birth_date > timezone.localdate():
        raise _error("birth_date", _("La data di nascita non può essere nel futuro."))
    return FamilyMember.objects.create(
        application=application, name=name.strip(), birth_date=birth_date, relation=relation
    )


@transaction.atomic
def family_member_remove(*, member: FamilyMember, by) -> None:
    _require_applicant(member.application, by)
    _require_editable(member.application)
    member.delete()


@transaction.atomic
def expense_add(
    *,
    application: VoucherApplication,
    by,
    payer: str,
    receipt_number: str,
    receipt_date: datetime.date,
    provider_name: str,
    provider_tax_id: str,
    category: str,
    service: str,
    beneficiary: str,
    amount: Any,
    file: UploadedFile,
) -> ExpenseLine:
    """One receipt. Every problem is reported at once; a refused receipt changes nothing
    (the draft and the receipts already saved stay)."""
    _require_applicant(application, by)
    _require_editable(application)
    scheme = application.scheme
    errors: dict[str, list[str]] = {}

    def collect(check, *args):
        try:
            return check(*args)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            return None

    amount = collect(check_amount, amount)
    tax_id = collect(check_provider_tax_id, provider_tax_id)
    checked = collect(check_file, file) if file else None
    if not file:
        errors["file"] = [_("Allega la ricevuta (PDF, JPEG o PNG).")]
    today = timezone.localdate()
    if receipt_date > today:
        errors.setdefault("receipt_date", []).append(
            _("La data della ricevuta non può essere nel futuro.")
        )
    elif not scheme.expenses_from <= receipt_date <= scheme.expenses_until:
        errors.setdefault("receipt_date", []).append(
            _("La ricevuta è del %(date)s: il bando ammette spese dal %(start)s al %(end)s.")
            % {
                "date": date_format(receipt_date, "SHORT_DATE_FORMAT"),
                "start": date_format(scheme.expenses_from, "SHORT_DATE_FORMAT"),
                "end": date_format(scheme.expenses_until, "SHORT_DATE_FORMAT"),
            }
        )
    elif scheme.claim_within_days is not None and (today - receipt_date).days > (
        scheme.claim_within_days
    ):
        errors.setdefault("receipt_date", []).append(
            _(
                "La ricevuta è del %(date)s: il bando chiede di presentarla entro %(days)s "
                "giorni dalla spesa."
            )
            % {
                "date": date_format(receipt_date, "SHORT_DATE_FORMAT"),
                "days": scheme.claim_within_days,
            }
        )
    if scheme.categories and category not in scheme.categories:
        errors["category"] = [
            _("Il bando rimborsa solo: %(list)s.")
            % {"list": ", ".join(str(CATEGORY_LABELS.get(c, c)) for c in scheme.categories)}
        ]
    elif category not in CATEGORY_LABELS:
        errors["category"] = [_("Scegli la categoria del servizio dall'elenco.")]
    for field, value, message in (
        ("payer", payer, _("Scrivi chi ha pagato.")),
        ("receipt_number", receipt_number, _("Scrivi il numero della ricevuta.")),
        ("provider_name", provider_name, _("Scrivi il nome del fornitore.")),
        ("service", service, _("Descrivi il servizio.")),
        ("beneficiary", beneficiary, _("Scrivi chi ha ricevuto il servizio.")),
    ):
        if not (value or "").strip():
            errors.setdefault(field, []).append(message)
    key = receipt_key(tax_id, receipt_number) if tax_id and receipt_number.strip() else None
    if key and ExpenseLine.objects.filter(receipt_key=key).exists():
        errors.setdefault("receipt_number", []).append(_duplicate_message(receipt_number))
    if errors:
        raise ValidationError(errors)
    assert key is not None and amount is not None and checked is not None
    line = ExpenseLine(
        application=application,
        payer=payer.strip(),
        receipt_number=receipt_number.strip(),
        receipt_date=receipt_date,
        provider_name=provider_name.strip(),
        provider_tax_id=tax_id,
        category=category,
        service=service.strip(),
        beneficiary=beneficiary.strip(),
        amount=amount,
        file_type=checked.content_type,
        receipt_key=key,
    )
    line.file.save(checked.name, checked, save=False)
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as error:  # the same receipt, saved by a concurrent request
        line.file.delete(save=False)
        raise _error("receipt_number", _duplicate_message(receipt_number)) from error
    return line


def _duplicate_message(number: str) -> str:
    return _(
        "La ricevuta n. %(number)s di questo fornitore è già stata presentata (in questa o in "
        "un'altra domanda): ogni ricevuta si rimborsa una sola volta."
    ) % {"number": number}


@transaction.atomic
def expense_remove(*, line: ExpenseLine, by) -> None:
    _require_applicant(line.application, by)
    _require_editable(line.application)
    line.file.delete(save=False)
    line.delete()


@transaction.atomic
def attachment_add(
    *, application: VoucherApplication, name: str, file: UploadedFile, by
) -> Attachment:
    _require_applicant(application, by)
    _require_editable(application)
    if name not in application.scheme.document_list():
        raise _error("name", _("Scegli il documento dall'elenco di quelli richiesti."))
    if not file:
        raise _error("file", _("Allega il documento (PDF, JPEG o PNG)."))
    checked = check_file(file)
    attachment = Attachment(application=application, name=name, file_type=checked.content_type)
    attachment.file.save(checked.name, checked, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by) -> None:
    _require_applicant(attachment.application, by)
    _require_editable(attachment.application)
    attachment.file.delete(save=False)
    attachment.delete()


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
    _require_applicant(application, by)
    application = _lock(application)
    _require_editable(application)
    scheme = application.scheme
    if application.state == A.DRAFT:
        _require_open(scheme)
    missing = application_missing(application)
    if missing:
        raise ValidationError(missing)
    if application.employer_id and not selectors.eligible_employers(scheme).filter(
        pk=application.employer_id
    ):
        raise _error("employer", _("Il datore di lavoro indicato non è ammesso dal bando."))
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
    first_time = application.state == A.DRAFT
    if first_time:
        application.submitted_at = timezone.now()
    if not first_time and application.employer_confirmed_at:
        _move(application, A.EMPLOYER_CONFIRMED, by, _("Integrazione inviata."))
        return application
    _move(application, A.SUBMITTED, by)
    _notify_employer(application)
    return application


# ---------------------------------------------------------------------------------------------
# Employer attestation


@transaction.atomic
def application_attest(
    *, application: VoucherApplication, confirmed: bool, note: str = "", by
) -> VoucherApplication:
    """The employer's organisation admin confirms (or denies) the employment."""
    if not selectors.applications_attested_by(by).filter(pk=application.pk).exists():
        raise PermissionDenied
    application = _lock(application)
    if application.state != A.SUBMITTED or application.employer_confirmed_at:
        raise ValidationError(_("Questa domanda non attende la conferma del datore di lavoro."))
    if confirmed:
        application.employer_confirmed_at = timezone.now()
        _move(application, A.EMPLOYER_CONFIRMED, by, note)
    else:
        if not note.strip():
            raise _error("note", _("Spiega perché il rapporto di lavoro non è confermato."))
        application.decision_reason = _(
            "Il datore di lavoro non conferma il rapporto di lavoro: %(note)s"
        ) % {"note": note.strip()}
        _move(application, A.REJECTED, by, application.decision_reason)
    return application


# ---------------------------------------------------------------------------------------------
# Review


@transaction.atomic
def documents_check(
    *, application: VoucherApplication, checks: dict[str, tuple[str, str]], by
) -> None:
    """The checklist: `checks` maps "expense-<pk>" / "attachment-<pk>" to (state, note)."""
    _require_manager(application.scheme, by)
    if application.state in (A.DRAFT, A.PAID, A.REJECTED):
        raise ValidationError(_("Le verifiche si registrano sulle domande in istruttoria."))
    valid = set(DocumentCheck.values)
    for key, (state, note) in checks.items():
        if state not in valid:
            raise ValidationError(_("Esito della verifica non valido."))
        kind, _sep, pk = key.partition("-")
        if not pk.isdigit() or kind not in ("expense", "attachment"):
            continue
        model = ExpenseLine if kind == "expense" else Attachment
        # Saved one by one (a few documents): the audit log keeps each outcome before and after.
        document = model.objects.filter(application=application, pk=int(pk)).first()
        if document is None:
            continue
        document.check_state = state
        document.check_note = note[:300]
        document.save(update_fields=["check_state", "check_note"])


@transaction.atomic
def application_request_integration(
    *, application: VoucherApplication, message: str, deadline: datetime.date, by
) -> VoucherApplication:
    _require_manager(application.scheme, by)
    application = _lock(application)
    if application.state not in (A.SUBMITTED, A.EMPLOYER_CONFIRMED):
        raise ValidationError(
            _("Si può chiedere un'integrazione solo a una domanda in istruttoria.")
        )
    errors = {}
    if not message.strip():
        errors["message"] = [_("Scrivi che cosa deve integrare chi ha presentato la domanda.")]
    if deadline <= timezone.localdate():
        errors["deadline"] = [_("La scadenza dell'integrazione deve essere nel futuro.")]
    if errors:
        raise ValidationError(errors)
    application.integration_message = message.strip()
    application.integration_deadline = deadline
    note = _("%(message)s (entro il %(date)s)") % {
        "message": message.strip(),
        "date": date_format(deadline, "SHORT_DATE_FORMAT"),
    }
    _move(application, A.INTEGRATION_REQUESTED, by, note)
    return application


def integration_reminders_send() -> int:
    """The day before an additions deadline, a reminder to each applicant who has not sent them
    yet (run daily by the scheduler). Returns how many were sent."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    due = VoucherApplication.objects.filter(
        state=A.INTEGRATION_REQUESTED, integration_deadline=tomorrow, applicant__isnull=False
    ).select_related("scheme", "applicant")
    sent = 0
    for application in due:
        assert application.applicant is not None  # filtered above
        mail.send(
            application.applicant,
            "vouchers/mail/integration_reminder",
            {
                "number": application.pk,
                "scheme": application.scheme.title,
                "date": date_format(tomorrow, "SHORT_DATE_FORMAT"),
                "message": application.integration_message,
            },
        )
        sent += 1
    return sent


def _reserve(scheme_id: int, amount: Decimal) -> bool:
    """Reserves `amount` of the scheme's budget in one conditional UPDATE; False if it does
    not fit. Exact on both databases: the columns and the value are whole cents (core.money)."""
    cents = money_value(amount)
    reserved = Scheme.objects.filter(pk=scheme_id, reserved__lte=F("budget") - cents).update(
        reserved=F("reserved") + cents
    )
    if reserved:
        _log_budget(scheme_id, amount)
    return bool(reserved)


def _log_budget(scheme_id: int, change: Decimal) -> None:
    """The budget moves by conditional UPDATEs (the check and the change in one statement, so
    that two approvals never overspend it), which auditlog does not see."""
    audit.log_bulk(
        Scheme, [scheme_id], audit.UPDATE, fields=["reserved"], data={"reserved": str(change)}
    )


def _release(scheme_id: int, amount: Decimal, by) -> None:
    if amount > 0:
        Scheme.objects.filter(pk=scheme_id).update(reserved=F("reserved") - money_value(amount))
        _log_budget(scheme_id, -amount)
        _promote_waiting(scheme_id, by)


def _promote_waiting(scheme_id: int, by) -> int:
    """Approves waiting applications in submission order while their amounts fit."""
    promoted = 0
    queue = (
        VoucherApplication.objects.select_for_update()
        .filter(scheme_id=scheme_id, state=A.WAITING)
        .order_by("submitted_at", "pk")
    )
    for application in queue:
        if not _reserve(scheme_id, application.approved_amount):
            break
        target = (
            A.APPROVED
            if application.approved_amount >= application.requested_amount
            else A.PARTLY_APPROVED
        )
        _move(
            application,
            target,
            by,
            _("Approvata: si è liberato budget e la domanda era la prima in attesa."),
        )
        promoted += 1
    return promoted


@transaction.atomic
def application_approve(
    *, application: VoucherApplication, by, amount: Any = None, reason: str = ""
) -> VoucherApplication:
    """Approves in full (amount None or the requested amount) or in part (a lower amount, with
    a reason). Reserves the budget atomically, or puts the application in the waiting queue."""
    _require_manager(application.scheme, by)
    application = _lock(application)
    if application.state != A.EMPLOYER_CONFIRMED:
        raise ValidationError(
            _("Si approvano solo le domande confermate dal datore di lavoro e non ancora decise.")
        )
    requested = application.requested_amount
    value = requested if amount in (None, "") else check_amount(amount)
    if value > requested:
        raise _error(
            "amount",
            _("L'importo approvato non può superare quello richiesto (%(amount)s €).")
            % {"amount": requested},
        )
    partial = value < requested
    if partial and not reason.strip():
        raise _error(
            "reason",
            _("Spiega perché la domanda è approvata solo in parte: la motivazione è dovuta."),
        )
    application.approved_amount = value
    application.decision_reason = reason.strip()
    if _reserve(application.scheme_id, value):
        note = reason.strip() or _("Contributo approvato: %(amount)s €.") % {"amount": value}
        _move(application, A.PARTLY_APPROVED if partial else A.APPROVED, by, note)
    else:
        _move(
            application,
            A.WAITING,
            by,
            _(
                "Approvabile per %(amount)s €, ma il budget del bando è esaurito: la domanda "
                "attende in ordine di invio e sarà approvata appena si libera budget."
            )
            % {"amount": value},
        )
    return application


@transaction.atomic
def application_reject(*, application: VoucherApplication, reason: str, by) -> VoucherApplication:
    _require_manager(application.scheme, by)
    application = _lock(application)
    if application.state not in REJECTABLE:
        raise ValidationError(_("Questa domanda non si può più respingere."))
    if not reason.strip():
        raise _error("reason", _("Scrivi la motivazione del rifiuto."))
    held = application.state in (A.APPROVED, A.PARTLY_APPROVED)
    if held and Payment.objects.filter(application=application).exists():
        raise ValidationError(
            _("La domanda è in un lotto di pagamento: toglila dal lotto prima di respingerla.")
        )
    released = application.approved_amount if held else Decimal("0")
    application.decision_reason = reason.strip()
    application.approved_amount = Decimal("0")
    _move(application, A.REJECTED, by, reason.strip())
    _release(application.scheme_id, released, by)
    return application


# ---------------------------------------------------------------------------------------------
# Payments


@transaction.atomic
def batch_create(*, scheme: Scheme, title: str, by) -> PaymentBatch:
    """A batch with every approved application of the scheme not yet in a batch."""
    _require_manager(scheme, by)
    if not title.strip():
        raise _error("title", _("Dai un titolo al lotto, ad esempio «Rimborsi di novembre»."))
    ready_qs = (
        VoucherApplication.objects.select_for_update(of=("self",))
        .filter(scheme=scheme, state__in=[A.APPROVED, A.PARTLY_APPROVED], payment__isnull=True)
        .order_by("submitted_at", "pk")
    )
    ready = list(ready_qs)
    if not ready:
        raise ValidationError(_("Nessuna domanda approvata da pagare."))
    invalid = [a for a in ready if not identifiers.is_iban(a.iban)]
    if invalid:
        raise ValidationError(
            _("IBAN non valido nelle domande: %(list)s. Chiedi un'integrazione prima di pagarle.")
            % {"list": ", ".join(f"n. {a.pk}" for a in invalid)}
        )
    batch = PaymentBatch.objects.create(scheme=scheme, title=title.strip(), created_by=by)
    for application in ready:
        Payment.objects.create(
            batch=batch,
            application=application,
            amount=application.approved_amount,
            iban=identifiers.normalise_iban(application.iban),
            payee=application.full_name,
        )
    return batch


@transaction.atomic
def batch_mark_paid(
    *,
    batch: PaymentBatch,
    paid_on: datetime.date,
    by,
    amounts: dict[int, Decimal] | None = None,
) -> PaymentBatch:
    """The bank paid the batch on `paid_on`: every application is paid (with `amounts[pk]`
    when less than approved: the difference goes back to the budget and the queue moves up).
    The paid totals then feed the action's monitoring indicators."""
    _require_manager(batch.scheme, by)
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != PaymentBatch.State.OPEN:
        raise ValidationError(_("Il lotto è già stato pagato."))
    if paid_on > timezone.localdate():
        raise _error("paid_on", _("La data del pagamento non può essere nel futuro."))
    amounts = amounts or {}
    released = Decimal("0")
    for payment in batch.payments.select_related("application"):
        application = _lock(payment.application)
        paid = amounts.get(application.pk, payment.amount)
        if paid > payment.amount or paid < 0:
            raise ValidationError(
                _("Il pagamento della domanda n. %(n)s non può superare l'importo approvato.")
                % {"n": application.pk}
            )
        if paid != payment.amount:
            payment.amount = paid
            payment.save(update_fields=["amount"])
        released += application.approved_amount - paid
        application.paid_amount = paid
        application.paid_on = paid_on
        _move(
            application,
            A.PAID,
            by,
            _("Rimborso di %(amount)s € pagato il %(date)s.")
            % {"amount": paid, "date": date_format(paid_on, "SHORT_DATE_FORMAT")},
        )
    batch.state = PaymentBatch.State.PAID
    batch.paid_on = paid_on
    batch.save(update_fields=["state", "paid_on"])
    _release(batch.scheme_id, released, by)
    from equilibri.plans.services import indicator_feeds_refresh

    indicator_feeds_refresh(project=batch.scheme.action.project, on=paid_on)
    return batch


# ---------------------------------------------------------------------------------------------
# Monitoring feed and retention


def indicator_feed(action: Action, start: datetime.date, end: datetime.date) -> dict | None:
    """For plans.services: what the action's voucher schemes paid in the period (None when the
    action has no scheme)."""
    if not Scheme.objects.filter(action=action).exists():
        return None
    return selectors.paid_totals(action.pk, start, end)


ANONYMISED = "—"


@transaction.atomic
def application_anonymise(*, application: VoucherApplication) -> None:
    """Removes personal data, keeping amounts, states and gender for the statistics.

    Queryset updates rather than saves: a save's audit entry would keep the erased values as the
    change's "before". The audit log names the rows and fields erased instead."""
    lines = list(application.expenses.all())
    for line in lines:
        line.file.delete(save=False)
        ExpenseLine.objects.filter(pk=line.pk).update(
            payer=ANONYMISED, beneficiary=ANONYMISED, file="", receipt_key=f"anon:{line.pk}"
        )
    erased = {"reason": "anonymisation"}
    audit.log_bulk(
        ExpenseLine,
        [line.pk for line in lines],
        audit.UPDATE,
        fields=["payer", "beneficiary", "file", "receipt_key"],
        data=erased,
    )
    for attachment in application.attachments.all():
        attachment.file.delete(save=False)
    application.attachments.all().delete()
    application.family.all().delete()
    payments = Payment.objects.filter(application=application)
    audit.log_bulk(
        Payment,
        list(payments.values_list("pk", flat=True)),
        audit.UPDATE,
        fields=["iban", "payee"],
        data=erased,
    )
    payments.update(iban="", payee=ANONYMISED)
    audit.log_bulk(
        ApplicationEvent,
        list(application.events.values_list("pk", flat=True)),
        audit.UPDATE,
        fields=["note"],
        data=erased,
    )
    application.events.update(note="")
    audit.log_bulk(
        VoucherApplication,
        [application.pk],
        audit.UPDATE,
        fields=[
            "first_name",
            "last_name",
            "fiscal_code",
            "phone",
            "address",
            "iban",
            "decision_reason",
            "integration_message",
            "applicant",
            "anonymised_at",
        ],
        data=erased,
    )
    VoucherApplication.objects.filter(pk=application.pk).update(
        first_name="",
        last_name="",
        fiscal_code="",
        phone="",
        address="",
        iban="",
        decision_reason="",
        integration_message="",
        applicant=None,
        anonymised_at=timezone.now(),
    )


def anonymise_expired(today: datetime.date | None = None) -> int:
    """Anonymises the applications of schemes closed more than VOUCHER_RETENTION_YEARS ago."""
    today = today or timezone.localdate()
    try:
        cutoff = today.replace(year=today.year - retention_years())
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - retention_years(), day=28)
    expired = VoucherApplication.objects.filter(
        scheme__closes_on__lt=cutoff, anonymised_at__isnull=True
    )
    count = 0
    for application in expired:
        application_anonymise(application=application)
        count += 1
    return count
