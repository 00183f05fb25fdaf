from django.urls import path

from . import foreign_term_views, views, vocabulary_views
from .hsds import views as hsds_views

app_name = "catalogue"
urlpatterns = [
    path("", views.index, name="index"),
    path("nuovo/", views.create, name="create"),
    path("moderazione/", views.queue, name="queue"),
    path("segnalazioni/", views.reports, name="reports"),
    path("vocabolario/", vocabulary_views.vocabulary, name="vocabulary"),
    path("vocabolario/rimuovi/", vocabulary_views.vocabulary_remove, name="vocabulary_remove"),
    path(
        "vocabolario/versioni/<int:pk>/ripristina/",
        vocabulary_views.vocabulary_restore,
        name="vocabulary_restore",
    ),
    path("termini-esterni/", foreign_term_views.foreign_terms, name="foreign_terms"),
    path(
        "termini-esterni/<int:pk>/associa/",
        foreign_term_views.foreign_term_map,
        name="foreign_term_map",
    ),
    path("hsds/", hsds_views.hsds_import, name="hsds_import"),
    path("hsds/<uuid:result_id>/", hsds_views.hsds_import_status, name="hsds_import_status"),
    path("segnalazioni/<int:pk>/", views.report_detail, name="report_detail"),
    path("modifiche/<int:pk>/", views.revision_review, name="revision_review"),
    path("modifiche/<int:pk>/ritira/", views.revision_withdraw, name="revision_withdraw"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifica/", views.edit, name="edit"),
    path("<int:pk>/invia/", views.submit, name="submit"),
    path("<int:pk>/conferma/", views.confirm, name="confirm"),
    path("<int:pk>/modera/", views.moderate, name="moderate"),
]
