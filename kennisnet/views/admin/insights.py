"""The curators' search insights: what people search for and do not find, with charts."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from kennisnet.curation import insights
from kennisnet.views.admin import charts
from kennisnet.views.admin.base import bp, requires


@bp.get("/zoekinzichten")
@requires("insights.read")
def search_insights() -> ResponseReturnValue:
    days = insights.parse_period(request.args.get("dagen"))
    found = insights.search_insights(days, actor=current_user)
    per_theme = [(theme.name, n) for theme, n in insights.documents_per_theme(actor=current_user)]
    per_month = [
        (format_date(month, "MMM yyyy"), n)
        for month, n in insights.documents_per_month(actor=current_user)
    ]
    per_day = [(format_date(day, "d MMM"), n) for day, n in found.per_day]
    titles = {
        "theme": _("Documenten per thema"),
        "month": _("Documenten per maand (toegevoegd, laatste 12 maanden)"),
        "day": _("Zoekopdrachten per dag (laatste %(n)s dagen)", n=days),
    }
    figures = [
        _figure("thema", titles["theme"], _("Thema"), per_theme, horizontal=True),
        _figure("maand", titles["month"], _("Maand"), per_month, slanted=True),
        _figure("dag", titles["day"], _("Dag"), per_day, line=True),
    ]
    return render_template(
        "admin/insights.html",
        insights=found,
        periods=insights.PERIODS,
        figures=figures,
        retention=insights.RETENTION_DAYS,
    )


def _figure(
    key: str,
    title: str,
    label: str,
    rows: list[tuple[str, int]],
    *,
    line: bool = False,
    **bar_options: bool,
) -> dict[str, Any]:
    """One chart with its table alternative: the same rows feed both."""
    labels, values = [name for name, _n in rows], [n for _name, n in rows]
    svg = (
        charts.line_chart(title, labels, values)
        if line
        else charts.bar_chart(title, labels, values, **bar_options)
    )
    return {"id": key, "title": title, "label": label, "rows": rows, "svg": svg}


@bp.get("/zoekinzichten/grafieken.css")
@requires("insights.read")
def chart_stylesheet() -> ResponseReturnValue:
    """The charts' CSS as a file of its own: the CSP forbids the SVG's inline style."""
    return Response(charts.stylesheet(), mimetype="text/css")
