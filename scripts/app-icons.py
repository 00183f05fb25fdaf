"""Draws the installable app's icons (equilibri/citizens/static/citizens/icons/) from the logo's
shapes (equilibri/static/equilibri/img/logo.svg: a balance on a white disc), so they can be made
again without an SVG renderer: `.venv/bin/python scripts/app-icons.py`. The maskable icon keeps
the drawing inside the central 80 % that every launcher's mask leaves visible."""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (0, 102, 204, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "equilibri/citizens/static/citizens/icons"


def draw(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # drawn larger, then reduced: smooth edges without an SVG renderer
    big = size * scale
    image = Image.new("RGBA", (big, big), BLUE if maskable else (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    # The logo's 64-unit box, shrunk to the safe zone for the maskable icon.
    box = big * (0.8 if maskable else 1.0)
    offset = (big - box) / 2
    unit = box / 64

    def at(x: float, y: float) -> tuple[float, float]:
        return (offset + x * unit, offset + y * unit)

    width = max(1, round(3 * unit))
    if not maskable:
        pen.ellipse([at(2, 2), at(62, 62)], fill=BLUE)
    pen.line([at(32, 12), at(32, 48)], fill=WHITE, width=width)  # the post
    pen.line([at(16, 22), at(48, 22)], fill=WHITE, width=width)  # the beam
    pen.line([at(22, 50), at(42, 50)], fill=WHITE, width=width)  # the foot
    for left in (12, 40):  # the two pans: strings and bowls
        pen.line([at(left, 36), at(left + 6, 22), at(left + 12, 36)], fill=WHITE, width=width)
        pen.chord([at(left, 30), at(left + 12, 42)], 0, 180, fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    draw(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
