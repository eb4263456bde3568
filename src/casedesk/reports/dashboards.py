"""The dashboards' PDF pack: each dashboard's sections as a chart (lines for trends, bars for comparisons) with its
table beneath, from the server's JSON (counts already protected: a withheld count is a gap in the chart and the
mark in the table, never a number)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from casedesk.domain.dashboards.export import header, rows, series
from casedesk.reports.base import FONT, build_pdf, content_width, esc, make_styles, table_style

PALETTE = [
    colors.HexColor(c)
    for c in (
        "#1F3A5F",
        "#C8553D",
        "#2A9D8F",
        "#E9C46A",
        "#8E7DBE",
        "#6C757D",
        "#F4A261",
        "#264653",
        "#9C6644",
        "#588157",
    )
]
CHART_HEIGHT = 55 * mm
MAX_POINTS = 40  # a bar chart of more rows than this is unreadable: the table carries them all


def _chart(section: Mapping[str, Any], width: float) -> Drawing | None:
    labels, names, values = series(section)
    if not labels or not names or all(v is None or v == 0 for column in values for v in column):
        return None
    labels, values = labels[:MAX_POINTS], [column[:MAX_POINTS] for column in values]
    drawing = Drawing(width, CHART_HEIGHT)
    plot_width = width - 45 * mm
    if section["chart"] in ("line", "rate_line"):
        chart: Any = HorizontalLineChart()
        chart.joinedLines = 1
        for i in range(len(names)):
            chart.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
            chart.lines[i].strokeWidth = 1.5
    else:
        chart = VerticalBarChart()
        chart.groupSpacing = 4
        for i in range(len(names)):
            chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
            chart.bars[i].strokeColor = None
    chart.x, chart.y, chart.width, chart.height = 10 * mm, 14 * mm, plot_width, CHART_HEIGHT - 18 * mm
    chart.data = [tuple(v for v in column) for column in values]
    chart.categoryAxis.categoryNames = [label[:14] for label in labels]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 30 if len(labels) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 6 else "n"
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    drawing.add(chart)
    legend = Legend()
    legend.x = int(12 * mm + plot_width)
    legend.y = int(CHART_HEIGHT - 6 * mm)
    legend.fontName = FONT
    legend.fontSize = 6.5
    legend.alignment = "right"
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name[:24]) for i, name in enumerate(names)]
    drawing.add(legend)
    return drawing


def _table(section: Mapping[str, Any], width: float, styles: Mapping[str, Any]) -> Table:
    head = header(section)
    body = rows(section)
    first = min(60 * mm, width * 0.35)
    rest = (width - first) / max(1, len(head) - 1)
    data = [[Paragraph(esc(h), styles["head"]) for h in head]]
    data += [
        [
            Paragraph(esc(v), styles["cell_bold" if section.get("total_row") and i == len(body) - 1 else "cell"])
            for v in row
        ]
        for i, row in enumerate(body)
    ]
    table = Table(data, colWidths=[first, *([rest] * (len(head) - 1))], repeatRows=1)
    table.setStyle(TableStyle([*table_style(), ("ALIGN", (1, 0), (-1, -1), "RIGHT")]))
    return table


def story_of(dashboard: Mapping[str, Any]) -> list[Flowable]:
    styles = make_styles()
    width = content_width()
    story: list[Flowable] = [
        Paragraph(esc(dashboard["title"]), styles["title"]),
        Paragraph(
            esc(f"{dashboard['from']} to {dashboard['to']} · figures for {dashboard['audience']}"), styles["muted"]
        ),
        Spacer(1, 2 * mm),
    ]
    for note in dashboard.get("notes", ()):
        story.append(Paragraph(esc(note), styles["small"]))
    for section in dashboard["sections"]:
        story.append(CondPageBreak(CHART_HEIGHT + 30 * mm))
        block: list[Flowable] = [Paragraph(esc(section["title"]), styles["h2"])]
        chart = _chart(section, width)
        if chart is not None:
            block.append(chart)
        story.append(KeepTogether(block))
        story.append(_table(section, width, styles))
        if section.get("note"):
            story.append(Paragraph(esc(section["note"]), styles["note"]))
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(esc(dashboard["legend"]), styles["small"]))
    return story


def render_pack(path: Path, dashboards: Sequence[Mapping[str, Any]], generated_by: str, now: datetime) -> None:
    """One PDF holding every dashboard given, each starting on a new page."""
    story: list[Flowable] = []
    for i, dashboard in enumerate(dashboards):
        if i:
            story.append(PageBreak())
        story += story_of(dashboard)
    title = dashboards[0]["title"] if len(dashboards) == 1 else "Dashboards"
    build_pdf(path, title, story, generated_by, now)
