from django.urls import URLPattern, path  # noqa: F401

app_name = "vouchers_public"
urlpatterns: list[URLPattern] = []
