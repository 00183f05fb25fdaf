from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse

from ..identity import PROVIDER_LABELS

register = template.Library()


@register.simple_tag
def identity_providers() -> list[dict]:
    """The identity gateways configured (settings.SOCIALACCOUNT_PROVIDERS, from OIDC_* in the
    environment), in the order SPID, CIE: none when the environment configures none, so the
    login page then shows no button."""
    config: dict[str, Any] = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {})
    apps: list[dict[str, Any]] = config.get("APPS", [])
    configured = {app["provider_id"] for app in apps}
    return [
        {
            "id": provider_id,
            "label": label,
            "login_url": reverse("openid_connect_login", kwargs={"provider_id": provider_id}),
            "icon": f"accounts/identity/{provider_id}.svg",
        }
        for provider_id, label in PROVIDER_LABELS.items()
        if provider_id in configured
    ]
