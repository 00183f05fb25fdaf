from django.urls import path

from . import views

app_name = "territory"
urlpatterns = [
    path("comuni/suggerimenti/", views.comune_suggest, name="comune_suggest"),
]
