"""Shared PDF plumbing: bundled fonts, paragraph styles and an A4 template with a marked header and footer.

Every report carries the protective marking on every page and a "Page N of M" count, so a printed page that
becomes separated from the rest still says what it is, where it belongs and how sensitive it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from casedesk import site_profile
from casedesk.paths import resource_path
from casedesk.site_profile import ReportHeader, SiteProfileError

MARKING = "OFFICIAL-SENSITIVE"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
PAGE_SIZE = A4
MARGIN = 15 * mm
HEADER_HEIGHT = 16 * mm
FOOTER_HEIGHT = 14 * mm
ACCENT = colors.HexColor("#1F3A5F")
RULE = colors.HexColor("#9AA5B1")
HEAD_FILL = colors.HexColor("#E4E9F0")
ZEBRA = colors.HexColor("#F6F8FA")
LOGO_BOX = (40 * mm, 10 * mm)  # the most the area's logo may take in the top margin (width, height)

_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf", FONT_ITALIC: "DejaVuSans-Oblique.ttf"}


def register_fonts() -> None:
    """Register the bundled DejaVu fonts once: the standard PDF fonts cannot show names like Zoë or Ó'Brien."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in _FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
    # Lets <b> and <i> inside Paragraph markup pick the right face.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD)


def esc(text: object) -> str:
    """Escape user text for Paragraph markup, keeping line breaks, so a stray '<' or '&' cannot break a report."""
    if text is None:
        return ""
    return escape(str(text)).replace("\r\n", "\n").replace("\n", "<br/>")


def make_styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles all reports share, all in DejaVu."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5, alignment=TA_LEFT)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20, textColor=ACCENT),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=14, spaceBefore=8, spaceAfter=4
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5),
        "note": ParagraphStyle(
            "note", parent=body, fontName=FONT_ITALIC, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#7A3E00")
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=FONT_BOLD, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=body, fontName=FONT_BOLD, fontSize=8, leading=10, textColor=ACCENT),
        "muted": ParagraphStyle("muted", parent=body, fontName=FONT_ITALIC, textColor=colors.HexColor("#555555")),
    }


def table_style(zebra: bool = True) -> list[tuple[Any, ...]]:
    """A plain grid with a tinted heading row, so long tables stay readable when printed in black and white."""
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if zebra:
        style.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]))
    return style


def _logo(header: ReportHeader) -> ImageReader | None:
    """The area's logo, read once per report; a file that is not an image is the profile's mistake, said plainly."""
    if header.logo is None:
        return None
    try:
        return ImageReader(str(header.logo))
    except Exception as exc:  # reportlab and Pillow raise many kinds for a bad file
        raise SiteProfileError(f"The site profile's report logo {header.logo} cannot be drawn ({exc}).") from exc


def _fit(text: str, font: str, size: float, width: float) -> str:
    """`text` shortened with an ellipsis to fit `width` points."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _numbered_canvas(
    title: str, generated_by: str, generated_at: datetime, header: ReportHeader | None = None
) -> type[Canvas]:
    """A canvas class that holds every page back until the end, so each page can say "Page N of M"; with the
    area's name (top left) and logo (top right) from the site profile when it sets them."""
    shown = header or ReportHeader()
    logo = _logo(shown)

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []
            self.setTitle(title)
            self.setAuthor(generated_by)
            self.setCreator("CaseDesk")

        def showPage(self) -> None:
            self._saved_pages.append(dict(self.__dict__))
            # reportlab's own "Page N of M" recipe: start a fresh page without emitting this one yet.
            self._startPage()  # type: ignore[attr-defined]  # Canvas internal the stubs leave out

        def save(self) -> None:
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = self._pagesize  # type: ignore[attr-defined]  # Canvas internal the stubs leave out
            top = height - MARGIN
            self.saveState()
            self.setFillColor(colors.HexColor("#B00020"))
            self.setFont(FONT_BOLD, 9)
            self.drawCentredString(width / 2, top, MARKING)
            self.drawCentredString(width / 2, MARGIN - 6, MARKING)
            if shown.area_name:
                self.setFillColor(ACCENT)
                self.setFont(FONT_BOLD, 8.5)
                room = width / 2 - MARGIN - pdfmetrics.stringWidth(MARKING, FONT_BOLD, 9) / 2 - 6
                self.drawString(MARGIN, top, _fit(shown.area_name, FONT_BOLD, 8.5, room))
            if logo is not None:  # in the margin above the rule, right-aligned, at most 10 mm high and 40 mm wide
                self.drawImage(
                    logo,
                    width - MARGIN - LOGO_BOX[0],
                    top - 3,
                    *LOGO_BOX,
                    preserveAspectRatio=True,
                    anchor="ne",
                    mask="auto",
                )
            self.setFillColor(ACCENT)
            self.setFont(FONT_BOLD, 8.5)
            self.drawString(MARGIN, top - 11, title)
            self.setFont(FONT, 8)
            self.setFillColor(colors.black)
            self.drawRightString(width - MARGIN, top - 11, f"Page {self.getPageNumber()} of {total}")
            self.setStrokeColor(RULE)
            self.setLineWidth(0.6)
            self.line(MARGIN, top - 15, width - MARGIN, top - 15)
            self.line(MARGIN, MARGIN + 12, width - MARGIN, MARGIN + 12)
            self.setFont(FONT, 7)
            self.setFillColor(colors.HexColor("#444444"))
            stamp = f"Generated by {generated_by} at {generated_at:%d %b %Y %H:%M} with CaseDesk"
            self.drawString(MARGIN, MARGIN + 4, stamp)
            self.drawRightString(width - MARGIN, MARGIN + 4, f"Page {self.getPageNumber()} of {total}")
            self.restoreState()

    return NumberedCanvas


def build_pdf(
    path: Path,
    title: str,
    story: Sequence[Flowable],
    generated_by: str,
    generated_at: datetime,
    header: ReportHeader | None = None,
    pagesize: tuple[float, float] = PAGE_SIZE,
) -> None:
    """Lay out `story` on A4 pages (portrait unless `pagesize` turns them) with the marked header and footer on
    every one; `header` (the area's name and logo) defaults to the site profile's."""
    register_fonts()
    header = header if header is not None else site_profile.load().report
    doc = SimpleDocTemplate(
        str(path),
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT,
        bottomMargin=MARGIN + FOOTER_HEIGHT,
        title=title,
        author=generated_by,
        initialFontName=FONT,
    )
    doc.build(list(story), canvasmaker=_numbered_canvas(title, generated_by, generated_at, header))


def content_width() -> float:
    """The usable width between the margins, for sizing table columns."""
    return PAGE_SIZE[0] - 2 * MARGIN
