"""The curators' search insights: what people search for and do not find, with charts."""

from __future__ import annotations

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
        {
            "id": "thema",
            "title": titles["theme"],
            "label": _("Thema"),
            "rows": per_theme,
            "svg": charts.bar_chart(
                titles["theme"],
                [name for name, _n in per_theme],
                [n for _name, n in per_theme],
                horizontal=True,
            ),
        },
        {
            "id": "maand",
            "title": titles["month"],
            "label": _("Maand"),
            "rows": per_month,
            "svg": charts.bar_chart(
                titles["month"],
                [m for m, _n in per_month],
                [n for _m, n in per_month],
                slanted=True,
            ),
        },
        {
            "id": "dag",
            "title": titles["day"],
            "label": _("Dag"),
            "rows": per_day,
            "svg": charts.line_chart(
                titles["day"], [d for d, _n in per_day], [n for _d, n in per_day]
            ),
        },
    ]
    return render_template(
        "admin/insights.html",
        insights=found,
        periods=insights.PERIODS,
        figures=figures,
        retention=insights.RETENTION_DAYS,
    )


@bp.get("/zoekinzichten/grafieken.css")
@requires("insights.read")
def chart_stylesheet() -> ResponseReturnValue:
    """The charts' CSS as a file of its own: the CSP forbids the SVG's inline style."""
    return Response(charts.stylesheet(), mimetype="text/css")
