"""The Overview tab, first on the child page: the registered cards (services/overview) in a grid. Each card says
who recorded what it shows and when, flags what is late or missing, and opens its own tab."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from casedesk.services.overview import Card

COLUMNS = 3
# One style sheet for every card (set on the tab): a style sheet per widget costs a parse each time a child opens.
STYLE = """
#overviewCard { border: 1px solid palette(mid); border-radius: 6px; background: palette(base); }
#cardTitle { font-size: 12pt; font-weight: 600; }
#cardFlag { color: #9a3412; font-weight: 600; }
#cardEmpty, #cardFooter { color: palette(placeholder-text); }
#cardFooter { font-size: 8pt; }
#cardOpen { text-align: left; color: palette(link); }
"""


def _label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class CardWidget(QFrame):
    open_requested = Signal(str)  # the tab key

    def __init__(self, card: Card) -> None:
        super().__init__()
        self.card = card
        self.setObjectName("overviewCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(f"{card.title} card")
        policy = self.sizePolicy()  # as tall as its wrapped lines need at the column's width, so none is cut off
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        layout = QVBoxLayout(self)
        layout.addWidget(_label(card.title, "cardTitle"))
        for flag in card.flags:
            layout.addWidget(_label(f"⚠ {flag}", "cardFlag"))
        for line in card.lines:
            layout.addWidget(_label(line, "cardEmpty" if card.empty else "cardLine"))
        layout.addStretch(1)
        if card.provenance:
            layout.addWidget(_label(card.provenance, "cardFooter"))
        self.open_button = QPushButton("Open ›")
        self.open_button.setObjectName("cardOpen")
        self.open_button.setAccessibleName(f"Open {card.title}")
        self.open_button.setFlat(True)
        self.open_button.clicked.connect(lambda: self.open_requested.emit(card.tab))
        layout.addWidget(self.open_button)


class OverviewTab(QScrollArea):
    open_tab = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # cards wrap their lines instead
        self.body = QWidget()
        self.body.setStyleSheet(STYLE)
        self.grid = QGridLayout(self.body)
        self.grid.setSpacing(10)
        self.setWidget(self.body)
        self.cards: list[CardWidget] = []

    def show_cards(self, cards: list[Card]) -> None:
        for widget in self.cards:
            self.grid.removeWidget(widget)
            widget.hide()  # at once: deleteLater leaves it painted until the event loop runs
            widget.deleteLater()
        self.cards = []
        for n, card in enumerate(cards):
            widget = CardWidget(card)
            widget.open_requested.connect(self.open_tab)
            self.grid.addWidget(widget, n // COLUMNS, n % COLUMNS)
            self.cards.append(widget)
        for column in range(COLUMNS):
            self.grid.setColumnStretch(column, 1)
        self.grid.setRowStretch(self.grid.rowCount(), 1)  # cards keep their height; the space is left below

    def card(self, key: str) -> CardWidget | None:
        return next((c for c in self.cards if c.card.key == key), None)
