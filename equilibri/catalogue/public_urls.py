from django.urls import path

from . import public_views as views

app_name = "catalogue_public"
urlpatterns = [
    path("", views.search, name="search"),
    path("cosa-posso-avere/", views.helper, name="helper"),
    path("<str:key>/", views.detail, name="detail"),
    path("<str:key>/segnala-errore/", views.report_mistake, name="report_mistake"),
]
