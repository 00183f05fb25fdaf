"""Schemes: who may open one, their terms, and whether applications are open."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from schwifty import BIC
from schwifty.exceptions import SchwiftyException

from equilibri.accounts.roles import Role, object_ids_for
from equilibri.core.categories import CATEGORY_LABELS
from equilibri.plans.models import Action

from ..models import Scheme
from .permissions import require_manager

# The keywords scheme_create and scheme_update take for the scheme's terms.
SCHEME_FIELDS = set(Scheme.MANAGER_FIELDS) - {"action", "comuni"}


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
    if scheme.debtor_bic:
        try:
            scheme.debtor_bic = str(BIC(scheme.debtor_bic.strip()))
        except SchwiftyException:
            errors["debtor_bic"] = [_("Il BIC non è valido (8 o 11 caratteri, es. BCITITMM).")]
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
    require_manager(scheme, by)
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


def require_open(scheme: Scheme) -> None:
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
