from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("questionari/", views.questionnaire_list, name="questionnaire_list"),
    path("questionari/versioni/<int:pk>/", views.version_detail, name="version_detail"),
    path("questionari/versioni/<int:pk>/pubblica/", views.version_publish, name="version_publish"),
    path("questionari/versioni/<int:pk>/copia/", views.version_copy, name="version_copy"),
    path("campagne/nuova/", views.campaign_create, name="campaign_create"),
    path("campagne/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campagne/<int:pk>/modifica/", views.campaign_edit, name="campaign_edit"),
    path("campagne/<int:pk>/stato/", views.campaign_transition, name="campaign_transition"),
    path("campagne/<int:pk>/canali/nuovo/", views.distribution_create, name="distribution_create"),
    path("campagne/<int:pk>/sportello/", views.assist, name="assist"),
    path("campagne/<int:pk>/risultati/", views.results, name="results"),
    path("campagne/<int:pk>/risposte-libere/", views.free_text, name="free_text"),
    path(
        "campagne/<int:pk>/mia-organizzazione/",
        views.organisation_results,
        name="organisation_results",
    ),
    path("canali/<int:pk>/manifesto.pdf", views.poster, name="poster"),
    path("canali/<int:pk>/codici/", views.tokens, name="tokens"),
]
