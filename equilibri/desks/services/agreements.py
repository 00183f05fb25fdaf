"""Collective agreements and the work-life balance measures they provide."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import CollectiveAgreement


@transaction.atomic
def agreement_save(
    *, agreement: CollectiveAgreement | None = None, by, **fields
) -> CollectiveAgreement:
    agreement = agreement or CollectiveAgreement()
    for name, value in fields.items():
        if name not in CollectiveAgreement.EDITABLE_FIELDS:
            raise TypeError(name)
        setattr(agreement, name, value)
    if not any(getattr(agreement, name).strip() for name in CollectiveAgreement.PROVISIONS):
        raise ValidationError(
            _(
                "Descrivi almeno una misura di conciliazione (congedi, flessibilità, part-time, "
                "lavoro agile o welfare)."
            )
        )
    agreement.full_clean()
    agreement.save()
    return agreement
