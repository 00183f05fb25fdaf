"""The installable web app: a valid manifest with its icons, the service worker naming the
shell it keeps and the person's pages, the offline page; every page links them."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def test_manifest_is_valid_with_real_icons(client):
    response = client.get(reverse("citizens_public:manifest"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    for key in ("name", "short_name", "start_url", "scope", "display", "icons", "theme_color"):
        assert manifest[key], key
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == reverse("citizens_public:home")
    sizes = set()
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
            assert image.format == "PNG"
        sizes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_service_worker_names_its_shell_and_the_personal_pages(client):
    response = client.get(reverse("citizens_public:service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    text = response.content.decode()
    config = json.loads(text.split("var CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert reverse("citizens_public:offline") in config["shell"]
    assert reverse("citizens_public:home") in config["pages"]
    assert reverse("desks_public:my_appointments") in config["pages"]
    assert config["logout"] == reverse("account_logout")


def test_every_page_links_the_manifest_and_the_worker(client):
    page = client.get(reverse("core:home")).content.decode()
    assert f'rel="manifest" href="{reverse("citizens_public:manifest")}"' in page
    assert f'data-service-worker="{reverse("citizens_public:service_worker")}"' in page
    assert client.get(reverse("citizens_public:offline")).status_code == 200
