"""The chart builders of ui/charts.py: what a reader sees of each figure — titles, the room
kept for a legend, axis order and types, percent axes, the target line, and the app's
template — built in one go (each later change to a plotly figure is validated again)."""

from __future__ import annotations

import pandas as pd
import pytest

from ui import charts

DF = pd.DataFrame({"x": ["a", "b", "c", "a", "b", "c"], "y": [1, 2, 3, 4, 5, 6], "c": ["s1"] * 3 + ["s2"] * 3})


def layout(fig) -> dict:
    return fig.to_dict()["layout"]


def test_a_bar_chart_keeps_room_for_its_title_and_legend_and_has_the_app_template():
    one = layout(charts.bar(DF.head(3), "x", "y"))
    assert one["margin"] == {"t": 20} and one["height"] == charts.HEIGHT and not one["showlegend"]
    assert one["template"]["layout"]["font"]["family"] == charts.FONT
    titled = charts.bar(DF, "x", "y", color="c", title="件数", height=300, color_map={"s1": "#000000"})
    lay = layout(titled)
    assert lay["title"]["text"] == "件数" and lay["margin"] == {"t": 90} and lay["height"] == 300
    assert [tr.name for tr in titled.data] == ["s1", "s2"]
    assert [tr.marker.color for tr in titled.data] == ["#000000", charts.PALETTE[1]]
    assert layout(charts.bar(DF.head(3), "x", "y", title="件数"))["margin"] == {"t": 50}  # a title, no legend


def test_a_horizontal_bar_chart_lists_its_categories_top_down_in_the_order_given():
    fig = charts.bar(DF, "x", "y", color="c", horizontal=True, category_order=["c", "a", "b"], text=True)
    lay = layout(fig)
    assert lay["yaxis"]["autorange"] == "reversed"
    assert lay["yaxis"]["categoryorder"] == "array" and list(lay["yaxis"]["categoryarray"]) == ["c", "a", "b"]
    assert fig.data[0].orientation == "h" and list(fig.data[0].y) == ["a", "b", "c"]
    assert fig.data[0].textposition == "auto"


def test_a_line_chart_of_a_rate_reads_in_percent_with_its_target_dashed():
    fig = charts.line(DF, "x", "y", color="c", title="达标率", percent=True, target=0.5, target_label="目标")
    lay = layout(fig)
    assert lay["yaxis"]["tickformat"] == ".0%" and lay["yaxis"]["range"] == [0, 1.05]
    assert lay["xaxis"]["type"] == "category" and lay["showlegend"] and lay["margin"] == {"t": 90}
    (shape,) = lay["shapes"]
    assert shape["y0"] == shape["y1"] == 0.5 and shape["line"]["dash"] == "dash"
    assert lay["annotations"][0]["text"] == "目标"


def test_a_heatmap_orders_its_rows_as_asked_and_sizes_itself_by_them():
    df = pd.DataFrame({"m": [1, 2, 1, 2, 1], "town": ["甲", "甲", "乙", "乙", "丙"], "v": [1, 0, 3, 4, 5]})
    fig = charts.heatmap(df, "m", "town", "v", y_order=["乙", "甲"], x_order=[1, 2, 3])
    (heat,) = fig.data
    assert list(heat.y) == ["乙", "甲", "丙"]  # as asked, then the rest
    assert list(heat.x) == ["1", "2", "3"]
    lay = layout(fig)
    assert lay["yaxis"]["autorange"] == "reversed" and lay["yaxis"]["type"] == lay["xaxis"]["type"] == "category"
    assert lay["height"] == max(300, 26 * 3 + 120)


@pytest.mark.parametrize("percent", [False, True])
def test_versus_draws_the_values_in_red_against_a_dashed_reference_without_a_legend(percent):
    fig = charts.versus([2023, 2024], [1, 2], [2, 2], name="甲镇", reference_name="区中位数", title="活动",
                        percent=percent)
    values, reference = fig.data
    assert (values.name, values.line.color, values.line.width) == ("甲镇", charts.RED, 3)
    assert (reference.name, reference.line.dash, reference.marker.size) == ("区中位数", "dash", 6)
    assert values.hovertemplate == reference.hovertemplate == (
        "%{x}: " + ("%{y:.0%}" if percent else "%{y:,}") + "<extra>%{fullData.name}</extra>")
    lay = layout(fig)
    assert not lay["showlegend"] and lay["margin"] == {"t": 50} and lay["height"] == 240
    assert (lay["yaxis"].get("tickformat") == ".0%") is percent
