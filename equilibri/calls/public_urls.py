from django.urls import URLPattern, path  # noqa: F401

app_name = "calls_public"
urlpatterns: list[URLPattern] = []
