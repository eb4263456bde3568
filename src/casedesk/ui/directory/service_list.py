"""The directory page's list: each service as a bold name (with a SAMPLE or INACTIVE tag) over a wrapped line of
why it matters here: its summary, or, when matching, why it fits or does not. Non-fits are greyed, not hidden.

A painted delegate rather than a widget per row keeps a directory of thousands of services quick to scroll.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from casedesk.domain.directory.model import Service
from casedesk.ui.palette import AMBER, AMBER_BACKGROUND, MUTED, NEUTRAL_BACKGROUND, RED, RED_BACKGROUND, TEXT

ServiceIdRole = Qt.ItemDataRole.UserRole
DetailRole = Qt.ItemDataRole.UserRole + 1
TagRole = Qt.ItemDataRole.UserRole + 2
GreyRole = Qt.ItemDataRole.UserRole + 3
HeadingRole = Qt.ItemDataRole.UserRole + 4
PAD = 6
GREY = QColor(MUTED)
TAG_COLOURS = {"SAMPLE": (AMBER_BACKGROUND, AMBER), "INACTIVE": (RED_BACKGROUND, RED)}
Index = QModelIndex | QPersistentModelIndex


class ServiceDelegate(QStyledItemDelegate):
    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self.view = view

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, QFont(option.font)

    def _text_width(self) -> int:
        return max(120, self.view.viewport().width() - 2 * PAD)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        bold, normal = self._fonts(option)
        width = self._text_width()
        height = QFontMetrics(bold).height() + 2 * PAD
        detail = index.data(DetailRole)
        if detail:
            flags = int(Qt.TextFlag.TextWordWrap)
            height += QFontMetrics(normal).boundingRect(QRect(0, 0, width, 10_000), flags, detail).height() + 2
        return QSize(width, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        bold, normal = self._fonts(option)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = option.rect
        if index.data(HeadingRole):
            painter.fillRect(rect, QColor(NEUTRAL_BACKGROUND))
            painter.setFont(bold)
            painter.setPen(QColor(TEXT))
            painter.drawText(rect.adjusted(PAD, 0, -PAD, 0), int(Qt.AlignmentFlag.AlignVCenter), index.data())
            painter.restore()
            return
        palette = option.palette
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        elif index.row() % 2:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        grey = bool(index.data(GreyRole))
        text_colour = palette.color(QPalette.ColorRole.HighlightedText) if selected else None
        inner = rect.adjusted(PAD, PAD, -PAD, -PAD)
        painter.setFont(bold)
        painter.setPen(text_colour or (GREY if grey else palette.color(QPalette.ColorRole.Text)))
        name_metrics = QFontMetrics(bold)
        tag = index.data(TagRole) or ""
        tag_width = QFontMetrics(normal).horizontalAdvance(tag) + 10 if tag else 0
        name = name_metrics.elidedText(index.data(), Qt.TextElideMode.ElideRight, inner.width() - tag_width - 8)
        painter.drawText(inner.topLeft() + _baseline(name_metrics), name)
        if tag:
            background, foreground = TAG_COLOURS.get(tag, (NEUTRAL_BACKGROUND, TEXT))
            left = inner.left() + name_metrics.horizontalAdvance(name) + 8
            box = QRect(left, inner.top(), tag_width, name_metrics.height())
            painter.fillRect(box, QColor(background))
            painter.setFont(normal)
            painter.setPen(QColor(foreground))
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), tag)
        detail = index.data(DetailRole)
        if detail:
            painter.setFont(normal)
            painter.setPen(text_colour or (GREY if grey else QColor(TEXT)))
            below = inner.adjusted(0, name_metrics.height() + 2, 0, PAD)
            painter.drawText(below, int(Qt.TextFlag.TextWordWrap), detail)
        painter.restore()


def _baseline(metrics: QFontMetrics) -> QPoint:
    return QPoint(0, metrics.ascent())


class ServiceList(QListWidget):
    """A list of services and section headings, drawn by `ServiceDelegate`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(ServiceDelegate(self))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)

    def add_heading(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setData(HeadingRole, True)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.addItem(item)

    def add_service(self, service: Service, detail: str, greyed: bool = False) -> None:
        item = QListWidgetItem(service.name)
        item.setData(ServiceIdRole, service.id)
        item.setData(DetailRole, detail)
        item.setData(GreyRole, greyed)
        item.setData(TagRole, "INACTIVE" if not service.is_active else "SAMPLE" if service.sample else "")
        item.setToolTip(detail)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{service.name}. {detail}")
        self.addItem(item)

    def service_ids(self) -> list[str]:
        return [self.item(i).data(ServiceIdRole) for i in range(self.count()) if self.item(i).data(ServiceIdRole)]

    def row_of(self, service_id: str | None) -> int | None:
        for i in range(self.count()):
            if service_id and self.item(i).data(ServiceIdRole) == service_id:
                return i
        return None
