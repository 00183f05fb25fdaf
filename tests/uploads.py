"""Real files for upload tests, made here with pypdf and Pillow: uploads are parsed and images
re-encoded (equilibri.core.uploads), so a few magic bytes no longer pass for a document."""

import io

from PIL import Image
from pypdf import PdfWriter


def pdf_bytes(*, javascript: bool = False, embedded_file: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if javascript:
        from pypdf.actions import JavaScript

        writer.add_open_action(JavaScript("app.alert('ciao');"))
    if embedded_file:
        writer.add_attachment("fattura.exe", b"MZ\x90\x00\x03\x00\x00\x00 eseguibile")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(fmt: str = "PNG", *, size: tuple[int, int] = (40, 30), exif: bool = False) -> bytes:
    """A small red image; with `exif`, a camera maker, a GPS position and orientation 6 (turn
    90° to show it upright)."""
    image = Image.new("RGB", size, "red")
    options = {}
    if exif:
        data = image.getexif()
        data[0x010F] = "Fotocamera di prova"  # Make
        data[0x0112] = 6  # Orientation
        data.get_ifd(0x8825)[2] = (45.0, 48.0, 0.0)  # GPSLatitude
        options["exif"] = data.tobytes()
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


PDF = pdf_bytes()
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
