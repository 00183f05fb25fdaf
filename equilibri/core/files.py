"""Uploaded files are kept in private storage and served only through views that check scope.
What is served is always a download (never shown inline, never sniffed into something else),
typed by its content, and never cached."""

from pathlib import PurePath

from django.http import FileResponse, Http404

from .uploads import EXTENSIONS, content_type_of


def private_file_response(field, filename: str | None = None) -> FileResponse:
    """The file of a FileField as a download; a missing file is a 404. Views call it only after
    finding the owning object through the user's scope. The content type comes from the file's
    first bytes and the download's name carries the matching extension, whatever the stored name
    says (files stored before uploads were checked included)."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    head = handle.read(16)
    handle.seek(0)
    content_type = content_type_of(head)
    name = PurePath(filename or field.name).name
    if content_type is not None:
        name = f"{PurePath(name).stem}.{EXTENSIONS[content_type]}"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
