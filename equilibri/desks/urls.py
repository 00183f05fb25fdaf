from django.urls import path

from . import views

app_name = "desks"
urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("appuntamenti/<int:pk>/esito/", views.appointment_mark, name="appointment_mark"),
    path("contatti/", views.contact_list, name="contact_list"),
    path("contatti/nuovo/", views.contact_create, name="contact_create"),
    path("contatti/esporta/", views.contact_export, name="contact_export"),
    path("contatti/<int:pk>/", views.contact_detail, name="contact_detail"),
    path(
        "contatti/<int:pk>/ricontatto-fatto/",
        views.contact_follow_up_done,
        name="contact_follow_up_done",
    ),
    path("da-fare/", views.todo, name="todo"),
    path("schede/", views.article_list, name="article_list"),
    path("schede/nuova/", views.article_create, name="article_create"),
    path("schede/<int:pk>/", views.article_detail, name="article_detail"),
    path("schede/<int:pk>/modifica/", views.article_edit, name="article_edit"),
    path("contratti/", views.agreement_list, name="agreement_list"),
    path("contratti/nuovo/", views.agreement_create, name="agreement_create"),
    path("contratti/<int:pk>/modifica/", views.agreement_edit, name="agreement_edit"),
    path("elenco/", views.desk_list, name="desk_list"),
    path("elenco/nuovo/", views.desk_create, name="desk_create"),
    path("elenco/<int:pk>/modifica/", views.desk_edit, name="desk_edit"),
    path("elenco/<int:pk>/", views.desk_setup, name="desk_setup"),
    path("statistiche/", views.stats, name="stats"),
    path("statistiche/esporta/", views.stats_export, name="stats_export"),
]
