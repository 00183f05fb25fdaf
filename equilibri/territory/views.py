from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
def comune_suggest(request: HttpRequest) -> HttpResponse:
    """Suggestions for the comune picker: <option> elements for its datalist."""
    # The picker sends its own name=value, whatever the field is called in the form.
    query = next((str(value) for value in request.GET.values() if value), "")
    comuni = selectors.comune_suggestions(query[:100])
    return render(request, "territory/comune_options.html", {"comuni": comuni})
