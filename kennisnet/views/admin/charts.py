"""Charts as inline SVG, drawn on the server with pygal, fit for a strict CSP.

pygal puts a ``<script>`` (its configuration, even with ``js=[]``), a ``<style>`` and an inline
``style`` attribute (on the tooltip) inside every SVG. The CSP allows neither inline scripts nor
inline styles, so an XML filter takes all three out of the tree before it is written, and the
same CSS, with the random chart id replaced by a class selector, is served as a stylesheet of
its own (``stylesheet``). Tooltips need pygal's script, so they go too.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from functools import cache
from typing import Any

import pygal
from markupsafe import Markup
from pygal.style import Style

# pygal appends an old-style finder for its map plugins (pygal.maps.*) to sys.meta_path. It has
# no find_spec, so every failed import anywhere in the process then raises an ImportWarning
# (an error where warnings are errors, and it breaks ``try: import x except ImportError``).
# No map is drawn here, so the finder goes.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

CHART_CLASS = "kn-chart__svg"
_CHART_ID = re.compile(r"#chart-[0-9a-f-]+")

STYLE = Style(
    font_family="inherit",
    background="transparent",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#000000",
    foreground_subtle="#4d4d4d",
    colors=("#0d6b58",),
    opacity="1",
    opacity_hover="1",
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    transition="none",
)


def _config() -> dict[str, Any]:
    # No title inside the drawing: the figure's caption shows it, and aria-label names it.
    return {
        "style": STYLE,
        "js": [],  # no script files; the inline one is removed by _strip
        "disable_xml_declaration": True,
        "show_legend": False,
        "width": 720,
        "height": 360,
        "classes": ["pygal-chart", CHART_CLASS],
        "print_values": False,
        "truncate_label": 30,
    }


def _strip(captured: list[str] | None = None) -> Any:
    """An XML filter: no script, no style, no comment, no tooltip; an accessible name."""

    def apply(root: Any) -> Any:
        parents = {child: parent for parent in root.iter() for child in parent}
        for node in list(parents):
            tag = node.tag if isinstance(node.tag, str) else ""
            name = tag.rsplit("}", 1)[-1]
            unwanted = (
                not tag  # comments and processing instructions
                or name in {"script", "style"}
                or "tooltip" in (node.get("class") or "").split()
            )
            if name == "style" and captured is not None:
                captured.append(node.text or "")
            if unwanted:
                parents[node].remove(node)
        for attribute in [a for a in root.attrib if a == "id" or a.startswith("style")]:
            del root.attrib[attribute]
        return root

    return apply


def _render(chart: Any, title: str) -> Markup:
    chart.add_xml_filter(_strip())
    svg = chart.render(is_unicode=True)
    # The figure gives the name; role="img" makes the drawing one picture to assistive tech.
    label = Markup(' role="img" aria-label="{}"').format(title)
    svg = svg.replace("<svg ", f"<svg{label} ", 1)
    return Markup(svg)  # noqa: S704 - pygal's own output, scripts and styles removed above


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[int],
    *,
    horizontal: bool = False,
    slanted: bool = False,
) -> Markup:
    config = _config()
    if slanted:  # long labels under the bars (months): slanted, so they do not overlap
        config["x_label_rotation"] = -45
    chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(**config)
    if horizontal:
        # pygal draws the first value at the bottom; readers expect the list's order.
        labels, values = list(reversed(labels)), list(reversed(values))
    chart.x_labels = list(labels)
    chart.add(title, list(values))
    return _render(chart, title)


def line_chart(title: str, labels: Sequence[str], values: Sequence[int]) -> Markup:
    config = _config()
    config.update(
        x_label_rotation=-45,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, len(labels) // 10),
        dots_size=2,
        fill=False,
    )
    chart = pygal.Line(**config)
    chart.x_labels = list(labels)
    chart.add(title, list(values))
    return _render(chart, title)


@cache
def stylesheet() -> str:
    """pygal's CSS for these charts, scoped by class instead of each chart's random id."""
    captured: list[str] = []
    chart = pygal.Bar(**_config())
    chart.add("", [1])
    chart.add_xml_filter(_strip(captured))
    chart.render()
    return _CHART_ID.sub(f"svg.{CHART_CLASS}", "\n".join(captured))
