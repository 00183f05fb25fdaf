"""Schemes and applications as each user may see them: outside the scope is a 404.

- managers (the alliance lead of the scheme's project, the ATS operators of its plan's ATS,
  superusers) see and decide the scheme's applications;
- regional viewers read everything;
- organisation admins see the applications naming their organisation as employer (only what
  the attestation needs);
- workers (citizens) see their own applications only."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from equilibri.accounts.roles import Role, ats_ids_for, is_region_wide, object_ids_for
from equilibri.network.models import Organisation

from .models import ApplicationEvent, PaymentBatch, Scheme, VoucherApplication

AppState = VoucherApplication.State
# States in which an application holds part of the scheme's budget.
RESERVING = (AppState.APPROVED, AppState.PARTLY_APPROVED, AppState.PAID)


def public_schemes() -> QuerySet[Scheme]:
    return Scheme.objects.filter(is_published=True).select_related(
        "action__project__plan__ats", "action__project__alliance"
    )


def schemes_managed_by(user) -> QuerySet[Scheme]:
    qs = Scheme.objects.select_related("action__project__plan__ats", "action__project__alliance")
    if user.is_authenticated and user.is_superuser:
        return qs
    return qs.filter(
        Q(action__project__alliance_id__in=object_ids_for(user, Role.ALLIANCE_LEAD))
        | Q(action__project__plan__ats_id__in=ats_ids_for(user, Role.ATS_OPERATOR))
    )


def schemes_visible_to(user) -> QuerySet[Scheme]:
    if is_region_wide(user):
        return Scheme.objects.select_related(
            "action__project__plan__ats", "action__project__alliance"
        )
    return schemes_managed_by(user)


def applications_reviewed_by(user) -> QuerySet[VoucherApplication]:
    """Applications the user may read in full and decide (drafts stay private)."""
    return (
        VoucherApplication.objects.filter(scheme__in=schemes_visible_to(user).values("pk"))
        .exclude(state=AppState.DRAFT)
        .select_related("scheme__action__project__plan__ats", "employer", "applicant")
    )


def applications_attested_by(user) -> QuerySet[VoucherApplication]:
    """Applications naming one of the user's organisations (org admin) as employer."""
    qs = VoucherApplication.objects.exclude(state=AppState.DRAFT).select_related(
        "scheme__action__project", "employer"
    )
    if user.is_authenticated and user.is_superuser:
        return qs
    return qs.filter(employer_id__in=object_ids_for(user, Role.ORG_ADMIN))


def applications_of(user) -> QuerySet[VoucherApplication]:
    if not user.is_authenticated:
        return VoucherApplication.objects.none()
    return VoucherApplication.objects.filter(
        applicant=user, anonymised_at__isnull=True
    ).select_related("scheme__action__project", "employer", "comune")


def batches_visible_to(user) -> QuerySet[PaymentBatch]:
    visible = schemes_visible_to(user).values("pk")
    return PaymentBatch.objects.filter(scheme__in=visible).select_related("scheme")


def eligible_employers(scheme: Scheme) -> QuerySet[Organisation]:
    """The organisations whose employees may apply: the project's lead and partners (or every
    organisation when the scheme is open to all workers)."""
    if not scheme.partner_employees_only:
        return Organisation.objects.order_by("name")
    project = scheme.action.project
    return (
        Organisation.objects.filter(
            Q(pk=project.lead_id) | Q(project_partnerships__project_id=project.pk)
        )
        .distinct()
        .order_by("name")
    )


def scheme_counts(scheme: Scheme) -> dict[str, int]:
    rows = scheme.applications.exclude(state=AppState.DRAFT).values("state").annotate(n=Count("pk"))
    return {row["state"]: row["n"] for row in rows}


def waiting_queue(scheme: Scheme) -> QuerySet[VoucherApplication]:
    return scheme.applications.filter(state=AppState.WAITING).order_by("submitted_at", "pk")


def queue_position(application: VoucherApplication) -> int | None:
    """Where an application waiting for budget stands in its scheme's queue (1: the first to
    be approved when budget frees up), in the order `waiting_queue` approves them; None when it
    is not waiting."""
    if application.state != AppState.WAITING or application.submitted_at is None:
        return None
    ahead = waiting_queue(application.scheme).filter(
        Q(submitted_at__lt=application.submitted_at)
        | Q(submitted_at=application.submitted_at, pk__lt=application.pk)
    )
    return ahead.count() + 1


def events_of(user) -> QuerySet[ApplicationEvent]:
    """The timeline entries of the person's own applications, newest first (their
    notifications)."""
    return (
        ApplicationEvent.objects.filter(
            application__in=applications_of(user).values("pk"), from_state__gt=""
        )
        .select_related("application__scheme")
        .order_by("-at", "-pk")
    )


def application_missing(application: VoucherApplication) -> list[str]:
    """What the applicant must still do before sending a draft (empty: ready), for pages of
    other apps (the personal area); the check itself is the services' own."""
    from .services.applications import application_missing as missing

    return missing(application)


def open_schemes(*, ats_id: int | None = None, today=None) -> QuerySet[Scheme]:
    """Published schemes taking applications today, of one ATS when given."""
    from django.utils import timezone

    today = today or timezone.localdate()
    schemes = public_schemes().filter(opens_on__lte=today, closes_on__gte=today)
    if ats_id is not None:
        schemes = schemes.filter(action__project__plan__ats_id=ats_id)
    return schemes.order_by("closes_on", "title")


def schemes_reimbursing(
    *, categories: list[str], ats_id: int | None, action_id: int | None = None, today=None
) -> QuerySet[Scheme]:
    """Published schemes not yet closed that may reimburse a service: the scheme funds the
    service's own plan action, or it covers one of the service's categories in the service's
    ATS. The JSON list of categories is matched in Python (SQLite and PostgreSQL read JSON
    differently), over the few schemes of one ATS."""
    from django.utils import timezone

    today = today or timezone.localdate()
    schemes = public_schemes().filter(closes_on__gte=today)
    wanted = set(categories)
    by_action = set()
    if action_id is not None:
        by_action = set(schemes.filter(action_id=action_id).values_list("pk", flat=True))
    by_category = set()
    if ats_id is not None and wanted:
        for pk, covered in schemes.filter(action__project__plan__ats_id=ats_id).values_list(
            "pk", "categories"
        ):
            if wanted & set(covered or []):
                by_category.add(pk)
    return schemes.filter(pk__in=by_action | by_category).order_by("closes_on", "title")


def paid_totals(action_id: int, start, end) -> dict:
    """What the action's schemes paid in [start, end]: vouchers, euros, beneficiaries by gender
    (a person is counted once, by fiscal code)."""
    paid = VoucherApplication.objects.filter(
        scheme__action_id=action_id, state=AppState.PAID, paid_on__gte=start, paid_on__lte=end
    )
    total = paid.aggregate(n=Count("pk"), euros=Sum("paid_amount"))
    people = paid.values("fiscal_code", "gender").distinct()
    women = people.filter(gender=VoucherApplication.Gender.FEMALE).count()
    men = people.filter(gender=VoucherApplication.Gender.MALE).count()
    return {
        "vouchers": Decimal(total["n"] or 0),
        "euros": total["euros"] or Decimal("0"),
        "people": Decimal(people.count()),
        "women": Decimal(women),
        "men": Decimal(men),
    }


def export_for(user) -> list[dict]:
    """The worker's applications, for the personal-data download (GDPR art. 15 and 20)."""
    data = []
    for application in VoucherApplication.objects.filter(applicant=user).prefetch_related(
        "family", "expenses", "attachments", "events"
    ):
        data.append(
            {
                "scheme": application.scheme.title,
                "state": application.state,
                "first_name": application.first_name,
                "last_name": application.last_name,
                "fiscal_code": application.fiscal_code,
                "gender": application.gender,
                "phone": application.phone,
                "address": application.address,
                "comune": str(application.comune or ""),
                "iban": application.iban,
                "employer": str(application.employer or ""),
                "requested_amount": str(application.requested_amount),
                "approved_amount": str(application.approved_amount),
                "paid_amount": str(application.paid_amount),
                "paid_on": application.paid_on.isoformat() if application.paid_on else None,
                "decision_reason": application.decision_reason,
                "family": [
                    {"name": m.name, "relation": m.relation, "birth_date": m.birth_date.isoformat()}
                    for m in application.family.all()
                ],
                "expenses": [
                    {
                        "payer": e.payer,
                        "receipt_number": e.receipt_number,
                        "receipt_date": e.receipt_date.isoformat(),
                        "provider": e.provider_name,
                        "provider_tax_id": e.provider_tax_id,
                        "service": e.service,
                        "beneficiary": e.beneficiary,
                        "amount": str(e.amount),
                    }
                    for e in application.expenses.all()
                ],
                "documents": [a.name for a in application.attachments.all()],
                "timeline": [
                    {"at": e.at.isoformat(), "from": e.from_state, "to": e.state, "note": e.note}
                    for e in application.events.all()
                ],
            }
        )
    return data


def offers_for(comune, employer, ages: list[int]) -> list[dict]:
    """The open schemes a worker could apply to, for the catalogue's "what can I get?" helper
    (registered in apps.py: the catalogue is on the same layer and cannot import us)."""
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    offers = []
    schemes = public_schemes().filter(opens_on__lte=today, closes_on__gte=today)
    for scheme in schemes.prefetch_related("comuni"):
        allowed_comuni = list(scheme.comuni.all())
        if allowed_comuni and (comune is None or comune not in allowed_comuni):
            continue
        if scheme.partner_employees_only and (
            employer is None or not eligible_employers(scheme).filter(pk=employer.pk).exists()
        ):
            continue
        if scheme.child_min_age is not None or scheme.child_max_age is not None:
            low = scheme.child_min_age or 0
            high = scheme.child_max_age if scheme.child_max_age is not None else 200
            if not any(low <= age <= high for age in ages):
                continue
        offers.append(
            {
                "title": scheme.title,
                "url": reverse("vouchers_public:scheme_detail", args=[scheme.pk]),
                "description": scheme.description,
            }
        )
    return offers
