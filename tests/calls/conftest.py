"""Fixtures of the calls: a fresh, open call with DGR 5755/2021's rules in ATS Insubria, and an
application by L'Arca (hr.arca) with a valid partnership ready to submit."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from equilibri.calls import services
from equilibri.calls.demo import dgr_5755_call
from equilibri.calls.models import ApplicationPartner
from equilibri.network.models import Organisation
from equilibri.plans.models import TerritorialPlan
from equilibri.territory.models import ATS
from tests.uploads import pdf_bytes

PDF = pdf_bytes()


def pdf(name: str = "documento.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def open_call(db, user_of):
    ats = ATS.objects.get(code="ATS-INS")
    now = timezone.now()
    return dgr_5755_call(
        ats=ats,
        plan=TerritorialPlan.objects.filter(ats=ats).order_by("-start_year").first(),
        by=user_of("operatore.insubria"),
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=10),
    )


@pytest.fixture
def arca(db):
    arca = org("L'Arca Coop. Soc.")
    arca.runts_number = "RUNTS-VA-0001"
    arca.save()
    return arca


def confirm_all(application, user) -> None:
    """Partners confirm (as superuser, standing for their organisation admins)."""
    for partner in application.partners.filter(state=ApplicationPartner.State.INVITED):
        services.partner_confirm(partner=partner, by=user)


def fill(
    application,
    by,
    *,
    partners=("Comune di Tradate", "Meccanica Tradatese s.r.l.", "Falegnameria Brianza s.n.c."),
    cost="50000.00",
    grant="35000.00",
    documents=True,
    admin=None,
):
    """Completes an application: partners (confirmed), an area, a budget line, the documents."""
    for name in partners:
        services.partner_invite(application=application, organisation=org(name), by=by)
    if admin is not None:
        confirm_all(application, admin)
    area = application.call.macro_areas.first()
    services.application_area_set(
        application=application, macro_area=area, description="Attività", by=by
    )
    services.budget_line_add(
        application=application,
        by=by,
        description="Servizi",
        amount=Decimal(cost),
        macro_area=area,
    )
    services.application_update(application=application, by=by, requested_grant=Decimal(grant))
    if documents:
        for name in application.call.document_names:
            services.application_document_add(application=application, by=by, name=name, file=pdf())
    application.refresh_from_db()
    return application


@pytest.fixture
def ready_application(open_call, arca, user_of):
    by = user_of("hr.arca")
    application = services.application_create(
        call=open_call, by=by, lead=arca, title="Conciliare a Tradate"
    )
    return fill(application, by, admin=user_of("admin"))
