from django.urls import path

from . import monitoring_views as views

app_name = "monitoring"
urlpatterns = [
    path("", views.report_list, name="report_list"),
]
