"""The desks an operator manages: the list, and creating and editing one."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from equilibri.accounts.decorators import staff_permission_required
from equilibri.accounts.roles import Role, ats_ids_for, has_role
from equilibri.core.forms import save_form
from equilibri.network.models import Organisation

from .. import selectors, services
from ..forms import DeskForm
from ..models import Desk


def _organisations_for(user):
    organisations = Organisation.objects.order_by("name")
    if has_role(user, Role.SUPERUSER):
        return organisations
    ats_ids = ats_ids_for(user, Role.ATS_OPERATOR, Role.DESK_OPERATOR)
    return organisations.filter(comune__ats_id__in=ats_ids)


def _check_comune(request: HttpRequest, comune) -> None:
    if has_role(request.user, Role.SUPERUSER):
        return
    if comune.ats_id not in ats_ids_for(request.user, Role.ATS_OPERATOR, Role.DESK_OPERATOR):
        raise ValidationError({"comune": _("Il comune è fuori dalla tua ATS.")})


@staff_permission_required("desks.manage")
def desk_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "desks/office/desk_list.html",
        {
            "desks": selectors.desks_managed_by(request.user),
            "creates": has_role(request.user, Role.ATS_OPERATOR, Role.SUPERUSER),
        },
    )


@staff_permission_required("desks.manage")
def desk_create(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.ATS_OPERATOR, Role.SUPERUSER):
        raise PermissionDenied
    return _desk_form(request, None)


@staff_permission_required("desks.manage")
def desk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _desk_form(request, get_object_or_404(selectors.desks_managed_by(request.user), pk=pk))


def _desk_form(request: HttpRequest, desk) -> HttpResponse:
    form = DeskForm(
        request.POST or None,
        instance=desk,
        organisations=_organisations_for(request.user),
        auto_id="desk-%s",
    )
    saved = save_form(request, form, lambda data: _save_desk(request, desk, data))
    if saved is not None:
        messages.success(request, _("Sportello salvato."))
        return redirect("desks:desk_setup", pk=saved.pk)
    return render(request, "desks/office/desk_form.html", {"form": form, "desk": desk})


def _save_desk(request: HttpRequest, desk: Desk | None, data: dict[str, Any]) -> Desk:
    fields = {name: data[name] for name in DeskForm.Meta.fields}
    _check_comune(request, fields["comune"])
    return services.desk_save(
        desk=desk if desk else None, by=request.user, ats=fields["comune"].ats, **fields
    )
