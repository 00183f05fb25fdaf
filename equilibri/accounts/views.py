import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import personal_data, selectors, services
from .decorators import signed_in_required
from .forms import ProfileForm
from .identity_adapter import is_staff_account
from .nav import nav_for
from .roles import grants_of
from .todo import todo_for


@signed_in_required
def home(request: HttpRequest) -> HttpResponse:
    """The reserved area: what waits for the person (each app's count, scoped to their ATS, see
    todo.py) and what they can do, by role."""
    return render(
        request,
        "accounts/home.html",
        {
            "grants": grants_of(request.user),
            "nav_items": nav_for(request.user),
            "todo": todo_for(request.user),
        },
    )


@signed_in_required
def profile(request: HttpRequest) -> HttpResponse:
    identity = selectors.verified_identity_of(request.user)
    form = ProfileForm(request.POST or None, instance=request.user, identity=identity)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(
            user=form.instance,
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
        )
        messages.success(request, _("Profilo aggiornato."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "identity": identity,
            "last_identity_login": selectors.last_identity_login(request.user),
            # Linking SPID or CIE to a password account; staff keep password and second factor.
            "can_link_identity": identity is None and not is_staff_account(request.user),
        },
    )


@signed_in_required
@require_POST
def export_my_data(request: HttpRequest) -> HttpResponse:
    data = personal_data.export_for(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="equilibri-dati-personali-{stamp}.json"'
    )
    return response
