"""PDF documents with WeasyPrint. WeasyPrint only reads local static files (the vendored fonts)
and inline data: it never fetches anything from the network."""

from pathlib import Path
from urllib.parse import unquote

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

FONT_DIR = "vendor/bootstrap-italia/fonts/Titillium_Web"


def static_path(path: str) -> Path | None:
    found = finders.find(path)
    if isinstance(found, list):
        found = found[0] if found else None
    return Path(found) if found else None


def font_faces() -> list[dict[str, str]]:
    """The vendored Titillium Web (woff), as file URIs for WeasyPrint."""
    directory = static_path(FONT_DIR)
    if directory is None:
        return []
    faces = []
    for weight, style, pattern in (
        ("400", "normal", "*-regular.woff"),
        ("700", "normal", "*-700.woff"),
        ("400", "italic", "*-italic.woff"),
    ):
        match = sorted(directory.glob(pattern))
        if match:
            faces.append({"weight": weight, "style": style, "uri": match[0].as_uri()})
    return faces


def url_fetcher():
    """Only data: URIs and the vendored fonts: the PDF never fetches from the network."""
    from weasyprint.urls import URLFetcher

    fonts = static_path(FONT_DIR)

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(unquote(url.removeprefix("file://"))).resolve()
                if fonts is None or not path.is_relative_to(fonts.resolve()):
                    raise ValueError(f"resource not allowed in PDF reports: {url}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols={"file", "data"})


def render_pdf(template: str, context: dict) -> bytes:
    """A template rendered to PDF, with the fonts and the generation time in its context."""
    from weasyprint import HTML

    context = {**context, "font_faces": font_faces(), "generated_at": timezone.localtime()}
    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=url_fetcher()).write_pdf()
