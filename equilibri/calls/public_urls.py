from django.urls import path

from . import public_views

app_name = "calls_public"
urlpatterns = [
    path("", public_views.call_list, name="call_list"),
    path("<int:pk>/", public_views.call_detail, name="call_detail"),
    path("documenti/<int:pk>/", public_views.document, name="document"),
]
