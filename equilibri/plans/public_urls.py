from django.urls import path

from . import public_views as views

app_name = "plans_public"
urlpatterns = [
    path("", views.ats_plans, name="index"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("progetti/<int:pk>/", views.project_detail, name="project_detail"),
]
