from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from equilibri.accounts.decorators import staff_required

from . import selectors


@staff_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisations_visible_to(request.user)
    page = Paginator(organisations, 25).get_page(request.GET.get("pagina"))
    return render(request, "network/organisation_list.html", {"page": page})


@staff_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Outside the user's scope is a 404, the same as missing.
    organisation = get_object_or_404(selectors.organisations_visible_to(request.user), pk=pk)
    return render(request, "network/organisation_detail.html", {"organisation": organisation})
