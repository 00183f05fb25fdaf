from django.urls import path

from . import committee_views as views

app_name = "committee"
urlpatterns = [
    path("", views.committee_home, name="home"),
]
