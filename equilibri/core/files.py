"""Uploaded files are kept in private storage and served only through views that check scope."""

import mimetypes
from pathlib import PurePath

from django.http import FileResponse, Http404


def private_file_response(field, content_type: str | None = None) -> FileResponse:
    """The file of a FileField as a download; a missing file is a 404. Views call it only after
    finding the owning object through the user's scope."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = PurePath(field.name).name
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"  # never rendered as something else
    response["Cache-Control"] = "private, no-store"
    return response
