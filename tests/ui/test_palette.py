"""WCAG 2.1 AA contrast for every flag and badge colour, on the backgrounds it is drawn on (ratio ≥ 4.5 : 1)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from casedesk.ui import palette

AA = 4.5


def _luminance(colour: str) -> float:
    """Relative luminance as WCAG 2.1 defines it, from an #rrggbb colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula_matches_wcags_reference_points() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest grey that passes
    assert contrast("#777777", "#ffffff") < AA


def _style_backgrounds(app: QApplication) -> dict[str, str]:
    colours = app.palette()
    roles = ("Window", "Base", "AlternateBase", "Button")
    return {role: colours.color(getattr(QPalette.ColorRole, role)).name() for role in roles}


def test_every_flag_colour_passes_aa_on_the_window_lists_and_alternate_rows(qapp: QApplication) -> None:
    backgrounds = {"white": "#ffffff", **_style_backgrounds(qapp)}
    failing = {
        (fg, where, round(contrast(fg, bg), 2))
        for fg in palette.FLAGS
        for where, bg in backgrounds.items()
        if contrast(fg, bg) < AA
    }
    assert not failing


@pytest.mark.parametrize(("foreground", "background"), palette.TINTED_PAIRS)
def test_badges_and_banners_pass_aa(foreground: str, background: str) -> None:
    assert contrast(foreground, background) >= AA


def test_levels_of_need_are_all_checked() -> None:
    assert set(palette.LEVEL_COLOURS.values()) <= set(palette.FLAGS)


def test_selected_rows_pass_aa_in_focused_and_unfocused_windows(qapp: QApplication) -> None:
    """Every cell of a selected row, flags included, is drawn in the highlighted-text colour (Fusion's own blue
    gave white text 3.7 : 1)."""
    before = qapp.palette()
    try:
        palette.apply(qapp)
        colours = qapp.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            text = colours.color(group, QPalette.ColorRole.HighlightedText).name()
            assert contrast(text, colours.color(group, QPalette.ColorRole.Highlight).name()) >= AA
    finally:
        qapp.setPalette(before)
