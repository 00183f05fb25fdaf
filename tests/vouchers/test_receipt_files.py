"""A receipt is what its content is: a PDF header in front of a program, a PDF with JavaScript
or with a file inside is refused with a clear message (the draft and its receipts kept); a photo
is stored re-encoded without its EXIF; every download is an attachment, typed by its content,
never sniffed, never cached."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from equilibri.vouchers.models import ExpenseLine
from tests.uploads import image_bytes, pdf_bytes

from .conftest import expense_data, pdf

pytestmark = pytest.mark.django_db
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 8


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def _post(client, application, content: bytes, number: str, name: str = "ricevuta.pdf"):
    data = {f"expense-{k}": v for k, v in expense_data(receipt_number=number).items()}
    data["expense-file"] = pdf(name, content)
    return client.post(reverse("vouchers_public:expense_add", args=[application.pk]), data)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n" + EXECUTABLE, "non è un PDF valido"),
        (pdf_bytes()[:200], "non è un PDF valido"),
        (pdf_bytes(javascript=True), "JavaScript"),
        (pdf_bytes(embedded_file=True), "altri file al suo interno"),
    ],
)
def test_a_receipt_that_is_not_a_clean_pdf_is_refused(ready_draft, content, message):
    application = ready_draft()
    response = _post(_client(application.applicant), application, content, "R-2")
    assert response.status_code == 200
    assert message in str(response.context["expense_form"].errors["file"])
    # The draft and the receipt already saved are untouched; nothing of the refused one stored.
    assert list(application.expenses.values_list("receipt_number", flat=True)) == ["R-1"]


def test_a_photo_is_stored_without_its_exif_and_every_download_is_an_attachment(ready_draft):
    application = ready_draft()
    client = _client(application.applicant)
    photo = image_bytes("JPEG", exif=True)
    response = _post(client, application, photo, "R-3", name="scontrino.html")
    assert response.status_code == 302
    line = ExpenseLine.objects.get(application=application, receipt_number="R-3")
    assert line.file_type == "image/jpeg" and line.file.name.endswith(".jpg")
    with line.file.open("rb") as handle:
        stored = handle.read()
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert b"Fotocamera di prova" not in stored

    for line in application.expenses.all():
        download = client.get(reverse("vouchers_public:receipt", args=[line.pk]))
        assert download.status_code == 200
        assert download["Content-Type"] == line.file_type
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in download["Cache-Control"] and "private" in download["Cache-Control"]
