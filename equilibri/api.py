"""The JSON API (OpenAPI document at /api/docs/openapi.json). Each app contributes a router."""

from ninja import NinjaAPI

api = NinjaAPI(title="Equilibri API", version="1", urls_namespace="api")
