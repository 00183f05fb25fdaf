"""Terms of other taxonomies in the reserved area (/area-riservata/servizi/termini-esterni/):
the ATS operator sees the terms that imported services of their ATS carry, with our
categories that look like them, maps each once to a category of ours, and lists the services
still to classify (services/foreign_terms.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from equilibri.accounts.decorators import staff_permission_required

from .foreign_term_forms import ForeignTermMapForm
from .models import TaxonomyTerm
from .services import foreign_terms as foreign

PER_PAGE = 25


def _page(request: HttpRequest, form_for: dict[int, ForeignTermMapForm] | None = None):
    terms = foreign.foreign_terms_visible_to(request.user).order_by(
        "term", "-to_classify", "taxonomy_name", "name", "pk"
    )
    page = Paginator(terms, PER_PAGE).get_page(request.GET.get("pagina"))
    ours = list(TaxonomyTerm.objects.order_by("name"))
    rows = [
        {
            "foreign": t,
            "suggested": foreign.suggested_terms(t, ours) if t.term_id is None else [],
            "form": (form_for or {}).get(t.pk) or ForeignTermMapForm(prefix=f"t{t.pk}"),
        }
        for t in page.object_list
    ]
    to_classify = foreign.services_to_classify(request.user).select_related("organisation")
    return {
        "page": page,
        "rows": rows,
        "to_classify": to_classify.order_by("name", "pk")[:PER_PAGE],
        "to_classify_count": to_classify.count(),
    }


@staff_permission_required("services.moderate")
def foreign_terms(request: HttpRequest) -> HttpResponse:
    return render(request, "services/reserved/foreign_terms.html", _page(request))


@require_POST
@staff_permission_required("services.moderate")
def foreign_term_map(request: HttpRequest, pk: int) -> HttpResponse:
    term = get_object_or_404(foreign.foreign_terms_visible_to(request.user), pk=pk)
    form = ForeignTermMapForm(request.POST, prefix=f"t{term.pk}")
    if form.is_valid():
        try:
            count = foreign.foreign_term_map(
                foreign_term=term, term=form.cleaned_data["term"], by=request.user
            )
        except ValidationError as exc:
            # Said above the list too: a term mapped meanwhile shows no form any more.
            messages.error(request, " ".join(exc.messages))
            form.add_error("term", exc.messages)
        else:
            messages.success(
                request,
                _("«%(foreign)s» associato a «%(term)s»: %(count)s servizi nella categoria.")
                % {
                    "foreign": term.name or term.code,
                    "term": form.cleaned_data["term"].name,
                    "count": count,
                },
            )
            return redirect("catalogue:foreign_terms")
    context = _page(request, {term.pk: form})
    return render(request, "services/reserved/foreign_terms.html", context, status=400)
