"""Public pages of the calls: the list, each call with its rules, documents and FAQ, and, once
decided, the admitted and funded applications with the act (as ATS Insubria publishes them)."""

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from equilibri.core.files import private_file_response

from . import selectors
from .models import CallDocument


def call_list(request: HttpRequest) -> HttpResponse:
    calls = selectors.public_calls().order_by("-closes_at")
    page = Paginator(calls, 20).get_page(request.GET.get("pagina"))
    return render(request, "calls/public/call_list.html", {"page": page, "now": timezone.now()})


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(selectors.public_calls(), pk=pk)
    now = timezone.now()
    return render(
        request,
        "calls/public/call_detail.html",
        {
            "call": call,
            "is_open": call.opens_at <= now <= call.closes_at,
            "results": selectors.published_results(call),
            "now": now,
        },
    )


def document(request: HttpRequest, pk: int) -> FileResponse:
    doc = get_object_or_404(CallDocument.objects.filter(call__in=selectors.public_calls()), pk=pk)

    return private_file_response(doc.file)
