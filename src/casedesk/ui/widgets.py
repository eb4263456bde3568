"""Small widget helpers shared by the pages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)


def narrow(combo: QComboBox, letters: int = 12) -> QComboBox:
    """A drop-down as wide as about `letters` characters rather than its longest entry, so a row of filters still
    fits the window with text at 200%; the list it opens shows every entry in full."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(letters)
    combo.view().setTextElideMode(Qt.TextElideMode.ElideNone)
    return combo


class ElidedLabel(QLabel):
    """One line (a heading) that shortens itself with "…" when the window leaves it too little room, the whole text
    in its tooltip. A long heading would otherwise set its page's least width (and every page shares the window's
    scroll area), and wrapping it instead makes the page taller than a 1366×768 screen."""

    LEAST = 120  # px: the shortest it gets before its row itself must grow

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._whole = ""
        self.setText(text)

    def setText(self, text: str) -> None:
        self._whole = text
        self.setToolTip(text)
        self._fit()

    def text(self) -> str:
        return self._whole

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._whole) + 4, hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(min(self.LEAST, self.sizeHint().width()), super().minimumSizeHint().height())

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit()

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(self._whole, Qt.TextElideMode.ElideRight, max(1, self.width()))
        super().setText(shown if self.isVisible() else self._whole)


def filter_combo(any_label: str, items: Iterable[tuple[str, object]]) -> QComboBox:
    """A filter drop-down whose first entry ("Any …") means no filter; its accessible name says what it filters."""
    combo = narrow(QComboBox())
    combo.setAccessibleName(any_label.replace("Any", "Filter by"))
    combo.addItem(any_label, None)
    for label, value in items:
        combo.addItem(label, value)
    return combo


def read_only_table(headers: tuple[str, ...], accessible_name: str) -> QTableWidget:
    """A list of records to read and pick one from: whole rows, one at a time, not editable, no row numbers,
    columns sharing the width (callers size columns differently where a page needs it)."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(accessible_name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


@contextmanager
def filling(table: QTableWidget, rows: int) -> Iterator[None]:
    """Gives the table `rows` rows to fill cell by cell: rows and columns sized to their contents are measured once
    at the end, not again after every cell (with wrapped text that re-measured every row per cell: 636 referrals
    took minutes)."""
    table.setRowCount(rows)
    headers = (table.horizontalHeader(), table.verticalHeader())
    fitted = [
        (header, section)
        for header in headers
        for section in range(header.count())
        if header.sectionResizeMode(section) == QHeaderView.ResizeMode.ResizeToContents
    ]
    for header, section in fitted:
        header.setSectionResizeMode(section, QHeaderView.ResizeMode.Interactive)
    try:
        yield
    finally:
        for header, section in fitted:
            header.setSectionResizeMode(section, QHeaderView.ResizeMode.ResizeToContents)


class EmptyState(QStackedWidget):
    """A list, and in its place while it has nothing to show a sentence saying what it would show and how to add
    the first item, so an empty page never looks broken ("0 referral(s)" over a blank table told nobody anything)."""

    def __init__(self, view: QWidget, message: str) -> None:
        super().__init__()
        self.view = view
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Empty list")
        self.message.setStyleSheet("QLabel { color: palette(text); padding: 24px; }")
        self.message.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.addWidget(view)
        self.addWidget(self.message)

    def show_list(self) -> None:
        self.setCurrentWidget(self.view)

    def show_message(self, message: str | None = None) -> None:
        if message is not None:
            self.message.setText(message)
        self.setCurrentWidget(self.message)

    def set_empty(self, empty: bool, message: str | None = None) -> None:
        """Show the message (optionally a new one) when `empty`, else the list."""
        if empty:
            self.show_message(message)
        else:
            self.show_list()

    @property
    def is_empty(self) -> bool:
        return self.currentWidget() is self.message

    def text(self) -> str:
        return self.message.text() if self.is_empty else ""


def scroll_body(content: QWidget) -> QScrollArea:
    """A dialog's fields in a scroll area that scrolls only up and down, so on a small screen (1366×768 at 125%
    leaves about 1090×540) the heading and the buttons stay in view while the fields scroll. It is as wide as the
    fields need, so nothing is clipped and no horizontal scroll bar appears."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    area.setMinimumWidth(content.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width() + 4)
    return area


class _PageHolder(QWidget):
    """Holds the window's pages in the scroll area without a height-for-width: a scroll area takes that height as
    the page's least, and for a page with wrapped text it is the height the page would like (the child page with
    its chronology table: more than a laptop screen), so the window scrolled at normal text sizes and the
    chronology lost its last lines below the window. The pages' least sizes still decide when it scrolls."""

    def __init__(self, pages: QWidget) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(pages)

    def heightForWidth(self, width: int) -> int:
        return -1


def page_scroller(pages: QWidget) -> QScrollArea:
    """The window's pages in a frameless scroll area: at normal text sizes it never scrolls (the pages fill it), but
    with text at 200% a page wider or taller than a laptop screen scrolls instead of pushing the window (and its
    status bar) off the screen."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(_PageHolder(pages))
    return area


def fitted(wanted: QSize, available: QSize) -> QSize:
    """The size to open a window at: what it would like, but never more than the screen leaves."""
    return wanted.boundedTo(available)


def resize_to_fit(window: QWidget, width: int, height: int) -> None:
    """Open at width×height, or smaller where the screen (after scaling, less the taskbar) has less room."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry().size() if screen is not None else QSize(width, height)
    window.resize(fitted(QSize(width, height), room - QSize(0, 32)))  # the title bar is outside the geometry


def date_input(display_format: str, initial: QDate | None = None) -> QDateEdit:
    """A date field with a calendar pop-up, showing dates as `display_format` (Qt's pattern, e.g. "dd/MM/yyyy")."""
    field = QDateEdit(initial) if initial is not None else QDateEdit()
    field.setCalendarPopup(True)
    field.setDisplayFormat(display_format)
    return field


def picked_date(field: QDateEdit) -> date:
    """The date a date field shows, as a Python `date` (Qt's `toPython` is typed as returning any object)."""
    value = field.date().toPython()
    if not isinstance(value, date):
        raise TypeError(f"a date field gave {value!r}")
    return value


def picked_datetime(field: QDateTimeEdit) -> datetime:
    """The local date and time a date-time field shows, as a naive Python `datetime`."""
    value = field.dateTime().toPython()
    if not isinstance(value, datetime):
        raise TypeError(f"a date-time field gave {value!r}")
    return value
