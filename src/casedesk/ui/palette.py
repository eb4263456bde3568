"""The app's colours, named once, with every background each one is drawn on.

Flags (overdue, stop, amber warnings, levels of need) and badges must stay readable for people with low vision or
colour-blindness: each foreground here passes WCAG 2.1 AA (contrast ≥ 4.5 : 1) on each background it is used on,
including the window, list and alternate-row colours of the running style; `tests/ui/test_palette.py` measures it.
Colour is never the only signal: every flag also says so in words ("overdue", "STOP", "Level 3").
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

RED = "#a4262c"  # errors, overdue, stop, level 4
AMBER = "#8a6100"  # warnings, sample data, level 2
ORANGE = "#a83f00"  # level 3
GREEN = "#0e6e0e"  # level 1
MUTED = "#605e5c"  # secondary text, greyed-out rows
TEXT = "#323130"  # text on tinted panels

RED_BACKGROUND = "#fde7e9"  # the stop banner, "not taking referrals"
AMBER_BACKGROUND = "#fff4ce"  # "sample data"
NEUTRAL_BACKGROUND = "#edebe9"  # tags, list headings
PANEL_BACKGROUND = "#f3f2f1"  # the expectation card
INFO_BACKGROUND = "#eff6fc"  # the directory's "services for …" banner

SELECTION = "#0f6cbd"  # the selected row or item; Qt's default (#308cc6) gave white text only 3.7 : 1
SELECTION_TEXT = "#ffffff"  # selected rows draw every cell in this, flags included (the words still say it)

LEVEL_COLOURS = {1: GREEN, 2: AMBER, 3: ORANGE, 4: RED}

# (foreground, background) pairs drawn explicitly, besides each foreground on the style's own backgrounds.
TINTED_PAIRS = (
    (RED, RED_BACKGROUND),
    (AMBER, AMBER_BACKGROUND),
    (TEXT, NEUTRAL_BACKGROUND),
    (MUTED, PANEL_BACKGROUND),
    (TEXT, PANEL_BACKGROUND),
    (MUTED, INFO_BACKGROUND),
)
FLAGS = (RED, AMBER, ORANGE, GREEN, MUTED)  # drawn on the window, on lists and on alternate rows


def apply(app: QApplication) -> None:
    """Give the running style the selection colours above, in the focused and the unfocused window alike."""
    colours = app.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        colours.setColor(group, QPalette.ColorRole.Highlight, QColor(SELECTION))
        colours.setColor(group, QPalette.ColorRole.HighlightedText, QColor(SELECTION_TEXT))
    app.setPalette(colours)
