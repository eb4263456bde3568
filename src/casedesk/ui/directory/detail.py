"""One directory service in full: the expectation card first, then how to refer, then the ORUK details.

The expectation card leads because it is what stops referrals bouncing: what the service does and does not do,
what the referrer must have done first and what a referral must include. When the page is showing matches for a
child, the reasons the service fits (or does not) sit above it, so the decision and its grounds are on one screen.
"""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from casedesk.domain.directory.match import Match
from casedesk.domain.directory.model import (
    LEVEL_LABELS,
    Service,
    domain_label,
    format_ages,
    format_levels,
)
from casedesk.domain.directory.reviews import DUE, OVERDUE, review_due_on, review_state
from casedesk.domain.directory.schedules import schedule_text
from casedesk.services.directory.service import attendance_modes
from casedesk.ui.palette import AMBER, AMBER_BACKGROUND, GREEN, MUTED, PANEL_BACKGROUND, RED, RED_BACKGROUND

GREY = MUTED


def _items(values: tuple[str, ...] | list[str], empty: str = "Not stated by the service") -> str:
    if not values:
        return f"<p style='color:{GREY}'>{escape(empty)}</p>"
    return "<ul style='margin-top:0'>" + "".join(f"<li>{escape(v)}</li>" for v in values) + "</ul>"


def _tag(text: str, background: str, colour: str) -> str:
    return f"<span style='background:{background}; color:{colour}'>&nbsp;{escape(text)}&nbsp;</span>"


def _link(address: str) -> str:
    if address.startswith(("http://", "https://")):
        return f"<a href='{escape(address, quote=True)}'>{escape(address)}</a>"
    if "@" in address and " " not in address:
        return f"<a href='mailto:{escape(address, quote=True)}'>{escape(address)}</a>"
    return escape(address)


def _reviewed(service: Service, today: date) -> str:
    if service.last_reviewed is None:
        return f"<span style='color:{AMBER}'>never recorded; check the details with the service</span>"
    when = f"{service.last_reviewed.day} {service.last_reviewed:%B %Y}"
    owner = f" by {escape(service.review_owner)}" if service.review_owner else ""
    state = review_state(service, today)
    if state == OVERDUE:
        return f"<span style='color:{AMBER}'>{when}{owner}, over a year ago; check the details are still current</span>"
    if state == DUE:
        return f"{when}{owner}; due for review by {review_due_on(service):%d %B %Y}"
    return when + owner


def match_html(match: Match, child_name: str) -> str:
    """Why the service fits this child, or why a referral would be inappropriate."""
    who = escape(child_name or "this child")
    if match.fits:
        return f"<p style='margin-bottom:0'><b style='color:{GREEN}'>Fits {who}</b></p>{_items(match.reasons)}"
    head = f"Does not fit {who}: a referral would be inappropriate"
    text = f"<p style='margin-bottom:0'><b style='color:{RED}'>{head}</b></p>"
    text += _items(match.problems)
    if match.reasons:
        text += f"<p style='margin-bottom:0; color:{GREY}'>What does fit</p>"
        text += f"<div style='color:{GREY}'>{_items(match.reasons)}</div>"
    return text


def card_html(service: Service) -> str:
    """The expectation card as a shaded box with its four parts."""
    card = service.expectation_card
    parts = (
        ("What it does", card.does),
        ("What it does not do", card.does_not),
        ("Before referring, you must", card.referrer_must_first),
        ("A referral must include", card.referral_must_include),
    )
    cells = "".join(f"<p style='margin-bottom:0'><b>{title}</b></p>{_items(values)}" for title, values in parts)
    note = "" if card.is_complete else f"<p style='color:{AMBER}'>This card is incomplete; ask the service.</p>"
    return (
        f"<table width='100%' cellpadding='8' style='background:{PANEL_BACKGROUND}; border:1px solid #c8c6c4'>"
        f"<tr><td><p style='font-size:13pt; margin-top:0'><b>Expectation card</b></p>{cells}{note}</td></tr></table>"
    )


def _cost_line(costs: list[str], fees: str) -> str:
    """The cost options, then the fees in words unless they only repeat them ("Free" beside "Free at the point of
    use")."""
    said = "; ".join(c for c in costs if c)
    if fees and fees.lower() not in said.lower():
        said = f"{said}; {fees}" if said else fees
    return said or "Not stated"


def _facts(service: Service, today: date) -> list[tuple[str, str]]:
    route = service.referral_route
    names = ", ".join(LEVEL_LABELS.get(level, str(level)) for level in sorted(service.levels))
    levels = f"{format_levels(service.levels).capitalize()}: {names}" if names else "Not stated"
    districts = ", ".join(area.name or area.description for area in service.service_areas)
    costs = [
        " ".join(p for p in (c.option, f"(£{c.amount:.2f})" if c.amount else "", c.amount_description) if p)
        for c in service.cost_options
    ]
    phones = [f"{p.number}" + (f" ({p.description})" if p.description else "") for p in service.phones]
    places = [
        ", ".join(x for x in (loc.name, loc.address_1, loc.city, loc.postal_code) if x) for loc in service.locations
    ]
    times = [schedule_text(s) for s in service.schedules]
    return [
        ("Refer by", f"{route.method.label}: {_link(route.address)}" if route else "Not stated; contact the service"),
        ("Typical wait", escape(service.typical_wait or "Not stated")),
        ("Last reviewed", _reviewed(service, today)),
        ("Levels of need", escape(levels)),
        ("Needs", escape(", ".join(domain_label(d) for d in service.need_domains) or "Not stated")),
        ("Ages", escape(format_ages(service.minimum_age, service.maximum_age))),
        ("Area", escape(districts or "Not stated")),
        ("Attend", escape(", ".join(m.label for m in sorted(attendance_modes(service))) or "Not stated")),
        ("When", "<br>".join(escape(t) for t in times if t) or "Not stated"),
        ("Where", "<br>".join(escape(p) for p in places if p) or "Not stated"),
        ("Cost", escape(_cost_line(costs, service.fees))),
        ("Phone", "<br>".join(escape(p) for p in phones) or "Not stated"),
        ("Email", _link(service.email) if service.email else "Not stated"),
        ("Web", _link(service.url) if service.url else "Not stated"),
        ("Languages", escape(", ".join(service.languages) or "Not stated")),
        ("Tags", escape(", ".join(service.tags) or "None")),
    ]


def service_html(service: Service, match: Match | None = None, child_name: str = "", today: date | None = None) -> str:
    """The body of the detail view (everything under the title and buttons)."""
    today = today or date.today()
    rows = "".join(
        f"<tr><td style='color:{GREY}; padding-right:12px' valign='top'>{label}</td><td>{value}</td></tr>"
        for label, value in _facts(service, today)
    )
    parts = [
        match_html(match, child_name) if match else "",
        f"<p>{escape(service.description)}</p>" if service.description else "",
        card_html(service),
        f"<p style='font-size:13pt'><b>Referring and contact</b></p><table cellpadding='2'>{rows}</table>",
    ]
    return "".join(parts)


class ServiceDetail(QWidget):
    """The right-hand side of the directory page; `refer_requested(service_id)` is handled by referrals."""

    refer_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.service: Service | None = None
        self.title = QLabel("Choose a service from the list.")
        self.title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.title.setWordWrap(True)
        self.title.setAccessibleName("Service name")
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet(f"color: {GREY};")
        self.subtitle.setWordWrap(True)
        self.badge = QLabel()
        self.badge.setAccessibleName("Sample or status")
        self.badge.setWordWrap(True)
        self.refer = QPushButton("Refer…")
        self.refer.setToolTip("Start a referral to this service")
        self.refer.setEnabled(False)
        self.refer.clicked.connect(self._refer)
        self.body = QTextBrowser()
        self.body.setOpenExternalLinks(True)
        self.body.setAccessibleName("Service details")
        self.body.setStyleSheet("QTextBrowser { border: none; }")
        top = QHBoxLayout()
        heading = QVBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(self.subtitle)
        heading.addWidget(self.badge)
        top.addLayout(heading, 1)
        top.addWidget(self.refer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.body, 1)
        self.clear()

    def clear(self, message: str = "Choose a service from the list.") -> None:
        self.service = None
        self.title.setText(message)
        self.subtitle.clear()
        self.badge.hide()
        self.refer.setEnabled(False)
        self.body.clear()

    def show_service(self, service: Service, match: Match | None = None, child_name: str = "") -> None:
        self.service = service
        self.title.setText(service.name)
        self.subtitle.setText(service.organization.name if service.organization else "")
        badges = []
        if service.sample:
            badges.append(_tag("SAMPLE DATA: a fictional service", AMBER_BACKGROUND, AMBER))
        if not service.is_active:
            badges.append(_tag(f"{service.status.upper()}: not taking referrals", RED_BACKGROUND, RED))
        self.badge.setText(" ".join(badges))
        self.badge.setVisible(bool(badges))
        self.refer.setEnabled(service.is_active)
        self.refer.setToolTip("Start a referral to this service" if service.is_active else "This service is not active")
        self.body.setHtml(service_html(service, match, child_name))

    def text(self) -> str:
        """Everything shown, as plain text (for tests and screen readers' summaries)."""
        return "\n".join((self.title.text(), self.subtitle.text(), self.body.toPlainText()))

    def _refer(self) -> None:
        if self.service is not None:
            self.refer_requested.emit(self.service.id)
