"""The public, read-only Open Referral HSDS 3.0 API (mounted at /api/hsds/)."""

from django.urls import URLPattern, path

from .hsds import api

app_name = "hsds"
urlpatterns: list[URLPattern] = [
    path("", api.root, name="root"),
    path("openapi.json", api.openapi, name="openapi"),
    path("profile/", api.profile, name="profile"),
    path("profile/<str:name>", api.profile_file, name="profile_file"),
    path("services", api.services, name="services"),
    path("services/<str:id>", api.service_detail, name="service"),
    path("organizations", api.organizations, name="organizations"),
    path("organizations/<str:id>", api.organization_detail, name="organization"),
    path("taxonomies", api.taxonomies, name="taxonomies"),
    path("taxonomies/<str:id>", api.taxonomy_detail, name="taxonomy"),
    path("taxonomy_terms", api.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", api.taxonomy_term_detail, name="taxonomy_term"),
    path("service_at_locations", api.service_at_locations, name="service_at_locations"),
    path(
        "service_at_locations/<str:id>",
        api.service_at_location_detail,
        name="service_at_location",
    ),
]
