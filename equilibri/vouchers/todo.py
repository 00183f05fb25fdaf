"""What waits for a voucher manager (the operator home's list, accounts.todo): applications
confirmed by the employer, to approve or reject; and for an employer: employments to attest."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from equilibri.accounts.todo import TodoItem

from . import rules
from .models import VoucherApplication
from .selectors import applications_attested_by, applications_reviewed_by

AppState = VoucherApplication.State


def todo(user) -> list[TodoItem]:
    items = []
    if rules.manages_vouchers(user):
        count = applications_reviewed_by(user).filter(state=AppState.EMPLOYER_CONFIRMED).count()
        items.append(
            TodoItem(
                _("Domande di voucher da approvare o respingere"),
                count,
                reverse("vouchers:scheme_list"),
                order=45,
            )
        )
    if rules.attests_employment(user):
        count = (
            applications_attested_by(user)
            .filter(state=AppState.SUBMITTED, employer_confirmed_at__isnull=True)
            .count()
        )
        items.append(
            TodoItem(
                _("Rapporti di lavoro da attestare per le domande di voucher"),
                count,
                reverse("vouchers:attestation_list"),
                order=46,
            )
        )
    return items
