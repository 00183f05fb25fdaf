"""The project's URLs plus the HSDS import page at a test address (the lead mounts it in the
reserved area: services/reserved_urls.py)."""

from django.urls import path

from equilibri.services.hsds import views
from equilibri.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("test-hsds/", views.hsds_import, name="test_hsds_import"),
    *project_urlpatterns,
]
