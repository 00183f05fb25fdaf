from django.urls import path

from . import public_views as views

app_name = "citizens_public"
urlpatterns = [
    path("area-personale/", views.home, name="home"),
    path("area-personale/preferenze/", views.preferences, name="preferences"),
    path(
        "area-personale/appuntamenti/<int:pk>/sposta/",
        views.appointment_reschedule,
        name="appointment_reschedule",
    ),
    path(
        "area-personale/appuntamenti/<int:pk>/annulla/",
        views.appointment_cancel,
        name="appointment_cancel",
    ),
    path(
        "area-personale/appuntamenti/<int:pk>/calendario.ics",
        views.appointment_calendar,
        name="appointment_calendar",
    ),
    path("area-personale/servizi/<int:pk>/salva/", views.service_save, name="service_save"),
    path("area-personale/ricerche/salva/", views.search_save, name="search_save"),
    path("area-personale/ricerche/<int:pk>/togli/", views.search_forget, name="search_forget"),
    path("area-personale/cancellazione-dati/", views.erasure, name="erasure"),
    path("accessibilita/segnala/", views.accessibility_report, name="accessibility_report"),
    path("contatti/scrivi/", views.contact, name="contact"),
    path("valuta/", views.rate, name="rate"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
]
