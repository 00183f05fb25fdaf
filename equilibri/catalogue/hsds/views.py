"""Reserved-area HSDS import and export for ATS operators and superusers
(`catalogue:hsds_import`): upload a file to check or import it; `?esporta=json` or
`?esporta=csv` downloads the published catalogue (an ATS operator's network's part of it).
The import runs in the task worker (hsds/jobs.py); `catalogue:hsds_import_status` shows its
state and report to the person who uploaded it."""

import io
import tempfile
from typing import cast

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from equilibri.accounts.decorators import staff_required
from equilibri.network.selectors import managed_ats_ids

from ..tasks import run_hsds_import
from .interchange import (
    DEFAULT_MAX_BYTES,
    allowed_organisations,
    export_json,
    export_tabular,
)
from .jobs import store_upload


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
    partial = forms.BooleanField(
        label=_("Importa ciò che è valido e segnala il resto"),
        help_text=_(
            "Senza questa opzione un file con un solo record errato è rifiutato per intero."
        ),
        required=False,
        initial=False,
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
    """Upload an HSDS file: stored and handed to the task worker, which validates it whole and
    then writes all or nothing (or only checks it); the status page follows it."""
    _check_importer(request.user)
    if request.method == "GET" and request.GET.get("esporta") in {"json", "csv"}:
        return hsds_export(request.GET["esporta"], allowed_organisations(request.user))
    too_large = False
    form = ImportForm()
    if request.method == "POST":
        # Refused before the body is read: the declared length comes first (and the reader
        # counts the bytes it actually gets, whatever was declared).
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > _max_bytes():
            too_large = True
        else:
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                by = cast(int, request.user.pk)  # staff_required: signed in
                stored = store_upload(upload)
                # The task's row is written in this transaction: the worker sees it, and the
                # stored file, only once the request has committed.
                with transaction.atomic():
                    result = run_hsds_import.enqueue(
                        by,
                        stored,
                        upload.name,
                        form.cleaned_data["dry_run"],
                        form.cleaned_data["partial"],
                    )
                return redirect("catalogue:hsds_import_status", result.id)
    status = 413 if too_large else 200
    return render(
        request,
        "services/hsds_import.html",
        {"form": form, "too_large": too_large, "max_mb": _max_bytes() // (1024 * 1024)},
        status=status,
    )


@staff_required
@require_GET
def hsds_import_status(request: HttpRequest, result_id) -> HttpResponseBase:
    """Where an import is: queued, running, done (with its report), refused (with its errors)
    or failed. Only its importer (and superusers) see it: anyone else gets a 404."""
    _check_importer(request.user)
    try:
        result = run_hsds_import.get_result(str(result_id))
    except (TaskResultDoesNotExist, TaskResultMismatch, ValueError):
        raise Http404 from None
    if result.args[0] != request.user.pk and not request.user.is_superuser:
        raise Http404
    report = result.return_value if result.status == TaskResultStatus.SUCCESSFUL else None
    if result.status == TaskResultStatus.READY:
        state = "queued"
    elif result.status == TaskResultStatus.RUNNING:
        state = "running"
    elif report is not None:
        state = "done" if report["ok"] else "refused"
    else:
        state = "failed"
    context = {
        "state": state,
        "report": report,
        "source": result.args[2],
        "dry_run": result.args[3],
        "enqueued_at": result.enqueued_at,
    }
    template = "services/hsds_import_status.html"
    if request.headers.get("HX-Request"):
        template = "services/_hsds_import_state.html"
    return render(request, template, context)


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
