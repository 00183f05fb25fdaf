"""A page's fixed part rendered once per process ("donut caching").

The catalogue search is the busiest page, and for an anonymous visitor most of it is the same on
every request: header, footer, headings, the category grid. Rendering that part cost about as
much as the rest of the platform's work on a search (docs/performance.md). `render_in_frame`
renders the template once with markers where the per-request parts go (the slots, and the query
string of the header's language links), keeps the pieces in memory, and joins each request's
slots into them.

The template sees only the slots and the context processors, so anything that varies between
requests must be a slot. Signed-in users and requests with messages to show get the ordinary
render: their header differs. With DEBUG on, the frame is rendered every time, so template
edits show at once; tests compare both ways byte for byte.
"""

from __future__ import annotations

import copy
import re
import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.encoding import iri_to_uri
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Made of characters that URL quoting and HTML escaping keep as they are, and unguessable, so a
# rendered page cannot contain one by chance.
_TOKEN = secrets.token_hex(8)
_QUERY = f"?frame{_TOKEN}query"

# (template, host, path, language, slot names) -> the frame: literal text and slot names, in turn.
_frames: dict[tuple, list[str]] = {}


def _slot_marker(name: str) -> str:
    return f"frame{_TOKEN}slot{name}end"


def render_in_frame(
    request: HttpRequest, template_name: str, slots: dict[str, SafeString]
) -> HttpResponse:
    """The page `template_name` with `slots` (already rendered HTML) as its context."""
    if settings.DEBUG or request.user.is_authenticated or _has_messages(request):
        return render(request, template_name, slots)
    key = (template_name, request.get_host(), request.path, get_language(), tuple(sorted(slots)))
    frame = _frames.get(key)
    if frame is None:
        if len(_frames) >= 100:  # a few pages times languages and hosts: never grow without bound
            _frames.clear()
        frame = _frames[key] = _render_frame(request, template_name, list(slots))
    query = request.META.get("QUERY_STRING", "")
    values = {**slots, _QUERY: escape("?" + iri_to_uri(query)) if query else ""}
    # Even positions are literal text, odd ones the name of what goes there.
    return HttpResponse(
        "".join(part if i % 2 == 0 else values[part] for i, part in enumerate(frame))
    )


def _render_frame(request: HttpRequest, template_name: str, names: list[str]) -> list[str]:
    frame_request = copy.copy(request)
    frame_request.META = {**request.META, "QUERY_STRING": _QUERY[1:]}
    frame_request.GET = QueryDict()  # the query is the visitor's: only slots may show it
    html = render_to_string(
        template_name,
        {name: mark_safe(_slot_marker(name)) for name in names},  # noqa: S308 (our markers)
        request=frame_request,
    )
    if frame_request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        # A CSRF token would be shared by every visitor.
        raise ImproperlyConfigured(f"{template_name} uses a CSRF token: it cannot be framed.")
    by_marker = {_slot_marker(name): name for name in names}
    by_marker[_QUERY] = _QUERY
    parts = re.split("(" + "|".join(re.escape(m) for m in by_marker) + ")", html)
    return [part if i % 2 == 0 else by_marker[part] for i, part in enumerate(parts)]


def _has_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    # len() looks at the stored and queued messages without marking them as shown.
    return storage is not None and len(storage) > 0


def clear_frames(**kwargs) -> None:
    _frames.clear()


# A frame holds what settings (DEMO, SITE_NAME, languages...) gave when it was rendered.
setting_changed.connect(clear_frames)
