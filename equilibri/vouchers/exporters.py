"""A payment batch as CSV / XLSX for the bank (the shared exporter: equilibri.core.exporters)
and as a SEPA credit transfer file."""

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.core.exporters import Exporter, export_response

from .models import PaymentBatch


def batch_exporter(batch: PaymentBatch):
    def rows():
        for payment in batch.payments.select_related("application").order_by("pk"):
            application = payment.application
            yield [
                application.pk,
                payment.payee,
                application.fiscal_code,
                payment.iban,
                payment.amount,
                application.get_state_display(),
                batch.paid_on,
            ]

    return Exporter(
        name=f"voucher-{batch.title}",
        title=batch.title,
        headers=[
            _("Domanda"),
            _("Beneficiario"),
            _("Codice fiscale"),
            _("IBAN"),
            _("Importo (€)"),
            _("Stato"),
            _("Pagato il"),
        ],
        rows=rows,
    )


def batch_response(request: HttpRequest, batch: PaymentBatch, fmt: str) -> HttpResponse:
    return export_response(request, batch_exporter(batch), fmt)


# The SEPA credit transfer the bank imports: ISO 20022 pain.001.001.09, written and validated
# against the schema's XSD (bundled with sepaxml: sepaxml/schemas/pain.001.001.09.xsd) by
# sepaxml. Amounts go in as whole cents, so no rounding happens on the way.
SEPA_SCHEMA = "pain.001.001.09"


def batch_sepa_xml(batch: PaymentBatch, execution_date: datetime.date | None = None) -> bytes:
    """The batch as one SEPA credit transfer from the scheme's debtor account; refused (with a
    message for the manager) when the scheme has no valid debtor IBAN."""
    from sepaxml import SepaTransfer

    from .services import iban_compact

    scheme = batch.scheme
    debtor_iban = iban_compact(scheme.debtor_iban)
    if debtor_iban is None or not scheme.debtor_name.strip():
        raise ValidationError(
            _(
                "Per il file SEPA indica nel bando l'ente che paga e il suo IBAN "
                "(e il BIC, se la banca lo chiede)."
            )
        )
    config = {
        "name": scheme.debtor_name.strip()[:70],
        "IBAN": debtor_iban,
        "batch": True,
        "currency": "EUR",
    }
    if scheme.debtor_bic:
        config["BIC"] = scheme.debtor_bic.strip().upper()
    transfer = SepaTransfer(config, schema=SEPA_SCHEMA, clean=True)
    when = execution_date or timezone.localdate()
    for payment in batch.payments.order_by("pk"):
        transfer.add_payment(
            {
                "name": payment.payee[:70] or str(payment.application_id),
                "IBAN": iban_compact(payment.iban) or payment.iban,
                "amount": int((payment.amount * 100).to_integral_value()),
                "execution_date": when,
                "description": _("Rimborso voucher domanda n. %(n)s - %(scheme)s")
                % {"n": payment.application_id, "scheme": scheme.title},
                "endtoend_id": f"VOUCHER-{payment.application_id}",
            }
        )
    return transfer.export(validate=True)


def batch_sepa_response(batch: PaymentBatch) -> HttpResponse:
    response = HttpResponse(batch_sepa_xml(batch), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="sepa-lotto-{batch.pk}.xml"'
    return response
