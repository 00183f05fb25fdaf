"""Reserved-area HSDS import and export for ATS operators and superusers, one page
(`catalogue:hsds_import`): upload a file to check or import it; `?esporta=json` or
`?esporta=csv` downloads the published catalogue (an ATS operator's network's part of it)."""

import io
import tempfile

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from equilibri.accounts.decorators import staff_required
from equilibri.network.selectors import managed_ats_ids

from .interchange import (
    DEFAULT_MAX_BYTES,
    allowed_organisations,
    export_json,
    export_tabular,
    import_hsds,
)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File HSDS"),
        help_text=_(
            "HSDS 3.0: un file JSON oppure un pacchetto di dati tabellari (zip di CSV con "
            "datapackage.json)."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Solo verifica: controlla il file senza scrivere nulla"),
        required=False,
        initial=True,
    )


def _check_importer(user) -> None:
    ats_ids = managed_ats_ids(user)
    if ats_ids is not None and not ats_ids:
        raise PermissionDenied


def _max_bytes() -> int:
    return getattr(settings, "HSDS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


@staff_required
@require_http_methods(["GET", "POST"])
def hsds_import(request: HttpRequest) -> HttpResponseBase:
    """Upload an HSDS file: validated whole, then written all or nothing (or only checked)."""
    _check_importer(request.user)
    if request.method == "GET" and request.GET.get("esporta") in {"json", "csv"}:
        return hsds_export(request.GET["esporta"], allowed_organisations(request.user))
    report = None
    too_large = False
    form = ImportForm()
    if request.method == "POST":
        # Refused before the body is read: the declared length comes first.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > _max_bytes():
            too_large = True
        else:
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = import_hsds(
                    form.cleaned_data["file"], by=request.user, dry_run=form.cleaned_data["dry_run"]
                )
    status = 413 if too_large else 200
    return render(
        request,
        "services/hsds_import.html",
        {
            "form": form,
            "report": report,
            "too_large": too_large,
            "max_mb": _max_bytes() // (1024 * 1024),
        },
        status=status,
    )


def hsds_export(fmt: str, organisations: set[int] | None) -> FileResponse:
    """The published catalogue as HSDS JSON or Tabular Data Package (zip of CSV): for an ATS
    operator their network's part of it, the part they may import again."""
    stamp = timezone.localdate().isoformat()
    # FileResponse closes the temporary file when the download is over.
    tmp = tempfile.TemporaryFile()  # noqa: SIM115
    if fmt == "csv":
        export_tabular(tmp, organisations)
        tmp.seek(0)
        return FileResponse(tmp, as_attachment=True, filename=f"equilibri-hsds-{stamp}.zip")
    text = io.TextIOWrapper(tmp, encoding="utf-8")
    export_json(text, organisations)
    text.flush()
    text.detach()
    tmp.seek(0)
    return FileResponse(
        tmp,
        as_attachment=True,
        filename=f"equilibri-hsds-{stamp}.json",
        content_type="application/json",
    )
