"""A call's definition by its ATS's operators: the call itself, its partnership rules, evaluation
criteria, macro-areas, FAQ and documents, and its publication."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.accounts.roles import Role, ats_ids_for
from equilibri.plans.services import check_money

from ..eligibility import describe
from ..models import (
    Call,
    CallCriterion,
    CallDocument,
    CallFAQ,
    CallMacroArea,
    CallRule,
)
from .changes import (
    check_window_extends,
    display_value,
    field_label,
    record_change,
    require_reason,
)
from .common import (
    check_upload,
    field_error,
    reject_unknown_fields,
    require_call_manager,
    save_valid,
)

# What an operator edits on a call, in the order of the call's form (forms.CallForm).
CALL_FIELDS = (
    "title",
    "legal_basis",
    "summary",
    "beneficiaries",
    "applicant_kind",
    "plan",
    "budget",
    "opens_at",
    "closes_at",
    "grant_percent",
    "grant_cap",
    "vat_excluded",
    "partial_last",
    "project_months",
    "report_days",
    "min_total_score",
    "quorum",
    "required_documents",
)


def _check_call(call: Call) -> None:
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        raise field_error(
            "closes_at",
            _("La chiusura delle domande deve venire dopo l'apertura: correggi una delle date."),
        )
    if call.plan_id and call.plan and call.plan.ats_id != call.ats_id:
        raise field_error(
            "plan",
            _("Scegli un piano territoriale di %(ats)s, l'ATS del bando.") % {"ats": call.ats},
        )
    call.budget = check_money(call.budget, _("La dotazione"), "budget")
    if call.grant_cap is not None:
        call.grant_cap = check_money(call.grant_cap, _("Il massimale"), "grant_cap")


@transaction.atomic
def call_create(*, ats, by, **fields) -> Call:
    reject_unknown_fields(fields, CALL_FIELDS)
    if not (by.is_superuser or ats.pk in ats_ids_for(by, Role.ATS_OPERATOR)):
        raise PermissionDenied(_("Puoi creare bandi solo per la tua ATS."))
    call = Call(ats=ats, created_by=by, **fields)
    _check_call(call)
    return save_valid(call)


@transaction.atomic
def call_update(*, call: Call, by, reason: str = "", **fields) -> Call:
    """Saves the call; once published, the change needs a reason, may only widen the window, and
    is kept and e-mailed (changes.py)."""
    reject_unknown_fields(fields, CALL_FIELDS)
    require_call_manager(by, call)
    call = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
    if call.decided_at:
        raise ValidationError(
            _("Il bando ha già l'atto di finanziamento: non si può più modificare."), code="decided"
        )
    old = Call.objects.get(pk=call.pk)
    for name, value in fields.items():
        setattr(call, name, value)
    _check_call(call)
    changed = [
        name for name in CALL_FIELDS if display_value(old, name) != display_value(call, name)
    ]
    # A date posted back unchanged by the form (to the minute) keeps its stored seconds.
    for name in set(fields) - set(changed):
        setattr(call, name, getattr(old, name))
    if changed and call.is_published:
        reason = require_reason(call, reason)
        check_window_extends(old, call)
    call = save_valid(call)
    record_change(
        call=call,
        by=by,
        reason=reason,
        before={field_label(name): display_value(old, name) for name in changed},
        after={field_label(name): display_value(call, name) for name in changed},
    )
    return call


@transaction.atomic
def call_publish(*, call: Call, by) -> Call:
    require_call_manager(by, call)
    call = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
    if call.is_published:
        return call
    missing = []
    if not call.criteria.exists():
        missing.append(_("i criteri di valutazione"))
    if call.applicant_kind == Call.ApplicantKind.ORGANISATIONS and not call.rules.exists():
        missing.append(_("le regole del partenariato"))
    if missing:
        raise ValidationError(
            _("Prima di pubblicare il bando aggiungi %(what)s.") % {"what": ", ".join(missing)},
            code="incomplete",
        )
    call.state = Call.State.PUBLISHED
    call.published_at = timezone.now()
    call.save(update_fields=["state", "published_at"])
    return call


@transaction.atomic
def call_rule_add(
    *, call: Call, by, kind: str, number=None, kinds=(), sizes=(), label="", reason=""
) -> CallRule:
    require_call_manager(by, call)
    Kind = CallRule.Kind
    needs_number = {Kind.MIN_MEMBERS, Kind.MAX_MEMBERS, Kind.MIN_OF_KINDS, Kind.MIN_OF_SIZES}
    needs_kinds = {Kind.MIN_OF_KINDS, Kind.ELIGIBLE_KINDS, Kind.RUNTS_REQUIRED, Kind.LEAD_KINDS}
    needs_sizes = {Kind.MIN_OF_SIZES, Kind.ELIGIBLE_SIZES}
    if kind in needs_number and not number:
        raise field_error("number", _("Questa regola richiede un numero: indicalo."))
    if kind in needs_kinds and not kinds:
        raise field_error("kinds", _("Questa regola richiede almeno una tipologia: sceglila."))
    if kind in needs_sizes and not sizes:
        raise field_error("sizes", _("Questa regola richiede almeno una dimensione: sceglila."))
    if kind == Kind.DECLARATION and not label.strip():
        raise field_error("label", _("Scrivi il testo della dichiarazione."))
    reason = require_reason(call, reason)
    rule = CallRule(
        call=call,
        kind=kind,
        number=number,
        kinds=list(kinds),
        sizes=list(sizes),
        label=label,
        order=call.rules.count(),
    )
    save_valid(rule)
    record_rule_change(call, by, reason, before="", after=describe(rule))
    return rule


def record_rule_change(call: Call, by, reason: str, *, before: str, after: str) -> None:
    label = str(CallRule._meta.verbose_name)
    record_change(call=call, by=by, reason=reason, before={label: before}, after={label: after})


@transaction.atomic
def call_criterion_add(
    *, call: Call, by, name: str, max_score, min_score=0, description=""
) -> CallCriterion:
    require_call_manager(by, call)
    max_score = Decimal(str(max_score))
    min_score = Decimal(str(min_score or 0))
    if min_score > max_score:
        raise field_error(
            "min_score",
            _("La soglia minima (%(min)s) supera il punteggio massimo (%(max)s): abbassala.")
            % {"min": min_score, "max": max_score},
        )
    criterion = CallCriterion(
        call=call,
        name=name,
        description=description,
        max_score=max_score,
        min_score=min_score,
        order=call.criteria.count(),
    )
    return save_valid(criterion)


@transaction.atomic
def call_macro_area_add(*, call: Call, by, name: str, category=None) -> CallMacroArea:
    require_call_manager(by, call)
    area = CallMacroArea(call=call, name=name, category=category, order=call.macro_areas.count())
    return save_valid(area)


@transaction.atomic
def call_faq_add(*, call: Call, by, question: str, answer: str) -> CallFAQ:
    require_call_manager(by, call)
    faq = CallFAQ(call=call, question=question, answer=answer, order=call.faqs.count())
    return save_valid(faq)


@transaction.atomic
def call_document_add(*, call: Call, by, title: str, file: UploadedFile) -> CallDocument:
    require_call_manager(by, call)
    document = CallDocument(call=call, title=title, file=check_upload(file))
    return save_valid(document)
