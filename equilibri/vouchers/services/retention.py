"""Retention: personal data of old applications is anonymised, the statistics stay."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from equilibri.core import audit

from ..models import ApplicationEvent, ExpenseLine, Payment, VoucherApplication


def retention_years() -> int:
    return int(getattr(settings, "VOUCHER_RETENTION_YEARS", 10))


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
