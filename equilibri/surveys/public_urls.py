from django.urls import path

from . import public_views as views

app_name = "surveys_public"
urlpatterns = [
    path("<str:key>/", views.landing, name="landing"),
    path("<str:key>/risposte/", views.section, name="section"),
    path("<str:key>/invia/", views.submit, name="submit"),
    path("<str:key>/grazie/", views.thanks, name="thanks"),
]
