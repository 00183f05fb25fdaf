"""Server-side SVG charts (no JavaScript, no matplotlib): horizontal bar charts for the PDF plan
report and the dot map of the comuni covered. Every chart is shown beside a data table; the SVG
has role="img" and a title so assistive technologies announce it."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Bootstrap Italia's primary blue and a dark grey-blue, both AA on white.
PALETTE = ("#0066CC", "#5C6F82", "#008055", "#995C00")
TEXT = "#1A1A1A"
GRID = "#C5C7C9"

# Lombardy, for the equirectangular dot map.
LAT_MIN, LAT_MAX = 44.6, 46.7
LON_MIN, LON_MAX = 8.4, 11.5


@dataclass
class Series:
    name: str
    values: Sequence[Decimal | float | int | None]


def _fmt(value: Decimal | float | int | None, decimals: int) -> str:
    if value is None:
        return "—"
    return number_format(value, decimals, use_l10n=True, force_grouping=True)


def _short(label: str, length: int = 38) -> str:
    return label if len(label) <= length else label[: length - 1].rstrip() + "…"


def bar_chart_svg(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 680,
    decimals: int = 2,
    suffix: str = "",
    max_value: float | None = None,
) -> SafeString:
    """A horizontal grouped bar chart, one group per label, one bar per series."""
    label_width, value_width, bar_height, gap = 250, 90, 14, 10
    legend_height = 26 if len(series) > 1 else 0
    group_height = bar_height * len(series) + gap
    height = 30 + legend_height + max(1, len(labels)) * group_height + 10
    values = [float(v) for s in series for v in s.values if v is not None]
    top = max_value if max_value is not None else max(values, default=0.0)
    top = top or 1.0
    plot_width = width - label_width - value_width
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Titillium Web, DejaVu Sans, sans-serif" '
        f'font-size="11"><title>{escape(title)}</title>',
        f'<text x="0" y="16" font-size="13" font-weight="bold" fill="{TEXT}">'
        f"{escape(title)}</text>",
    ]
    if legend_height:
        x = 0
        for index, s in enumerate(series):
            color = PALETTE[index % len(PALETTE)]
            parts.append(f'<rect x="{x}" y="28" width="12" height="12" fill="{color}"/>')
            parts.append(f'<text x="{x + 16}" y="38" fill="{TEXT}">{escape(s.name)}</text>')
            x += 24 + 7 * len(s.name)
    y0 = 30 + legend_height
    parts.append(
        f'<line x1="{label_width}" y1="{y0}" x2="{label_width}" '
        f'y2="{height - 10}" stroke="{GRID}"/>'
    )
    for row, label in enumerate(labels):
        y = y0 + row * group_height + gap / 2
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height * len(series) / 2 + 4:.1f}" '
            f'text-anchor="end" fill="{TEXT}">{escape(_short(str(label)))}</text>'
        )
        for index, s in enumerate(series):
            value = s.values[row] if row < len(s.values) else None
            bar_y = y + index * bar_height
            length = 0.0 if value is None else max(0.0, float(value)) / top * plot_width
            length = min(length, plot_width)
            color = PALETTE[index % len(PALETTE)]
            parts.append(
                f'<rect x="{label_width}" y="{bar_y:.1f}" width="{length:.1f}" '
                f'height="{bar_height - 2}" fill="{color}"/>'
            )
            parts.append(
                f'<text x="{label_width + length + 4:.1f}" y="{bar_y + bar_height - 4:.1f}" '
                f'fill="{TEXT}">{escape(_fmt(value, decimals))}{escape(suffix)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def project_point(lat: float, lon: float, width: float, height: float) -> tuple[float, float]:
    """Equirectangular projection of Lombardy's bounding box onto width by height."""
    x = (lon - LON_MIN) / (LON_MAX - LON_MIN) * width
    y = (LAT_MAX - lat) / (LAT_MAX - LAT_MIN) * height
    return x, y


def map_height(width: int) -> int:
    """Keeps the map's proportions: a degree of longitude is cos(latitude) degrees of latitude."""
    middle = math.radians((LAT_MIN + LAT_MAX) / 2)
    return round(width * (LAT_MAX - LAT_MIN) / ((LON_MAX - LON_MIN) * math.cos(middle)))


def dot_map_svg(title: str, covered, background=(), *, width: int = 440) -> SafeString:
    """The comuni covered (blue dots, each with its name as a tooltip) over every comune of the
    region (small grey dots). Both are iterables of objects with name, lat and lon."""
    height = map_height(width)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="comuni-map"><title>{escape(title)}</title>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#F5F7FA" stroke="{GRID}"/>',
    ]
    # Every comune of the region as one path of round zero-length strokes: one element, not
    # 1,500 circles (lighter page, much faster PDF).
    dots = []
    for comune in background:
        x, y = project_point(float(comune.lat), float(comune.lon), width, height)
        dots.append(f"M{x:.1f} {y:.1f}h0")
    if dots:
        parts.append(
            f'<path d="{"".join(dots)}" stroke="{GRID}" stroke-width="2" '
            'stroke-linecap="round" fill="none"/>'
        )
    for comune in covered:
        x, y = project_point(float(comune.lat), float(comune.lon), width, height)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{PALETTE[0]}" stroke="#FFFFFF" '
            f'stroke-width="0.8"><title>{escape(comune.name)}</title></circle>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
