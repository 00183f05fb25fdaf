from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibilita/", views.page("core/accessibility.html"), name="accessibility"),
    path("privacy/", views.page("core/privacy.html"), name="privacy"),
    path("contatti/", views.page("core/contacts.html"), name="contacts"),
]
