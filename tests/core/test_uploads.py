"""One check for every uploaded document (equilibri.core.uploads) and one way to serve it back
(equilibri.core.files): PDFs parsed and refused when unreadable, encrypted or active; images
re-encoded without their metadata; anything else refused by its content, never by its name."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from equilibri.core.uploads import (
    DOCUMENTS,
    MAX_IMAGE_PIXELS,
    PDF_ONLY,
    check_upload,
)
from tests.uploads import PDF, PNG, image_bytes, pdf_bytes

MB = 1024 * 1024
# The first bytes of a Windows executable (the "MZ" header and its DOS stub).
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 8


def check(content: bytes, name: str = "ricevuta.pdf", accept=DOCUMENTS, max_bytes: int = MB):
    return check_upload(SimpleUploadedFile(name, content), max_bytes=max_bytes, accept=accept)


def refused(content: bytes, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check(content, **kwargs)
    return caught.value


def test_a_valid_pdf_is_stored_as_sent_and_named_by_its_type():
    checked = check(PDF, name="ricevuta marzo.PDF.exe")
    assert checked.content_type == "application/pdf"
    assert checked.name == "ricevuta marzo.PDF.pdf"
    assert checked.read() == PDF  # not rewritten: a signed PDF keeps its signature


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("segreta")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.7\n" + EXECUTABLE, "pdf_invalid"),  # a PDF header in front of a program
        (PDF + EXECUTABLE, "pdf_invalid"),  # a program after the end of a real PDF
        (PDF[: len(PDF) // 2], "pdf_invalid"),  # truncated
        (b"%PDF-1.4\n%%EOF\n", "pdf_invalid"),  # the header and the end marker, nothing else
        (pdf_bytes(javascript=True), "pdf_active_content"),
        (pdf_bytes(embedded_file=True), "pdf_embedded_file"),
        (_encrypted_pdf(), "pdf_encrypted"),
        (EXECUTABLE, "file_type"),
        (b"<html><script>alert(1)</script></html>", "file_type"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image_invalid"),  # a PNG signature, no image
        (image_bytes("JPEG")[:-200], "image_invalid"),  # truncated
    ],
)
def test_what_is_refused_and_the_message_says_why(content, code):
    error = refused(content)
    assert error.code == code
    assert error.messages and all(message.strip() for message in error.messages)


@pytest.mark.parametrize(
    "action",
    [
        {"/S": "/Launch", "/F": "calc.exe"},
        {"/S": "/JavaScript", "/JS": "app.alert(1)"},
    ],
)
def test_a_link_that_launches_a_program_or_runs_javascript_is_refused(action):
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 10, 10)]),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject(key): NameObject(value)
                    if value.startswith("/")
                    else TextStringObject(value)
                    for key, value in action.items()
                }
            ),
        }
    )
    writer.add_annotation(page_number=0, annotation=link)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert refused(buffer.getvalue()).code == "pdf_active_content"


def test_the_size_limit_is_checked_first():
    error = refused(PDF + b" " * 100, max_bytes=len(PDF))
    assert error.code == "too_big" and "MB" in error.messages[0]


def test_only_pdf_where_only_pdf_is_accepted():
    assert check(PDF, accept=PDF_ONLY).content_type == "application/pdf"
    error = refused(PNG, accept=PDF_ONLY)
    assert error.code == "file_type" and "non è un PDF" in error.messages[0]


@pytest.mark.parametrize(("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_an_image_is_re_encoded_without_its_metadata(fmt, content_type):
    original = image_bytes(fmt, size=(40, 30), exif=True)
    assert Image.open(io.BytesIO(original)).getexif()  # the camera, the position, the rotation
    checked = check(original, name="foto.pdf")
    assert checked.content_type == content_type
    assert checked.name == "foto." + ("jpg" if fmt == "JPEG" else "png")
    stored = checked.read()
    assert stored != original
    image = Image.open(io.BytesIO(stored))
    assert image.format == fmt
    assert not image.getexif()  # no EXIF left: no GPS, no device
    assert b"Fotocamera di prova" not in stored
    # Turned upright as the EXIF said before it was dropped.
    assert image.size == (30, 40)


def test_an_image_over_the_pixel_limit_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr("equilibri.core.uploads.MAX_IMAGE_PIXELS", 100)
    error = refused(image_bytes("PNG", size=(20, 20)))
    assert error.code == "image_too_large"
    assert MAX_IMAGE_PIXELS >= 12_000_000  # a phone's photo passes
