from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .forms import NearestDeskForm

DEFAULT_RADIUS_KM = 25


def nearest(request: HttpRequest) -> HttpResponse:
    """Public: the help desks nearest to a comune."""
    form = NearestDeskForm(request.GET or None, auto_id="desk-%s")
    results = None
    if form.is_valid():
        radius = form.cleaned_data["raggio"] or DEFAULT_RADIUS_KM
        results = selectors.desks_near(form.cleaned_data["comune"], radius)
    return render(request, "desks/nearest.html", {"form": form, "results": results})
