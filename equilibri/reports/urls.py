from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("esporta/<slug:dataset>.csv", views.export_csv, name="export_csv"),
    path("esporta/<slug:dataset>.xlsx", views.export_xlsx, name="export_xlsx"),
    path("piani/<int:pk>/report.pdf", views.plan_report_pdf, name="plan_report_pdf"),
    path("api-token/", views.api_token, name="api_token"),
]
