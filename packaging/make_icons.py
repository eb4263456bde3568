"""Draw CaseDesk's icon and write it in every format the installers need (run by hand when the icon changes).

    python packaging/make_icons.py     # -> packaging/icons/casedesk.png (Linux), .ico (Windows), .icns (macOS)

A plain mark (a rounded navy square with a white folder tab and "CD") drawn with the bundled DejaVu font, so the
icon needs no design tool and rebuilds the same everywhere.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "packaging" / "icons"
NAVY = (31, 58, 95, 255)
WHITE = (255, 255, 255, 255)


def draw(size: int = 1024) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    margin = size // 16
    pen.rounded_rectangle((margin, margin, size - margin, size - margin), radius=size // 6, fill=NAVY)
    tab = (size * 0.22, size * 0.26, size * 0.46, size * 0.34)
    pen.rounded_rectangle(tab, radius=size // 40, fill=WHITE)
    pen.rounded_rectangle((size * 0.22, size * 0.31, size * 0.78, size * 0.74), radius=size // 30, fill=WHITE)
    font = ImageFont.truetype(str(ROOT / "resources" / "fonts" / "DejaVuSans-Bold.ttf"), size // 4)
    pen.text((size / 2, size * 0.53), "CD", font=font, fill=NAVY, anchor="mm")
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw()
    big.resize((256, 256), Image.Resampling.LANCZOS).save(OUT / "casedesk.png")
    big.save(OUT / "casedesk.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    big.save(OUT / "casedesk.icns")


if __name__ == "__main__":
    main()
