"""What the citizens' side adds to other apps' pages (the home page, a service page, the pages
after a booking or a voucher decision). Other apps are lower layers and cannot import this app:
their templates load these tags instead."""

from django import template

from .. import selectors
from ..forms import RatingForm

register = template.Library()


@register.inclusion_tag("citizens/includes/rating.html", takes_context=True)
def rating_form(context, moment: str, ats=None) -> dict:
    """ "Valuta la tua esperienza" after a booking, a voucher decision or a search; after the
    answer the person comes back to the page."""
    request = context.get("request")
    here = request.get_full_path() if request is not None else ""
    form = RatingForm(
        initial={"moment": moment, "ats": getattr(ats, "pk", ats), "next": here},
        auto_id=f"rating-{moment}-%s",
    )
    return {"form": form, "request": request, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("citizens/includes/home_opportunities.html", takes_context=True)
def open_opportunities(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    return {"opportunities": selectors.open_opportunities(user)}


@register.inclusion_tag("citizens/includes/service_extras.html", takes_context=True)
def service_extras(context, service) -> dict:
    """On a service page: the voucher schemes that may reimburse it and "save this service"."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "service": service,
        "schemes": selectors.service_schemes(service),
        "signed_in": bool(user and user.is_authenticated),
        "saved": bool(user and selectors.has_saved(user, service.pk)),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
