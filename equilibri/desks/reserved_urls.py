from django.urls import URLPattern, path  # noqa: F401

app_name = "desk_office"
urlpatterns: list[URLPattern] = []
