from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("registra/", views.organisation_register, name="organisation_register"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("<int:pk>/modifica/", views.organisation_edit, name="organisation_edit"),
    path("<int:pk>/adesione/", views.membership_request, name="membership_request"),
    path("adesioni/", views.membership_queue, name="membership_queue"),
    path("adesioni/<int:pk>/", views.membership_detail, name="membership_detail"),
    path("adesioni/<int:pk>/approva/", views.membership_approve, name="membership_approve"),
    path("adesioni/<int:pk>/respingi/", views.membership_reject, name="membership_reject"),
    path("adesioni/<int:pk>/ritira/", views.membership_withdraw, name="membership_withdraw"),
    path("documenti/", views.agreement_list, name="agreement_list"),
    path("documenti/nuovo/", views.agreement_publish, name="agreement_publish"),
    path("alleanze/", views.alliance_list, name="alliance_list"),
    path("alleanze/nuova/", views.alliance_create, name="alliance_create"),
    path("alleanze/<int:pk>/", views.alliance_detail, name="alliance_detail"),
    path("alleanze/<int:pk>/modifica/", views.alliance_edit, name="alliance_edit"),
    path("alleanze/<int:pk>/partner/", views.alliance_partner_set, name="alliance_partner_set"),
    path(
        "alleanze/partner/<int:pk>/rimuovi/",
        views.alliance_partner_remove,
        name="alliance_partner_remove",
    ),
    path(
        "alleanze/<int:pk>/documenti/nuovo/",
        views.alliance_agreement_publish,
        name="alliance_agreement_publish",
    ),
]
