"""The editor's ORUK lists: where a service runs (locations with their address and postcode), when it is open
(schedules), what it costs (cost options and fees) and the languages it works in.

Each list is a small table a person types into; `service_with` reads them back onto a `Service`, keeping the ids
(and any fields the table does not show: coordinates, the address's id) of rows that were already there, so an
edit published and exported again is the same ORUK record, not a new one. Typed days and times are read as people
write them ("Mon-Fri", "9:30", "5pm"); what cannot be read is kept as typed and named by the directory's checks.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.directory.model import CostOption, Location, Schedule, Service
from casedesk.domain.directory.schedules import parse_days, parse_time, short_days
from casedesk.domain.ids import new_id

ROW_ID = Qt.ItemDataRole.UserRole


class RowsTable(QWidget):
    """An editable table with Add and Remove; each row remembers the id of the record it came from."""

    def __init__(self, name: str, headers: tuple[str, ...], rows: list[tuple[str, list[str]]], add: str) -> None:
        super().__init__()
        self.table = QTableWidget(0, len(headers))
        self.table.setAccessibleName(name)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(120)
        for row_id, cells in rows:
            self.add_row(cells, row_id)
        self.add_button, self.remove_button = QPushButton(add), QPushButton("Remove")
        self.add_button.clicked.connect(lambda: self._add_and_edit())
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add_row(self, cells: list[str], row_id: str | None = None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column in range(self.table.columnCount()):
            item = QTableWidgetItem(cells[column] if column < len(cells) else "")
            if column == 0:
                item.setData(ROW_ID, row_id)
            self.table.setItem(row, column, item)
        return row

    def _add_and_edit(self) -> None:
        row = self.add_row([])
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if item is not None:
            self.table.editItem(item)

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def rows(self) -> list[tuple[str | None, list[str]]]:
        """(the row's record id or None for a new row, its cells trimmed), leaving out rows left blank."""
        out = []
        for row in range(self.table.rowCount()):
            items = [self.table.item(row, column) for column in range(self.table.columnCount())]
            cells = [(item.text() if item is not None else "").strip() for item in items]
            first = self.table.item(row, 0)
            if any(cells):
                out.append((first.data(ROW_ID) if first else None, cells))
        return out


def _amount(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


class PlacesTimesCosts:
    """The three tables for one service (built from it; read back with `service_with`)."""

    def __init__(self, service: Service) -> None:
        self.original = service
        self.locations = RowsTable(
            "Locations",
            ("Place name", "Address", "Town or city", "Postcode"),
            [(loc.id, [loc.name, loc.address_1, loc.city, loc.postal_code]) for loc in service.locations],
            "Add a location",
        )
        self.schedules = RowsTable(
            "Opening times",
            ("Days", "Opens", "Closes", "In words", "How attended"),
            [
                (
                    s.id,
                    [
                        short_days(s.byday),
                        (s.opens_at or "")[:5],
                        (s.closes_at or "")[:5],
                        s.description,
                        s.attending_type,
                    ],
                )
                for s in service.schedules
            ],
            "Add opening times",
        )
        self.costs = RowsTable(
            "Costs",
            ("Option", "Amount (£)", "Details"),
            [(c.id, [c.option, _amount(c.amount), c.amount_description]) for c in service.cost_options],
            "Add a cost",
        )

    def problems(self) -> list[tuple[str, str]]:
        """What the tables hold that no `Service` can: an amount that is not a number."""
        found = []
        for _, (option, amount, _details) in self.costs.rows():
            try:
                if amount:
                    float(_money(amount))
            except ValueError:
                found.append(("cost_options", f"'{amount}' is not an amount of money (for '{option or 'a cost'}')."))
        return found

    def service_with(self, service: Service) -> Service:
        return replace(service, locations=self._locations(), schedules=self._schedules(), cost_options=self._costs())

    def _locations(self) -> tuple[Location, ...]:
        old = {loc.id: loc for loc in self.original.locations}
        out = []
        for row_id, (name, address, city, postcode) in self.locations.rows():
            kept = old.get(row_id or "") or Location(new_id())
            out.append(replace(kept, name=name, address_1=address, city=city, postal_code=_postcode(postcode)))
        return tuple(out)

    def _schedules(self) -> tuple[Schedule, ...]:
        old = {s.id: s for s in self.original.schedules}
        out = []
        for row_id, (days, opens, closes, words, attending) in self.schedules.rows():
            kept = old.get(row_id or "") or Schedule(new_id())
            byday = parse_days(days)
            opens_at, closes_at = parse_time(opens), parse_time(closes)
            out.append(
                replace(
                    kept,
                    byday=(days if byday is None else byday) or None,  # kept as typed when unreadable: checks name it
                    freq=(kept.freq or "WEEKLY") if days else None,
                    opens_at=(opens if opens_at is None else opens_at) or None,
                    closes_at=(closes if closes_at is None else closes_at) or None,
                    description=words,
                    attending_type=attending,
                )
            )
        return tuple(out)

    def _costs(self) -> tuple[CostOption, ...]:
        old = {c.id: c for c in self.original.cost_options}
        out = []
        for row_id, (option, amount, details) in self.costs.rows():
            kept = old.get(row_id or "") or CostOption(new_id())
            value = float(_money(amount)) if amount else None
            out.append(replace(kept, option=option, amount=value, amount_description=details))
        return tuple(out)


def _money(typed: str) -> str:
    return typed.replace("£", "").replace(",", "").strip()


def _postcode(typed: str) -> str:
    """ "ls73ex" / "ls7 3ex" → "LS7 3EX" (the inward code is always the last three characters)."""
    compact = "".join(typed.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 4 else compact
