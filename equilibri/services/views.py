from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .categories import CATEGORY_LABELS


def search(request: HttpRequest) -> HttpResponse:
    """Public service search. The catalogue is not there yet: the page says so honestly."""
    query = request.GET.get("q", "").strip()[:200]
    category = request.GET.get("categoria", "")
    return render(
        request,
        "services/search.html",
        {
            "query": query,
            "category_label": CATEGORY_LABELS.get(category),
        },
    )
