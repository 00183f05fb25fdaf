from django.urls import path

from . import monitoring_views as views

app_name = "monitoring"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("progetti/<int:project_pk>/apri/", views.report_open, name="report_open"),
    path("relazioni/<int:pk>/", views.report_detail, name="report_detail"),
    path("relazioni/<int:pk>/compila/", views.report_edit, name="report_edit"),
    path("relazioni/<int:pk>/spese/", views.expenditure_add, name="expenditure_add"),
    path("relazioni/<int:pk>/validazione/", views.report_review, name="report_review"),
    path("spese/<int:pk>/elimina/", views.expenditure_delete, name="expenditure_delete"),
    path("spese/<int:pk>/verifica/", views.expenditure_check, name="expenditure_check"),
    path("spese/<int:pk>/documento/", views.document_download, name="document_download"),
    path("campioni/", views.draw_list, name="draw_list"),
    path("campioni/<int:pk>/", views.draw_detail, name="draw_detail"),
]
