from django.urls import path

from . import public_views as views

app_name = "plans_public"
urlpatterns = [
    path("", views.ats_plans, name="index"),
]
