"""The Directory page: search and filter the area's services, read one in full, and see matches for a child.

Search and filters run in memory over the services loaded once (and again when a sync or import changes them),
so typing never waits on the database. From a triage result, `show_matches` lists every service ranked for the
child: fits first with the reasons they fit, then the rest greyed with the reasons they do not, because a
familiar service that has silently vanished is more confusing than one that says why it is unsuitable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from casedesk.domain.directory.match import Match, match_services
from casedesk.domain.directory.model import LEVEL_LABELS, NeedDomain, Service, domain_label, format_ages, format_levels
from casedesk.domain.records import Changes
from casedesk.services.directory.service import (
    Attendance,
    Cost,
    DirectoryFilter,
    search_services,
)
from casedesk.services.directory.usage import filter_criteria, needs_check_criteria, opened_criteria, with_results
from casedesk.ui.context import AppContext
from casedesk.ui.directory.detail import ServiceDetail
from casedesk.ui.directory.manage_dialog import ManageDirectoryDialog
from casedesk.ui.directory.service_list import ServiceIdRole, ServiceList
from casedesk.ui.palette import INFO_BACKGROUND
from casedesk.ui.widgets import filter_combo

SEARCH_DELAY_MS = 150
CRITERIA_SETTLE_MS = 2500  # a search is kept (criteria only) once its filters have stood this long
LIST_REASONS = (
    "works on",
    "focuses on",
    "also focuses on",
    "covers",
    "typical wait",
)  # the reasons worth a line in the list; the rest are in the detail


@dataclass(frozen=True)
class MatchRequest:
    """The child a triage result is about, as matching needs it."""

    level: int
    domains: Mapping[str, int] = field(default_factory=dict)
    age: int | None = None
    district: str | None = None
    child_name: str = ""
    needs: Mapping[str, str] | None = None  # the specific needs the answers reveal, code → label
    need_labels: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        needs = sorted((d for d, w in self.domains.items() if w > 0), key=lambda d: -self.domains[d])
        parts = [f"level {self.level}", ", ".join(domain_label(d) for d in needs) or "no need domains flagged"]
        if self.needs:
            parts.append(", ".join(label.lower() for label in self.needs.values()))
        parts += [f"age {self.age}" if self.age is not None else "age not known", self.district or "area not known"]
        return f"Services for {self.child_name or 'this child'}: " + " · ".join(parts)


def _fit_line(match: Match) -> str:
    """The list's line for a fit: what it works on, where, how soon, and any "check with the service" caveat."""
    chosen = [r for r in match.reasons if r.startswith(LIST_REASONS) or "not stated" in r]
    return "; ".join(chosen or match.reasons[:2])


def _summary(service: Service) -> str:
    parts = [service.organization.name if service.organization else "", format_levels(service.levels)]
    parts.append(format_ages(service.minimum_age, service.maximum_age))
    if service.typical_wait:
        parts.append(f"wait {service.typical_wait}")
    return " · ".join(p for p in parts if p)


class DirectoryPage(QWidget):
    refer_requested = Signal(str)  # a service's record id; the referrals page takes it from here

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.services: list[Service] = []
        self.matches: list[Match] = []
        self.request: MatchRequest | None = None
        self._loaded_once = False
        self._selected: str | None = None

        self.search = QLineEdit(placeholderText="Search services by name, description or tag")
        self.search.setAccessibleName("Search the directory")
        self.search.setClearButtonEnabled(True)
        self.domain = filter_combo("Any need", [(d.label, d.value) for d in NeedDomain])
        self.level = filter_combo("Any level", [(f"Level {n}: {label}", n) for n, label in LEVEL_LABELS.items()])
        self.age = QSpinBox(minimum=-1, maximum=25, value=-1)
        self.age.setSpecialValueText("Any age")
        self.age.setSuffix(" years")
        self.age.setAccessibleName("Filter by age")
        self.area = QLineEdit(placeholderText="Postcode district")
        self.area.setAccessibleName("Filter by postcode district")
        self.area.setMaximumWidth(140)
        self.cost = filter_combo("Any cost", [(c.label, c.value) for c in Cost])
        self.attendance = filter_combo("Any way of attending", [(a.label, a.value) for a in Attendance])
        self.count = QLabel()
        self.count.setAccessibleName("Number of services shown")

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("font-weight: 600;")
        self.show_all = QPushButton("Show the whole directory")
        self.show_all.clicked.connect(self.clear_matches)
        self.banner_row = QWidget()
        banner_layout = QHBoxLayout(self.banner_row)
        banner_layout.setContentsMargins(0, 0, 0, 0)
        banner_layout.addWidget(self.banner, 1)
        banner_layout.addWidget(self.show_all)
        self.banner_row.setStyleSheet(f"background: {INFO_BACKGROUND};")
        self.banner_row.hide()

        self.list = ServiceList()
        self.list.setAccessibleName("Services")
        self.detail = ServiceDetail()
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([470, 700])
        splitter.setChildrenCollapsible(False)

        self.manage = QPushButton("Manage…")
        self.manage.setToolTip("Edit services, the needs taxonomy and tags, review dates; publish to every device")
        self.manage.clicked.connect(self.open_manager)
        self.manage.hide()  # until the account is known to manage the directory (see `reload`)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        top.addWidget(self.manage)
        filters = QHBoxLayout()
        for widget in (self.domain, self.level, self.age, self.area, self.cost, self.attendance):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.banner_row)
        layout.addWidget(splitter, 1)

        self._recorded: dict[str, object] = {}
        self._pending: dict[str, object] = {}  # criteria waiting for the results they found
        self._found: list[str] = []  # the services the last refresh listed, in order
        self._opened: set[str] = set()  # services opened since the last search was kept
        self.list.itemClicked.connect(self._record_opened)
        self._settled = QTimer(self, singleShot=True, interval=CRITERIA_SETTLE_MS)
        self._settled.timeout.connect(self._record_criteria)
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.area.textChanged.connect(lambda _: self._debounce.start())
        for combo in (self.domain, self.level, self.cost, self.attendance):
            combo.currentIndexChanged.connect(self.refresh)
        self.age.valueChanged.connect(self.refresh)
        self.list.currentItemChanged.connect(self._show_current)
        self.detail.refer_requested.connect(self.refer_requested)
        context.runner.changes_applied.connect(self._on_changes)

    # -- loading -----------------------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded_once and self.context.unlocked:
            self.reload()

    def reload(self) -> None:
        self._loaded_once = True
        self.count.setText("Loading…")
        self.context.runner.query(lambda col: col.directory.services()).success(self._loaded).run()
        self.context.runner.query(lambda col: col.directory.editor.allowed()).success(self.manage.setVisible).run()

    def _loaded(self, services: list[Service]) -> None:
        self.services = services
        self.refresh()

    def forget(self) -> None:
        """On lock: drop the child being matched (their name and needs) and the list; both return on unlock."""
        self.list.blockSignals(True)  # the list empties before what it names, so no row is shown half-forgotten
        self.list.clear()
        self.list.blockSignals(False)
        self.request = None
        self.matches = []
        self.services = []
        self._selected = None
        self._loaded_once = False
        self.banner_row.hide()
        self.detail.clear()

    def _on_changes(self, changes: Changes, _initiator: object) -> None:
        if "services" in changes.entities and self.context.unlocked:
            self.reload()

    # -- filtering and matching --------------------------------------------------------------------------------
    def filters(self) -> DirectoryFilter:
        cost, attendance = self.cost.currentData(), self.attendance.currentData()
        return DirectoryFilter(
            domain=self.domain.currentData(),
            level=self.level.currentData(),
            age=None if self.age.value() < 0 else self.age.value(),
            district=self.area.text().strip() or None,
            cost=Cost(cost) if cost else None,
            attendance=Attendance(attendance) if attendance else None,
        )

    def reset_filters(self) -> None:
        for widget in (self.search, self.area):
            widget.blockSignals(True)
            widget.clear()
            widget.blockSignals(False)
        for combo in (self.domain, self.level, self.cost, self.attendance):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.age.blockSignals(True)
        self.age.setValue(-1)
        self.age.blockSignals(False)

    def show_matches(
        self,
        outcome_level: int,
        outcome_domains: Mapping[str, int],
        child_age: int | None,
        postcode_district: str | None,
        child_name: str = "",
        child_needs: Mapping[str, str] | None = None,
        need_labels: Mapping[str, str] | None = None,
    ) -> None:
        """Rank every service for a child after triage; filters start cleared so nothing is hidden."""
        self.request = MatchRequest(
            outcome_level,
            dict(outcome_domains),
            child_age,
            postcode_district,
            child_name,
            child_needs,
            dict(need_labels or {}),
        )
        self.reset_filters()
        self._selected = None
        self.banner.setText(self.request.describe())
        self._record(
            needs_check_criteria(
                outcome_level, dict(outcome_domains), list(child_needs or {}), child_age, postcode_district
            )
        )
        self.banner_row.show()
        if self._loaded_once:
            self.refresh()
        elif self.context.unlocked:
            self.reload()

    def clear_matches(self) -> None:
        self.request = None
        self.matches = []
        self.banner_row.hide()
        self.refresh()

    def _record_criteria(self) -> None:
        if self.request is None and self.context.unlocked:
            self._record(filter_criteria(self.filters(), bool(self.search.text().strip())))
            self._keep_pending()  # what it found is what is listed now

    def _record(self, criteria: dict[str, object]) -> None:
        """Keep what was searched for and what it found (criteria and services only: `services/directory/usage.py`),
        once per change, when the services it finds are next listed."""
        self._pending = criteria

    def _keep_pending(self) -> None:
        criteria, self._pending = self._pending, {}
        if criteria and criteria != self._recorded:
            self._recorded, self._opened = criteria, set()
            found = with_results(dict(criteria), list(self._found))
            self.context.runner.op(lambda col: col.directory.record_search(found)).run(initiator=self)

    def _record_opened(self, item: QListWidgetItem) -> None:
        service_id = item.data(ServiceIdRole)
        if service_id and service_id not in self._opened and self.context.unlocked:
            self._opened.add(service_id)
            opened = opened_criteria(service_id, "directory" if self.request is None else "needs_check")
            self.context.runner.op(lambda col: col.directory.record_search(opened)).run(initiator=self)

    def refresh(self) -> None:
        self._settled.start()
        found = search_services(self.services, self.search.text(), self.filters())
        self.list.blockSignals(True)
        self.list.clear()
        if self.request is None:
            self.matches = []
            for service in found:
                self.list.add_service(service, _summary(service))
            self.count.setText(f"{len(found)} of {len(self.services)} services")
        else:
            r = self.request
            self.matches = match_services(found, r.level, r.domains, r.age, r.district, r.needs, r.need_labels)
            fits = [m for m in self.matches if m.fits]
            self.list.add_heading(f"Fit {r.child_name or 'this child'} ({len(fits)}), best first")
            for match in fits:
                self.list.add_service(match.service, _fit_line(match))
            self.list.add_heading(f"Do not fit ({len(self.matches) - len(fits)}), with the reasons")
            for match in self.matches[len(fits) :]:
                self.list.add_service(match.service, match.explanation, greyed=True)
            self.count.setText(f"{len(fits)} fit, {len(self.matches) - len(fits)} do not")
        self._found = [s.id for s in found] if self.request is None else [m.service.id for m in self.matches if m.fits]
        self.list.blockSignals(False)
        self._reselect()
        if self._pending:
            self._keep_pending()

    def _reselect(self) -> None:
        ids = self.list.service_ids()
        row = self.list.row_of(self._selected if self._selected in ids else (ids[0] if ids else None))
        if row is not None:
            self.list.setCurrentRow(row)
        else:
            self.detail.clear("No service matches the search and filters." if self.services else "No services yet.")

    def _show_current(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        service_id = item.data(ServiceIdRole) if item is not None else None
        if not service_id:
            return
        self._selected = service_id
        match = next((m for m in self.matches if m.service.id == service_id), None)
        service = match.service if match else next((s for s in self.services if s.id == service_id), None)
        if service is None:  # the list still names a service the page has let go of (it is being cleared on lock)
            self.detail.clear()
            return
        self.detail.show_service(service, match, self.request.child_name if self.request else "")

    def open_manager(self) -> ManageDirectoryDialog:
        dialog = ManageDirectoryDialog(self.context, self)
        dialog.finished.connect(lambda _: self.reload() if self.context.unlocked else None)
        dialog.open()
        return dialog

    def show_filtered(self, domain: str | None, level: int | None) -> None:
        """The whole directory filtered to a need and a level (a guidance link); other filters cleared."""
        self.request = None
        self.matches = []
        self.banner_row.hide()
        self.reset_filters()
        for combo, value in ((self.domain, domain), (self.level, level)):
            index = combo.findData(value) if value is not None else 0
            combo.blockSignals(True)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        if self._loaded_once:
            self.refresh()
        elif self.context.unlocked:
            self.reload()

    def show_service(self, service_id: str) -> bool:
        """Select one service (its card shows); False when the directory does not hold it."""
        self._selected = service_id
        if self.services and all(s.id != service_id for s in self.services):
            return False  # (while the list is still loading, the selection waits for it)
        self._reselect()
        return True

    # -- for tests and the window ------------------------------------------------------------------------------
    def listed_ids(self) -> list[str]:
        return self.list.service_ids()

    def select_service(self, service_id: str) -> None:
        self._selected = service_id
        self._reselect()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
