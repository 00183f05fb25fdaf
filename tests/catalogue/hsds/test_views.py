"""The reserved-area HSDS import / export page."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from equilibri.catalogue.hsds.interchange import export_json
from equilibri.catalogue.models import Service

from .worker import run_queued_tasks

pytestmark = pytest.mark.django_db
URL = reverse("catalogue:hsds_import")


def upload(client, name: str, content: bytes, dry_run: bool = False, partial: bool = False) -> str:
    """Uploads a file, lets the worker run the import, and returns the status page."""
    data = {"file": SimpleUploadedFile(name, content)}
    if dry_run:
        data["dry_run"] = "on"
    if partial:
        data["partial"] = "on"
    response = client.post(URL, data)
    assert response.status_code == 302
    status_url = response["Location"]
    waiting = client.get(status_url).content.decode()
    assert "In coda" in waiting
    assert "Aggiorna lo stato" in waiting  # works without JavaScript
    assert run_queued_tasks() == 1
    return client.get(status_url).content.decode()


def camp_only(catalogue) -> bytes:
    out = io.StringIO()
    export_json(out)
    data = json.loads(out.getvalue())
    data["services"] = [s for s in data["services"] if s["id"] == str(catalogue.camp.uuid)]
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (None, 302),
        ("cittadina", 403),
        ("ente.aquilone", 403),
        ("comitato.insubria", 403),
        ("regione", 403),
        ("operatore.insubria", 200),
        ("operatore.milano", 200),
        ("admin", 200),
    ],
)
def test_who_may_import(login, persona, status):
    assert login(persona).get(URL).status_code == status


def test_check_then_import(login, catalogue):
    content = camp_only(catalogue)
    Service.objects.filter(pk=catalogue.camp.pk).delete()
    client = login("operatore.insubria")
    assert "Verifica riuscita" in upload(client, "c.json", content, dry_run=True)
    assert not Service.objects.filter(uuid=catalogue.camp.uuid).exists()
    assert "Importazione completata" in upload(client, "c.json", content)
    camp = Service.objects.get(uuid=catalogue.camp.uuid)
    assert "operatore.insubria" in camp.moderation_note


def test_errors_are_listed_and_nothing_written(login, catalogue):
    data = json.loads(camp_only(catalogue))
    data["services"][0]["status"] = "forse"
    Service.objects.filter(pk=catalogue.camp.pk).delete()
    page = upload(login("operatore.insubria"), "c.json", json.dumps(data).encode())
    assert "Importazione rifiutata" in page
    assert "status" in page
    assert not Service.objects.filter(uuid=catalogue.camp.uuid).exists()


def test_cross_ats_import_is_refused(login, catalogue):
    content = camp_only(catalogue)  # L'Aquilone is in ATS Insubria
    Service.objects.filter(pk=catalogue.camp.pk).delete()
    assert "rete della tua ATS" in upload(login("operatore.milano"), "c.json", content)
    assert not Service.objects.filter(uuid=catalogue.camp.uuid).exists()


def test_oversized_upload_is_refused_unread(login):
    with override_settings(HSDS_IMPORT_MAX_BYTES=100):
        response = login("operatore.insubria").post(
            URL, {"file": SimpleUploadedFile("c.json", b"x" * 1000)}
        )
    assert response.status_code == 413
    assert "troppo grande" in response.content.decode()


def test_export_downloads(login, catalogue):
    client = login("operatore.insubria")
    response = client.get(URL + "?esporta=json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(b"".join(response.streaming_content))
    assert str(catalogue.camp.uuid) in {s["id"] for s in data["services"]}
    response = client.get(URL + "?esporta=csv")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "services.csv" in archive.namelist()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_ats_operator_downloads_their_network_and_can_import_it_again(login, catalogue, fmt):
    client = login("operatore.insubria")
    content = b"".join(client.get(URL + f"?esporta={fmt}").streaming_content)
    if fmt == "json":
        ids = {s["id"] for s in json.loads(content)["services"]}
        assert str(catalogue.camp.uuid) in ids  # L'Aquilone, ATS Insubria
        assert str(catalogue.online.uuid) not in ids  # Spazio Aperto, ATS Milano
    before = Service.objects.order_by("pk").values_list("uuid", "name", "last_modified")
    before = list(before)
    name = "c.json" if fmt == "json" else "c.zip"
    assert "Importazione completata" in upload(client, name, content)
    after = list(Service.objects.order_by("pk").values_list("uuid", "name", "last_modified"))
    assert after == before  # the same file back changes nothing
