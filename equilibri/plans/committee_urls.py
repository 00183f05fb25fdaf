from django.urls import path

from . import committee_views as views

app_name = "committee"
urlpatterns = [
    path("", views.committee_home, name="home"),
    path("<int:pk>/", views.committee_detail, name="detail"),
    path("<int:pk>/componenti/nuovo/", views.member_add, name="member_add"),
    path("componenti/<int:pk>/", views.member_edit, name="member_edit"),
    path("<int:pk>/priorita/nuova/", views.priority_add, name="priority_add"),
    path("priorita/<int:pk>/", views.priority_edit, name="priority_edit"),
    path("<int:pk>/sedute/nuova/", views.meeting_add, name="meeting_add"),
    path("sedute/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("sedute/<int:pk>/modifica/", views.meeting_edit, name="meeting_edit"),
    path("allegati/<int:pk>/", views.document_download, name="document_download"),
    path("valutazione/<int:plan_pk>/", views.evaluation, name="evaluation"),
    path("criteri/<int:pk>/elimina/", views.criterion_delete, name="criterion_delete"),
    path("schede/<int:project_pk>/", views.score_sheet, name="score_sheet"),
]
