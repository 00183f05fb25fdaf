"""The public, read-only Open Referral HSDS 3.0 API (mounted at /api/hsds/)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
