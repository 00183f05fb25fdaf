"""A payment batch as CSV / XLSX for the bank (the shared exporter: equilibri.core.exporters)."""

from django.http import HttpRequest, HttpResponse
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
