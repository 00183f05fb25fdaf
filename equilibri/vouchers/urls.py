from django.urls import path

from . import views

app_name = "vouchers"
urlpatterns = [
    path("", views.staff_scheme_list, name="scheme_list"),
    path("bandi/nuovo/", views.scheme_create, name="scheme_create"),
    path("bandi/<int:pk>/", views.staff_scheme_detail, name="scheme_detail"),
    path("bandi/<int:pk>/modifica/", views.scheme_edit, name="scheme_edit"),
    path("bandi/<int:pk>/lotti/nuovo/", views.batch_create, name="batch_create"),
    path("domande/<int:pk>/", views.application_review, name="application_review"),
    path("domande/<int:pk>/verifica/", views.application_checklist, name="application_checklist"),
    path(
        "domande/<int:pk>/integrazione/",
        views.application_integration,
        name="application_integration",
    ),
    path("domande/<int:pk>/approva/", views.application_approve, name="application_approve"),
    path("domande/<int:pk>/respingi/", views.application_reject, name="application_reject"),
    path("ricevute/<int:pk>/", views.staff_receipt, name="application_receipt"),
    path("documenti/<int:pk>/", views.staff_attachment, name="application_attachment"),
    path("attestazioni/", views.attestation_list, name="attestation_list"),
    path("attestazioni/<int:pk>/", views.attestation_detail, name="attestation_detail"),
    path("lotti/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("lotti/<int:pk>/export.csv", views.batch_export, {"fmt": "csv"}, name="batch_csv"),
    path("lotti/<int:pk>/export.xlsx", views.batch_export, {"fmt": "xlsx"}, name="batch_xlsx"),
    path("lotti/<int:pk>/sepa.xml", views.batch_sepa, name="batch_sepa"),
]
