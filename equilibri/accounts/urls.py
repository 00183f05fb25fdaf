from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("profilo/", views.profile, name="profile"),
    path("profilo/i-miei-dati/", views.export_my_data, name="export_my_data"),
]
