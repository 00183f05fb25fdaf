from django.urls import path

from . import public_views as views

app_name = "desks_public"
urlpatterns = [
    path("", views.nearest, name="nearest"),
    path("<int:pk>/", views.desk_detail, name="desk_detail"),
    path("<int:pk>/prenota/", views.book, name="book"),
    path(
        "appuntamento/conferma/<str:token>/", views.appointment_confirm, name="appointment_confirm"
    ),
    path("appuntamento/annulla/<str:token>/", views.appointment_cancel, name="appointment_cancel"),
    path(
        "appuntamento/sposta/<str:token>/",
        views.appointment_reschedule,
        name="appointment_reschedule",
    ),
    path("domande-frequenti/", views.faq, name="faq"),
    path("contratti/", views.agreements, name="agreements"),
    path("contratti/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("i-miei-appuntamenti/", views.my_appointments, name="my_appointments"),
    path(
        "i-miei-appuntamenti/<int:pk>/cancella/",
        views.my_appointment_delete,
        name="my_appointment_delete",
    ),
]
