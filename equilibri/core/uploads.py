"""The one check every uploaded document goes through (receipts, attachments, call and meeting
documents, expenditure documents, agreements), before anything is stored.

The type is what the content is, never the file's name or the browser's word:
- a PDF is parsed (pypdf) and refused when it cannot be read, is encrypted (nobody could check
  it), or carries active content: JavaScript, additional actions (/AA, run on their own when a
  page opens or a field changes), launch actions, embedded files or file-attachment annotations,
  or bytes after its end (a PDF header in front of something else). It is stored as sent, so a
  digitally signed PDF keeps its signature;
- a JPEG or PNG is decoded (Pillow) under a pixel limit and re-encoded from its pixels, so its
  metadata (EXIF: position, device, time) and anything hidden beside the pixels are dropped;
- anything else is refused.

`check_upload` answers with the file to store, named after its real type."""

import io
import re
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
DOCUMENTS = frozenset({PDF, JPEG, PNG})  # what receipts and documents may be
PDF_ONLY = frozenset({PDF})
# A photo from a current phone is 12-50 megapixels; decoding costs about 4 bytes a pixel.
MAX_IMAGE_PIXELS = 50_000_000

# Keys whose presence makes a PDF active: JavaScript (as an action or a name tree), additional
# actions, XFA forms (scriptable), embedded files (the name tree and a file specification's /EF).
_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/XFA"})
_EMBEDDED_KEYS = frozenset({"/EmbeddedFiles", "/EF"})
_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch"})
# After its last %%EOF a PDF may only have line ends or padding.
_PDF_TAIL = re.compile(rb"%%EOF[\s\x00]*\Z")


class CheckedUpload(ContentFile):
    """An upload that passed `check_upload`: the bytes to store, named `<name>.<real extension>`,
    with their real content type."""

    def __init__(self, content: bytes, name: str, content_type: str):
        super().__init__(content, name=name)
        self.content_type = content_type


def content_type_of(head: bytes) -> str | None:
    """PDF, JPEG or PNG from a file's first bytes; None for anything else."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def check_upload(upload, *, max_bytes: int, accept: frozenset[str] = DOCUMENTS) -> CheckedUpload:
    """The file to store, or a ValidationError with a message the uploader can act on."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _too_big(max_bytes)
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    content_type = content_type_of(data)
    if content_type not in accept:
        if accept == PDF_ONLY:
            message = _("Il file non è un PDF: esporta il documento in formato PDF e riprova.")
        else:
            message = _("Il file deve essere un PDF, un JPEG o un PNG.")
        raise ValidationError(message, code="file_type")
    if content_type == PDF:
        _check_pdf(data)
    else:
        data = _reencode_image(data, content_type)
    stem = PurePath(getattr(upload, "name", "") or "").stem[:60] or "documento"
    return CheckedUpload(data, f"{stem}.{EXTENSIONS[content_type]}", content_type)


def _too_big(max_bytes: int) -> ValidationError:
    return ValidationError(
        _("Il file supera il limite di %(mb)s MB: caricane uno più leggero.")
        % {"mb": floatformat(max_bytes / 1024 / 1024, -1)},
        code="too_big",
    )


def _unreadable_pdf() -> ValidationError:
    return ValidationError(
        _(
            "Il file non è un PDF valido (è danneggiato, incompleto o contiene altro): "
            "esporta di nuovo il documento in PDF e riprova."
        ),
        code="pdf_invalid",
    )


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if not _PDF_TAIL.search(data):
        raise _unreadable_pdf()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        if not encrypted and len(reader.pages) < 1:
            raise _unreadable_pdf()
    except ValidationError:
        raise
    except Exception as error:  # pypdf raises many kinds on a malformed file
        raise _unreadable_pdf() from error
    if encrypted:
        raise ValidationError(
            _("Il PDF è protetto da password: carica una copia senza protezione."),
            code="pdf_encrypted",
        )
    # Every object of the file, reachable from the trailer or listed in a cross-reference
    # table (a viewer may show an object the document's tree does not reach).
    pending: list = [reader.trailer]
    for generation, numbers in reader.xref.items():
        pending += [IndirectObject(number, generation, reader) for number in numbers]
    pending += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    seen: set[tuple[int, int]] = set()
    try:
        while pending:
            item = pending.pop()
            if isinstance(item, IndirectObject):
                if (item.idnum, item.generation) in seen:
                    continue
                seen.add((item.idnum, item.generation))
                item = item.get_object()
            if isinstance(item, DictionaryObject):
                _check_pdf_dictionary(item)
                pending.extend(item.values())
            elif isinstance(item, ArrayObject):
                pending.extend(item)
    except ValidationError:
        raise
    except Exception as error:
        raise _unreadable_pdf() from error


def _check_pdf_dictionary(dictionary) -> None:
    keys = set(dictionary.keys())
    if (
        keys & _EMBEDDED_KEYS
        or dictionary.get("/Type") == "/EmbeddedFile"
        or dictionary.get("/Subtype") == "/FileAttachment"
    ):
        raise ValidationError(
            _(
                "Il PDF contiene altri file al suo interno, che non sono ammessi: carica ogni "
                "documento come PDF a sé."
            ),
            code="pdf_embedded_file",
        )
    if keys & _ACTIVE_KEYS or dictionary.get("/S") in _ACTIVE_ACTIONS:
        raise ValidationError(
            _(
                "Il PDF contiene codice JavaScript o azioni automatiche, che non sono ammessi: "
                "stampalo in un nuovo PDF (ad esempio con «Stampa» → «Salva come PDF») e "
                "caricalo di nuovo."
            ),
            code="pdf_active_content",
        )


def _reencode_image(data: bytes, content_type: str) -> bytes:
    from PIL import Image, ImageOps

    unreadable = ValidationError(
        _(
            "L'immagine è danneggiata o incompleta e non si riesce ad aprire: scattala o "
            "salvala di nuovo."
        ),
        code="image_invalid",
    )
    try:
        image = Image.open(io.BytesIO(data), formats=["JPEG"] if content_type == JPEG else ["PNG"])
        pixels = image.width * image.height
    except Exception as error:
        raise unreadable from error
    if pixels > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _(
                "L'immagine è troppo grande (%(mp)s megapixel, al massimo %(max)s): riducila e "
                "caricala di nuovo."
            )
            % {"mp": round(pixels / 1_000_000, 1), "max": MAX_IMAGE_PIXELS // 1_000_000},
            code="image_too_large",
        )
    try:
        # Turn the pixels as the EXIF orientation says before the EXIF is dropped, so a
        # photo taken sideways is not stored sideways.
        upright = ImageOps.exif_transpose(image)
        # Only the pixels (and a palette's transparency) go into the new file.
        upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
        out = io.BytesIO()
        if content_type == JPEG:
            if upright.mode not in ("L", "RGB", "CMYK"):
                upright = upright.convert("RGB")
            upright.save(out, "JPEG", quality=90)
        else:
            upright.save(out, "PNG", optimize=True)
    except Exception as error:
        raise unreadable from error
    return out.getvalue()
