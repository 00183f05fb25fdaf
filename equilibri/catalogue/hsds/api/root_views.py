"""The API's description of itself: the root, the OpenAPI document and the Equilibri profile
(its README and the JSON merge patches on the official schemas).
"""

import json
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from .. import serializers as ser
from ..openapi import openapi_document
from .responses import _json, api_view, not_found


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/api/hsds/").rstrip("/")


@api_view
def root(request: HttpRequest) -> HttpResponseBase:
    base = _base(request)
    return _json(
        {
            "version": "3.0",
            "profile": f"{base}/profile/",
            "openapi_url": f"{base}/openapi.json",
        }
    )


@api_view
def openapi(request: HttpRequest) -> HttpResponseBase:
    return _json(openapi_document(_base(request)))


PROFILE_DIR = Path(__file__).parent.parent / "profile"


def profile_patches() -> dict[str, Any]:
    return {
        p.name: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(PROFILE_DIR.glob("*.json"))
    }


@api_view
def profile(request: HttpRequest) -> HttpResponseBase:
    base = _base(request)
    return _json(
        {
            "name": "equilibri",
            "title": "Profilo HSDS di Equilibri",
            "hsds_version": "3.0",
            "readme": f"{base}/profile/README.md",
            "readme_text": (PROFILE_DIR / "README.md").read_text(encoding="utf-8"),
            "patch_format": "JSON merge patch (RFC 7396) on the official HSDS 3.0 schema files",
            "schemas": {name: f"{base}/profile/{name}" for name in profile_patches()},
            "profile_taxonomy_id": str(ser.PROFILE_TAXONOMY_ID),
            "profile_terms": ser.profile_terms(),
        }
    )


@api_view
def profile_file(request: HttpRequest, name: str) -> HttpResponseBase:
    if name == "README.md":
        response = HttpResponse(
            (PROFILE_DIR / "README.md").read_text(encoding="utf-8"),
            content_type="text/markdown; charset=utf-8",
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response
    patches = profile_patches()
    if name not in patches:
        return not_found("Schema del profilo")
    return _json(patches[name])
