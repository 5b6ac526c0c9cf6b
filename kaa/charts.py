"""Plotly figures from panel frames: one palette, one style, one place.

A builder takes a frame from `kaa.panels` and returns a figure; it computes nothing
beyond scaling shares to percent for the axis. Missing figures are left out of the
chart (never drawn as 0); the page says in words what is missing.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from kaa import fmt, schema

# Okabe–Ito, a colour-blind-safe palette; `Saknar stadsdel` in grey to set it apart.
JOBBTORG_COLORS = {
    "Jobbtorg Globen": "#0072B2",
    "Jobbtorg Skärholmen": "#E69F00",
    "Jobbtorg City": "#009E73",
    "Jobbtorg Vällingby": "#CC79A7",
    "Jobbtorg Kista": "#D55E00",
    schema.SAKNAR_STADSDEL: "#8C8C8C",
    schema.TOTALT: "#333333",
}
KON_COLORS = {"Kvinna": "#E69F00", "Man": "#56B4E9", schema.TOTALT: "#333333"}
MEASURE_COLORS = {
    "Registrerade": "#8C8C8C", "Sökta": "#56B4E9", "Nådda": "#009E73", "Ej nådda": "#D55E00",
    "Andel till studier": "#0072B2", "Andel till arbete": "#E69F00",
    "Andel till studier eller arbete": "#009E73", "Andel till annan sysselsättning": "#CC79A7",
    "Andel avslutade": "#56B4E9",
    "Inskrivna": "#8C8C8C", "Nyinskrivna": "#009E73", "Avslutade": "#56B4E9",
    "Avslutade till studier": "#0072B2", "Avslutade till arbete": "#E69F00",
}
#: Fill patterns, so that no series is told apart by colour alone.
PATTERNS = ["", "/", ".", "x", "\\", "+", "-", "|"]
YEAR_COLORS = ["#9ECAE1", "#4292C6", "#08519C", "#08306B", "#6BAED6", "#2171B5"]
FONT = "Source Sans Pro, Arial, sans-serif"
TARGET_COLOR = "#B2182B"
#: Up to this many years a chart groups bars by year; beyond it, it draws lines over the years.
MAX_BAR_YEARS = 4


def _orders(data: pd.DataFrame) -> dict[str, list]:
    """Category orders as in the report (Totalt last), limited to the values present."""
    orders = {}
    for d in (schema.JOBBTORG, schema.KON):
        if d in data:
            present = set(data[d])
            orders[d] = [v for v in list(schema.DIMENSION_ORDER[d]) + [schema.TOTALT] if v in present]
    # Measures in the vocabulary's order, so one missing in the first year does not move to the end.
    measures = sorted(dict.fromkeys(data["measure"]), key=schema.MEASURE_RANK.get) if "measure" in data else []
    orders["matt"] = [schema.MEASURES[m].label for m in measures]
    orders[schema.AR] = sorted(data[schema.AR].unique())
    return orders


def color_map(frame: pd.DataFrame, column: str) -> dict:
    if column == schema.JOBBTORG:
        return JOBBTORG_COLORS
    if column == schema.KON:
        return KON_COLORS
    if column == "matt":
        return MEASURE_COLORS
    if column == schema.AR:
        # By the year itself, so a year keeps its colour whatever else is selected.
        return {str(y): YEAR_COLORS[int(y) % len(YEAR_COLORS)] for y in frame[schema.AR].unique()}
    return {}


def _hover_frame(frame: pd.DataFrame, keep_missing: bool = False) -> pd.DataFrame:
    """Add the y value (shares in percent) and one hover line that shows counts behind shares.

    Missing figures are dropped (no bar is ever drawn for them); lines keep them, so they break.
    """
    out = (frame if keep_missing else frame[frame["varde"].notna()]).copy()
    is_share = out["measure"].isin(schema.SHARE_NAMES)
    out["y"] = out["varde"].where(~is_share, out["varde"] * 100)
    behind = [
        f"{fmt.count(t)} av {fmt.count(n)}" if pd.notna(t) and pd.notna(n) else
        ("publicerad andel, antal saknas" if nog == "publicerad andel" else
         (nog if nog and nog != schema.EXAKT else ""))
        for t, n, nog in zip(out["taljare"], out["namnare"], out["noggrannhet"])
    ]
    out["bakom"] = behind
    out[schema.AR] = out[schema.AR].astype(str)
    return out


def _hover_title(x: str, color: str) -> str:
    """The hover's first line names the group; the measure is named on the line with its value."""
    if x == "matt":
        return "<b>%{customdata[3]}</b>"
    if color == "matt":
        return "<b>%{x}</b>"
    return "<b>%{x}</b> · %{customdata[3]}"


def style(fig: go.Figure, title: str, percent: bool, height: int = 420) -> go.Figure:
    """The one house style: Swedish separators, calm template, readable sizes."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 18}},
        separators=fmt.PLOTLY_SEPARATORS,
        template="plotly_white",
        font={"family": FONT, "size": 14},
        height=height,
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        legend={"title": None, "orientation": "h", "y": -0.15, "x": 0},
        hoverlabel={"font_size": 14},
    )
    if percent:
        fig.update_yaxes(ticksuffix=fmt.NBSP + "%", rangemode="tozero")
    else:
        fig.update_yaxes(tickformat=",d")  # 30 000, never 30k
    return fig


def bar(frame: pd.DataFrame, x: str, color: str, title: str, *, facet: str | None = None,
        target: float | None = None, height: int = 420, barmode: str = "group",
        facet_rows: bool = False) -> go.Figure:
    """Bars of a panel frame: value on y, labelled with its Swedish text, counts on hover.

    Over more than MAX_BAR_YEARS years, grouped bars stop being readable; the same
    frame is then drawn as lines over the years instead (see `trend`).
    """
    if frame[schema.AR].nunique() > MAX_BAR_YEARS and schema.AR in (color, facet):
        series = x if color == schema.AR else color
        return trend(frame, series, title, panels=None if color == schema.AR else x, target=target)
    data = _hover_frame(frame)
    data["serie"] = data[color].astype(str)
    percent = bool(len(data)) and data["measure"].isin(schema.SHARE_NAMES).all()
    orders = _orders(data)
    fig = px.bar(
        data, x=x, y="y", color=color, text="text", barmode=barmode, pattern_shape=color,
        pattern_shape_sequence=PATTERNS,
        facet_col=None if facet_rows else facet, facet_row=facet if facet_rows else None,
        color_discrete_map=color_map(data, color), category_orders=orders,
        custom_data=["matt", "text", "bakom", "serie"],
        labels={**schema.DIMENSION_LABELS, "y": "Andel" if percent else "Antal", "matt": "Mått"},
    )
    # Labels sit above the bars, except inside a stacked segment, where on top it would read as the
    # stack's total.
    inside = barmode == "stack"
    fig.update_traces(
        textposition="inside" if inside else "outside", cliponaxis=False,
        insidetextanchor="end" if inside else None,
        hovertemplate=_hover_title(x, color) + "<br>%{customdata[0]}: %{customdata[1]}"
                      "<br>%{customdata[2]}<extra></extra>",
    )
    if facet:
        fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
        fig.for_each_xaxis(lambda axis: axis.update(title=None))
    if x == schema.JOBBTORG:
        set_apart_unknown_district(fig, orders[schema.JOBBTORG])
    if target is not None:
        add_target(fig, target)
    return style(fig, title, percent, height)


def trend(frame: pd.DataFrame, series: str, title: str, *, panels: str | None = None,
          target: float | None = None) -> go.Figure:
    """Lines over the years, one per series (jobbtorg, kön or measure), markers shaped per series.

    A missing or hidden year leaves a gap in its line rather than bridging it.
    """
    data = _hover_frame(frame, keep_missing=True)
    data["serie"] = data[series].astype(str)
    percent = bool(len(data)) and data["measure"].isin(schema.SHARE_NAMES).all()
    orders = _orders(data)
    fig = px.line(
        data, x=schema.AR, y="y", color=series, symbol=series, line_dash=series if series == schema.JOBBTORG
        and schema.SAKNAR_STADSDEL in set(data[series]) else None, markers=True,
        facet_col=panels, facet_col_wrap=3 if panels else 0, facet_row_spacing=0.16,
        color_discrete_map=color_map(data, series),
        category_orders=orders, custom_data=["matt", "text", "bakom", "serie"],
        labels={**schema.DIMENSION_LABELS, "y": "Andel" if percent else "Antal", "matt": "Mått"},
    )
    fig.update_traces(hovertemplate=_hover_title(schema.AR, series) + "<br>%{customdata[0]}: %{customdata[1]}"
                                    "<br>%{customdata[2]}<extra></extra>", line={"width": 2.5})
    if panels:
        fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
        fig.for_each_xaxis(lambda axis: axis.update(title=None))
    fig.update_xaxes(type="category", showticklabels=True)
    fig.update_yaxes(rangemode="tozero")
    if target is not None:
        add_target(fig, target)
    rows = -(-data[panels].nunique() // 3) if panels else 1
    return style(fig, title, percent, height=140 + 300 * rows)


def set_apart_unknown_district(fig: go.Figure, categories: list[str]) -> None:
    """Shade `Saknar stadsdel` so it never reads as a jobbtorg of its own."""
    if schema.SAKNAR_STADSDEL in categories:
        i = categories.index(schema.SAKNAR_STADSDEL)
        fig.add_vrect(x0=i - 0.5, x1=i + 0.5, fillcolor="#8C8C8C", opacity=0.12, line_width=0, layer="below",
                      annotation_text="stadsdel okänd", annotation_position="top",
                      annotation_font={"size": 12, "color": "#555555"}, row="all", col="all")


def add_target(fig: go.Figure, target: float) -> None:
    """A dashed line at a share target (given as a fraction), labelled in the legend so it covers no bar.

    Drawn below the bars and their labels, so a bar over the target covers it.
    """
    fig.add_hline(y=target * 100, line_dash="dash", line_color=TARGET_COLOR, line_width=2, layer="below")
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=f"Mål: minst {fmt.percent(target, 0)}",
                             line={"dash": "dash", "color": TARGET_COLOR, "width": 2}, hoverinfo="skip"))


def ranking(frame: pd.DataFrame, title: str, target: float | None = None) -> go.Figure:
    """Horizontal bars of jobbtorg sorted by value, with the city total as a reference line."""
    data = _hover_frame(frame)
    units = data[data[schema.JOBBTORG] != schema.TOTALT].sort_values("y")
    total = data[data[schema.JOBBTORG] == schema.TOTALT]
    percent = bool(len(data)) and data["measure"].isin(schema.SHARE_NAMES).all()
    fig = px.bar(units, x="y", y=schema.JOBBTORG, orientation="h", text="text", color=schema.JOBBTORG,
                 color_discrete_map=JOBBTORG_COLORS, custom_data=["matt", "text", "bakom"],
                 labels={"y": "Andel" if percent else "Antal", schema.JOBBTORG: ""})
    # Labels inside the bar ends, so reference lines near the longest bar never cross them.
    fig.update_traces(textposition="inside", insidetextanchor="end", showlegend=False,
                      hovertemplate="<b>%{y}</b><br>%{customdata[0]}: %{customdata[1]}"
                                    "<br>%{customdata[2]}<extra></extra>")
    if len(total) and percent:  # a city total is comparable with a jobbtorg only as a share
        fig.add_vline(x=total["y"].iloc[0], line_dash="dot", line_color="#333333",
                      annotation_text=f"Staden: {total['text'].iloc[0]}", annotation_position="top")
    if target is not None:
        fig.add_vline(x=target * 100, line_dash="dash", line_color=TARGET_COLOR,
                      annotation_text=f"Mål: {fmt.percent(target, 0)}", annotation_position="top right",
                      annotation_font_color=TARGET_COLOR)
    style(fig, title, False, height=120 + 55 * max(len(units), 1))
    fig.update_yaxes(categoryorder="total ascending")  # the largest on top, where rank 1 is read first
    reach = max([units["y"].max() if len(units) else 0] + [target * 100 if target is not None else 0])
    fig.update_xaxes(range=[0, reach * 1.12 or 1], ticksuffix=fmt.NBSP + "%" if percent else "",
                     tickformat="" if percent else ",d")
    return fig


def change(frame: pd.DataFrame, title: str) -> go.Figure:
    """Diverging bars of each jobbtorg's change since the previous year (shares in percentage points)."""
    data = frame[frame["forandring"].notna() & (frame[schema.JOBBTORG] != schema.TOTALT)].copy()
    percent = data["measure"].isin(schema.SHARE_NAMES).all() if len(data) else False
    data["x"] = data["forandring"] * (100 if percent else 1)
    data["riktning"] = data["x"].map(lambda v: "Ökning" if v > 0 else "Minskning" if v < 0 else "Oförändrat")
    data = data.sort_values("x")
    fig = px.bar(data, x="x", y=schema.JOBBTORG, orientation="h", text="forandring_text", color="riktning",
                 pattern_shape="riktning",
                 color_discrete_map={"Ökning": "#0072B2", "Minskning": "#D55E00", "Oförändrat": "#8C8C8C"},
                 pattern_shape_map={"Ökning": "", "Minskning": "/", "Oförändrat": ""},
                 custom_data=["forandring_text", "jamfort_med_ar"],
                 labels={"x": "Procentenheter" if percent else "Personer", schema.JOBBTORG: ""})
    fig.update_traces(textposition="outside", cliponaxis=False,
                      hovertemplate="<b>%{y}</b><br>Förändring sedan %{customdata[1]}: %{customdata[0]}"
                                    "<extra></extra>")
    fig.add_vline(x=0, line_color="#333333", line_width=1)
    style(fig, title, False, height=120 + 55 * max(len(data), 1))
    span = data["x"].abs().max() if len(data) else 1
    fig.update_xaxes(range=[-span * 1.6, span * 1.6])
    return fig
