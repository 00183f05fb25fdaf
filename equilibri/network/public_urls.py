from django.urls import path

from . import public_views as views

app_name = "network_public"
urlpatterns = [
    path("", views.member_list, name="member_list"),
]
