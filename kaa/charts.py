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
from kaa.published import Target

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
    "Avslutade till annan sysselsättning": "#CC79A7",
    "Nya i registret": "#8C8C8C", "Nya under uppsök": "#E69F00", "Nya inskrivningar": "#CC79A7",
    "Andel nådda": "#009E73", "Andel nådda hittills": "#009E73", "Andel nådda inom 30 dagar": "#009E73",
    "Andel nådda inom 90 dagar": "#0072B2", "Dagar till nådd (median)": "#0072B2",
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
    for d in schema.BREAKDOWNS:
        if d in data:
            present = set(data[d])
            orders[d] = [v for v in list(schema.DIMENSION_ORDER[d]) + [schema.TOTALT] if v in present]
    # Measures in the vocabulary's order, so one missing in the first year does not move to the end.
    measures = sorted(dict.fromkeys(data["measure"]), key=schema.MEASURE_RANK.get) if "measure" in data else []
    orders["matt"] = [schema.MEASURES[m].label for m in measures]
    orders[schema.AR] = sorted(data[schema.AR].unique())
    if schema.PERIOD in data:  # "2024-12" before "2025-01", "2025-H1" before "2025-H2"
        orders[schema.PERIOD] = sorted(data[schema.PERIOD].unique())
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


def _hover_frame(frame: pd.DataFrame, keep_missing: bool = False, keep_hidden: bool = False) -> pd.DataFrame:
    """Add the y value (shares in percent) and one hover line that shows counts behind shares.

    Missing figures are dropped (no bar is ever drawn for them); lines keep them, so they break.
    `keep_hidden` keeps a hidden figure (`<5`, `..`) as an empty slot at 0 that carries its marker.
    """
    hidden = frame["maskad"].fillna("").astype(bool) if "maskad" in frame else pd.Series(False, frame.index)
    out = (frame if keep_missing else frame[frame["varde"].notna() | (hidden & keep_hidden)]).copy()
    is_share = out["measure"].isin(schema.SHARE_NAMES)
    out["y"] = out["varde"].where(~is_share, out["varde"] * 100)
    if keep_hidden:
        out["y"] = out["y"].fillna(0.0)
    out["maskad"] = out["maskad"].fillna("") if "maskad" in out else ""
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


#: Titles are broken into lines of at most this many characters, so none is cut off on a phone.
TITLE_WIDTH = 42
#: Small multiples stand this many a row, their titles broken at PANEL_TITLE_WIDTH characters, so that
#: on a phone (a plot about 330 px wide) neighbouring titles never run into each other.
PANELS_PER_ROW, PANEL_TITLE_WIDTH = 2, 20


def wrap_title(title: str, width: int = TITLE_WIDTH) -> str:
    """A title as lines of at most `width` characters (Plotly never wraps a title by itself)."""
    lines: list[str] = []
    for word in title.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def style(fig: go.Figure, title: str, percent: bool, height: int = 420, value_axis: str = "y") -> go.Figure:
    """The one house style: Swedish separators, calm template, readable sizes, legend above the plot."""
    lines = wrap_title(title).count("<br>") + 1
    fig.update_layout(
        title={"text": wrap_title(title), "x": 0, "xanchor": "left", "font": {"size": 17}},
        separators=fmt.PLOTLY_SEPARATORS,
        template="plotly_white",
        font={"family": FONT, "size": 14},
        height=height + 22 * (lines - 1),
        margin={"l": 10, "r": 10, "t": 50 + 22 * lines, "b": 10},
        # At the foot of the figure (not of the plot), so rotated axis labels never run into it and a
        # legend that wraps on a phone pushes the margin instead of the title.
        legend={"title": None, "orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        hoverlabel={"font_size": 14},
        # A label inside a stacked segment that does not fit at a readable size is left out (the hover
        # and the table have it) rather than shrunk to a few pixels.
        uniformtext={"minsize": 12, "mode": "hide"},
    )
    update = fig.update_xaxes if value_axis == "x" else fig.update_yaxes
    if percent:
        update(ticksuffix=fmt.NBSP + "%", rangemode="tozero")
    else:
        update(tickformat=",d")  # 30 000, never 30k
    return fig


#: Height of one bar when jobbtorg are drawn as horizontal bars: room for a label that never shrinks.
BAR_PX = 26
#: Measure names longer than this ("Andel till annan sysselsättning") are drawn as horizontal bars too:
#: under vertical bars they would be turned and squeeze the plot on a phone.
LONG_CATEGORY = 14


def bar(frame: pd.DataFrame, x: str, color: str, title: str, *, facet: str | None = None,
        target: float | None = None, height: int = 420, barmode: str = "group",
        facet_rows: bool = False) -> go.Figure:
    """Bars of a panel frame, labelled with their Swedish text, counts on hover.

    `x` is the category axis. Jobbtorg, whose names are long and many, and measures with long names
    are drawn as horizontal bars (names on the left, readable on a phone), as tall as their bars need,
    so `height` applies to vertical bars only; other categories are vertical bars. Over more
    than MAX_BAR_YEARS years, grouped bars stop being readable; the same frame is then drawn as
    lines over the years instead (see `trend`).
    """
    if frame[schema.AR].nunique() > MAX_BAR_YEARS and schema.AR in (color, facet):
        if x == schema.STADSDEL and color == schema.AR:  # 14 lines in one chart cannot be told apart: a panel each
            return trend(frame, "matt", title, panels=x, target=target)
        series = x if color == schema.AR else color
        return trend(frame, series, title, panels=None if color == schema.AR else x, target=target)
    data = _hover_frame(frame, keep_hidden=barmode != "stack")
    data["serie"] = data[color].astype(str)
    percent = bool(len(data)) and data["measure"].isin(schema.SHARE_NAMES).all()
    orders = _orders(data)
    horizontal = x in schema.COMPARED or (x == "matt" and data["matt"].str.len().max() > LONG_CATEGORY)
    value_label = "Andel" if percent else "Dagar" if data["measure"].isin(schema.STATISTIC_NAMES).all() else "Antal"
    fig = px.bar(
        data, x="y" if horizontal else x, y=x if horizontal else "y", orientation="h" if horizontal else "v",
        color=color, text="text", barmode=barmode, pattern_shape=color, pattern_shape_sequence=PATTERNS,
        facet_col=None if facet_rows or horizontal else facet, facet_row=facet if facet_rows or horizontal else None,
        color_discrete_map=color_map(data, color), category_orders=orders,
        custom_data=["matt", "text", "bakom", "serie", "maskad"],
        labels={**schema.DIMENSION_LABELS, "y": value_label, "matt": "Mått"},
    )
    # A stacked segment carries its label inside (on top it would read as the stack's total); grouped
    # bars get labels of their own (see `_label_bars`).
    inside = barmode == "stack"
    category = "%{y}" if horizontal else "%{x}"
    fig.update_traces(
        textposition="inside" if inside else "none", cliponaxis=False,
        insidetextanchor="end" if inside else None,
        hovertemplate=_hover_title(x, color).replace("%{x}", category) + "<br>%{customdata[0]}: %{customdata[1]}"
                      "<br>%{customdata[2]}<extra></extra>",
    )
    if facet:
        fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
        (fig.for_each_yaxis if horizontal else fig.for_each_xaxis)(lambda axis: axis.update(title=None))
    if horizontal:
        fig.update_yaxes(title=None)  # px lists the categories top to bottom in the report's order
        panels = data[facet].nunique() if facet else 1
        bars_per_panel = len(orders[x]) * (1 if inside else data[color].nunique())
        height = 110 + panels * (BAR_PX * bars_per_panel + 40)
    if x in schema.COMPARED:
        # As Plotly numbers the categories (px lists horizontal ones bottom-up).
        placed = fig.layout.yaxis.categoryarray if horizontal else None
        set_apart_unknown_district(fig, list(placed or orders[x]), horizontal)
    if target is not None:
        add_target(fig, target, horizontal)
    style(fig, title, percent, height, value_axis="x" if horizontal else "y")
    if not inside:
        _label_bars(fig, x, color, orders, target, percent, horizontal)
    return fig


#: Vertical bars times the characters of their longest label above which the labels stand upright,
#: so that they never overlap on a phone (a plot about 300 px wide, some 7 px a character).
UPRIGHT_LABELS_FROM = 30
LABEL_BACKGROUND = "#FFFFFF"  # opaque: a line passing behind a label never strikes through it


def _label_bars(fig: go.Figure, x: str, color: str, orders: dict, target: float | None, percent: bool,
                horizontal: bool) -> None:
    """Value labels over grouped bars as annotations: a fixed, readable size on a white ground.

    Plotly's own bar text shrinks to fit narrow bars and is crossed by reference lines. These labels
    are drawn above every line (a target line passes behind them), never shrink, and are bold within
    five percentage points of the target, where a manager looks first. A hidden figure (`<5`, `..`)
    has an empty slot with its marker at the foot, so a gap never reads as 0.
    """
    bars = [t for t in fig.data if t.type == "bar"]
    if not bars:
        return
    names = {t.name for t in bars}
    series = [s for s in map(str, orders.get(color, [])) if s in names] or sorted(names)
    width = 0.8 / len(series)
    # Category positions as Plotly numbers them (px lists horizontal categories bottom-up).
    axis = fig.layout.yaxis if horizontal else fig.layout.xaxis
    categories = [str(c) for c in (axis.categoryarray or orders.get(x, []))]
    longest = max((len(str(c[4] or c[1])) for t in bars for c in t.customdata), default=0)
    upright = not horizontal and len(categories) * len(series) * longest > UPRIGHT_LABELS_FROM
    marks, top = [], 0.0
    for trace in bars:
        rank = series.index(trace.name)  # the first series on top (horizontal) or to the left
        offset = 0.4 - (rank + 1) * width if horizontal else -0.4 + rank * width
        trace.update(width=width, offset=offset)
        places, values = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
        for place, value, custom in zip(places, values, trace.customdata):
            hidden = custom[4]
            near = not hidden and target is not None and percent and abs(value - target * 100) <= 5
            top = max(top, value)
            position = categories.index(str(place)) + offset + width / 2
            mark = dict(xref=trace.xaxis or "x", yref=trace.yaxis or "y", showarrow=False,
                        text=hidden or (f"<b>{custom[1]}</b>" if near else custom[1]),
                        font={"size": 13, "color": "#555555" if hidden else "#1F2933"},
                        bgcolor=LABEL_BACKGROUND, borderpad=1)
            if horizontal:
                mark.update(x=value, y=position, xanchor="left", xshift=3)
            else:
                mark.update(x=position, y=value, yanchor="bottom", yshift=2, textangle=-90 if upright else 0)
            marks.append(mark)
    fig.update_layout(annotations=list(fig.layout.annotations) + marks)
    reach = max(top, target * 100 if target is not None and percent else 0) or 1
    headroom = 1.3 if horizontal or upright else 1.16
    (fig.update_xaxes if horizontal else fig.update_yaxes)(range=[0, reach * headroom])
    # Plotly's autorange misjudges a category axis whose bars carry explicit offsets: say it.
    (fig.update_yaxes if horizontal else fig.update_xaxes)(range=[-0.5, len(categories) - 0.5])


def trend(frame: pd.DataFrame, series: str, title: str, *, panels: str | None = None,
          target: float | None = None) -> go.Figure:
    """Lines over the years, one per series (jobbtorg, kön or measure), markers shaped per series.

    A missing or hidden year leaves a gap in its line rather than bridging it.
    """
    data = _hover_frame(frame, keep_missing=True)
    data["serie"] = data[series].astype(str)
    percent = bool(len(data)) and data["measure"].isin(schema.SHARE_NAMES).all()
    orders = _orders(data)
    rows = -(-data[panels].nunique() // PANELS_PER_ROW) if panels else 1
    fig = px.line(
        data, x=schema.AR, y="y", color=series, symbol=series, line_dash=series if series == schema.JOBBTORG
        and schema.SAKNAR_STADSDEL in set(data[series]) else None, markers=True,
        facet_col=panels, facet_col_wrap=PANELS_PER_ROW if panels else 0,
        facet_row_spacing=min(0.16, 110 / ((300 if rows <= 3 else 230) * rows)),  # some 110 px: years, next titles
        facet_col_spacing=0.08,
        color_discrete_map=color_map(data, series),
        category_orders=orders, custom_data=["matt", "text", "bakom", "serie"],
        labels={**schema.DIMENSION_LABELS, "y": "Andel" if percent else "Antal", "matt": "Mått"},
    )
    fig.update_traces(hovertemplate=_hover_title(schema.AR, series) + "<br>%{customdata[0]}: %{customdata[1]}"
                                    "<br>%{customdata[2]}<extra></extra>", line={"width": 2.5})
    if panels:
        fig.for_each_annotation(lambda a: a.update(text=wrap_title(a.text.split("=")[-1], PANEL_TITLE_WIDTH)))
        fig.for_each_xaxis(lambda axis: axis.update(title=None))
    fig.update_xaxes(type="category", showticklabels=True)
    fig.update_yaxes(rangemode="tozero")
    if target is not None:
        add_target(fig, target)
    style(fig, title, percent, height=140 + (300 if rows <= 3 else 230) * rows)
    if panels:  # the first row's titles stand above the plot: room for their lines under the figure's title
        lines = max((a.text.count("<br>") + 1 for a in fig.layout.annotations if a.text), default=1)
        fig.update_layout(margin_t=fig.layout.margin.t + 18 * lines, height=fig.layout.height + 18 * lines)
    return fig


def set_apart_unknown_district(fig: go.Figure, categories: list[str], horizontal: bool = False) -> None:
    """Shade `Saknar stadsdel` so it never reads as a jobbtorg of its own."""
    if schema.SAKNAR_STADSDEL in categories:
        i = categories.index(schema.SAKNAR_STADSDEL)
        common = dict(fillcolor="#8C8C8C", opacity=0.12, line_width=0, layer="below", row="all", col="all")
        if horizontal:  # the name on the left already says it; a note would sit on a value label
            fig.add_hrect(y0=i - 0.5, y1=i + 0.5, **common)
        else:
            fig.add_vrect(x0=i - 0.5, x1=i + 0.5, annotation_position="top", annotation_text="stadsdel okänd",
                          annotation_font={"size": 12, "color": "#555555"}, **common)


def add_target(fig: go.Figure, target: float, horizontal: bool = False) -> None:
    """A dashed line at a share target (given as a fraction), labelled in the legend so it covers no bar.

    Drawn below the bars and their labels, so a bar over the target covers it.
    """
    line = dict(line_dash="dash", line_color=TARGET_COLOR, line_width=2, layer="below")
    if horizontal:
        fig.add_vline(x=target * 100, **line)
    else:
        fig.add_hline(y=target * 100, **line)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=f"Mål: {Target.of(target).words}",
                             line={"dash": "dash", "color": TARGET_COLOR, "width": 2}, hoverinfo="skip"))


#: On the comparison page one colour means one thing: blue the ranked jobbtorg (and an improvement),
#: orange a worsening, grey what is not ranked or unchanged.
UNIT_COLOR, WORSE_COLOR, APART_COLOR = "#0072B2", "#D55E00", "#8C8C8C"
DIRECTION_COLORS = {"bra": UNIT_COLOR, "dåligt": WORSE_COLOR, "neutralt": APART_COLOR}
DIRECTION_NAMES = {"bra": "Förbättring", "dåligt": "Försämring", "neutralt": "Oförändrat eller utan riktning"}


def _ranked_rows(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ranked jobbtorg (or stadsdelsområden) in rank order, named with their rank, and Saknar stadsdel apart."""
    unit = schema.compared(data)
    units = data[~data[unit].isin([schema.TOTALT, schema.SAKNAR_STADSDEL])].copy()
    # "1. Kista": the page is about jobbtorg, and a short name leaves the bars room on a phone.
    names = units[unit].str.removeprefix("Jobbtorg ")
    units["rad"] = [f"{int(r)}. {j}" if pd.notna(r) else j for r, j in zip(units["rang"], names)]
    apart = data[data[unit] == schema.SAKNAR_STADSDEL].copy()
    apart["rad"] = schema.SAKNAR_STADSDEL
    return units, apart


def _reference_lines(fig: go.Figure, target: float | None, percent: bool, total: pd.DataFrame | None = None) -> None:
    """The city's value (dotted) and the target (dashed), behind the bars, named in their own notes, which
    stand on a white ground above whatever bar reaches under them."""
    if total is not None and len(total) and percent:  # a city total compares with a jobbtorg only as a share
        fig.add_vline(x=total["y"].iloc[0], line_dash="dot", line_color="#333333", layer="below",
                      annotation_text=f"Staden: {total['text'].iloc[0]}", annotation_position="top",
                      annotation_bgcolor=LABEL_BACKGROUND)
    if target is not None and percent:
        fig.add_vline(x=target * 100, line_dash="dash", line_color=TARGET_COLOR, layer="below",
                      annotation_text=f"Mål: {fmt.percent(target, 0)}", annotation_position="top right",
                      annotation_font_color=TARGET_COLOR, annotation_bgcolor=LABEL_BACKGROUND)


def _rows_layout(fig: go.Figure, title: str, order: list[str], reach: float, percent: bool, row_px: int) -> None:
    """One row per jobbtorg, `order` top to bottom, the value axis from 0 with room right of the target
    line for its note, also on a phone."""
    style(fig, title, False, height=150 + row_px * max(len(order), 1))
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], title=None)
    fig.update_xaxes(range=[0, reach * 1.3 or 1], ticksuffix=fmt.NBSP + "%" if percent else "",
                     tickformat="" if percent else ",d", title="Andel" if percent else "Antal")


def ranking(frame: pd.DataFrame, title: str, target: float | None = None) -> go.Figure:
    """Horizontal bars of the jobbtorg in rank order (rank 1 on top), Saknar stadsdel apart below them.

    One colour for every jobbtorg (colour is kept for meaning: see DIRECTION_COLORS); the rank is in
    each bar's name; the city and the target are reference lines behind the bars.
    """
    data = _hover_frame(frame)
    units, apart = _ranked_rows(data)
    total = data[data[schema.compared(data)] == schema.TOTALT]
    percent = bool(len(data)) and data["measure"].isin(schema.SHARE_NAMES).all()
    fig = go.Figure()
    hover = "<b>%{y}</b><br>%{customdata[0]}: %{customdata[1]}<br>%{customdata[2]}<extra></extra>"
    ranked = "Jobbtorg" if schema.compared(data) == schema.JOBBTORG else "Stadsdelsområden"
    for rows, color, pattern, name in ((units, UNIT_COLOR, "", f"{ranked}, rangordnade"),
                                       (apart, APART_COLOR, "/", "Saknar stadsdel (rangordnas inte)")):
        if len(rows):
            inside = color == UNIT_COLOR
            fig.add_bar(x=rows["y"], y=rows["rad"], orientation="h", name=name, text=rows["text"] if inside else None,
                        marker={"color": color, "pattern": {"shape": pattern}},
                        customdata=rows[["matt", "text", "bakom"]].to_numpy(), hovertemplate=hover,
                        textposition="inside", insidetextanchor="end", textfont={"size": 14}, cliponaxis=False)
            if not inside:  # beside the hatched bar, on a white ground that the reference lines pass behind
                for value, row, text in zip(rows["y"], rows["rad"], rows["text"]):
                    fig.add_annotation(x=value, y=row, text=text, showarrow=False, xanchor="left", xshift=3,
                                       font={"size": 14, "color": "#1F2933"}, bgcolor=LABEL_BACKGROUND, borderpad=1)
    _reference_lines(fig, target, percent, total)
    reach = max([data["y"].max() if len(data) else 0] + [target * 100 if target is not None and percent else 0])
    _rows_layout(fig, title, list(units["rad"]) + list(apart["rad"]), reach, percent, row_px=44)
    fig.update_layout(showlegend=len(apart) > 0)
    return fig


def change(frame: pd.DataFrame, title: str, target: float | None = None) -> go.Figure:
    """Each jobbtorg's move between two years as an arrow from the earlier value to the later one.

    Sorted by the move in the measure's good direction, so the one that moved most toward the target
    is on top; Saknar stadsdel apart below, never ranked. Blue is an improvement, orange a worsening.
    """
    usable = frame[frame["varde"].notna() & frame["varde_fore"].notna()
                   & (frame[schema.compared(frame)] != schema.TOTALT)]
    data = _hover_frame(usable)
    percent = bool(len(data)) and data["measure"].isin(schema.SHARE_NAMES).all()
    scale = 100 if percent else 1
    data["fore"] = data["varde_fore"] * scale
    good = data["measure"].map(lambda m: schema.GOOD_DIRECTION.get(m, 0) or 1)
    data["framsteg"] = data["forandring"] * good
    units, apart = _ranked_rows(data)
    units = units.sort_values("framsteg", ascending=False, kind="stable")
    fig = go.Figure()
    for rows in (units, apart):
        for kind, group in rows.groupby("riktning", sort=False):
            color = APART_COLOR if rows is apart else DIRECTION_COLORS[kind]
            xs, ys = [], []
            for before, after, row in zip(group["fore"], group["y"], group["rad"]):
                xs += [before, after, None]
                ys += [row, row, None]
            fig.add_scatter(x=xs, y=ys, mode="lines", line={"color": color, "width": 3}, hoverinfo="skip",
                            showlegend=False)
            fig.add_scatter(
                x=group["y"], y=group["rad"], mode="markers", name=DIRECTION_NAMES[kind] if rows is units
                else "Saknar stadsdel (rangordnas inte)",
                marker={"color": color, "size": 14, "symbol": [
                    "triangle-right" if a >= b else "triangle-left" for b, a in zip(group["fore"], group["y"])]},
                customdata=group[["text_fore", "text", "forandring_text", "jamfort_med_ar"]].to_numpy(),
                hovertemplate="<b>%{y}</b><br>%{customdata[3]}: %{customdata[0]}<br>Nu: %{customdata[1]}"
                              "<br>Förändring: %{customdata[2]}<extra></extra>")
    rows = pd.concat([units, apart])
    fig.add_scatter(x=rows["fore"], y=rows["rad"], mode="markers", hoverinfo="skip", showlegend=False,
                    marker={"color": "white", "size": 10, "line": {"color": "#333333", "width": 2}})
    # Each move in words above its arrow, "57,8 % → 49,6 %", on a white ground over the target line.
    for middle, row, before, after in zip(rows[["fore", "y"]].mean(axis=1), rows["rad"], rows["text_fore"],
                                          rows["text"]):
        fig.add_annotation(x=middle, y=row, text=f"{before} → {after}", showarrow=False, yanchor="bottom",
                           yshift=8, font={"size": 13, "color": "#1F2933"}, bgcolor=LABEL_BACKGROUND, borderpad=1)
    _reference_lines(fig, target, percent)
    values = pd.concat([data["fore"], data["y"]]) if len(data) else pd.Series([0.0])
    reach = max(values.max(), target * 100 if target is not None and percent else 0)
    _rows_layout(fig, title, list(rows["rad"]), reach, percent, row_px=56)  # room for the words above
    # The top row's words stay inside the plot, below the reference lines' notes above it.
    fig.update_yaxes(range=[-0.5, len(rows) + 0.1])
    return fig


#: Where each stadsdelsområde's tile stands (column, row from the top): roughly as on a map of Stockholm, so
#: a reader finds a district where they know it lies. Saknar stadsdel stands apart, bottom left.
DISTRICT_TILES = {
    "Hässelby-Vällingby": (0, 0), "Spånga-Tensta": (1, 0), "Rinkeby-Kista": (2, 0),
    "Bromma": (1, 1), "Kungsholmen": (2, 1), "Norrmalm": (3, 1), "Östermalm": (4, 1),
    "Skärholmen": (1, 2), "Hägersten-Älvsjö": (2, 2), "Södermalm": (3, 2), "Skarpnäck": (4, 2),
    "Enskede-Årsta-Vantör": (3, 3), "Farsta": (4, 3),
    schema.SAKNAR_STADSDEL: (0, 3),
}
_TILE_SCALE = [[0.0, "#DEEBF7"], [1.0, "#08519C"]]  # light to dark blue: more is darker
_APART_SCALE = [[0.0, "#D9D9D9"], [1.0, "#D9D9D9"]]  # Saknar stadsdel: grey whatever its value


def tiles(frame: pd.DataFrame, title: str) -> go.Figure:
    """One measure of one year per stadsdelsområde as a grid of tiles laid out like the map (DISTRICT_TILES),
    darker for more, each tile naming its district and value; a hidden or missing value leaves its tile white
    with its symbol (`..`, `<5`, –). Saknar stadsdel is grey: it is not a place. Other rows (Totalt) are left out."""
    data = _hover_frame(frame, keep_missing=True)
    percent = bool(len(data)) and data["measure"].isin(schema.SHARE_NAMES).all()
    columns = 1 + max(c for c, _ in DISTRICT_TILES.values())
    rows = 1 + max(r for _, r in DISTRICT_TILES.values())
    fig = go.Figure()
    by_name = {row[schema.STADSDEL]: row for row in data.to_dict("records")}
    places = [name for name in DISTRICT_TILES if name != schema.SAKNAR_STADSDEL]
    values = [by_name[name]["y"] if name in by_name else None for name in places]
    shown = [v for v in values if v is not None and not pd.isna(v)]
    for names, scale in ((places, _TILE_SCALE), ([schema.SAKNAR_STADSDEL], _APART_SCALE)):
        scaled = scale is _TILE_SCALE
        z = [[None] * columns for _ in range(rows)]
        text = [[""] * columns for _ in range(rows)]
        custom = [[["", "", "", ""]] * columns for _ in range(rows)]
        for name in names:
            column, row = DISTRICT_TILES[name]
            record = by_name.get(name)
            value = None if record is None or pd.isna(record["y"]) else record["y"]
            shown_text = fmt.MISSING if record is None else (record["text"] or fmt.MISSING)
            z[row][column] = value if value is not None else (None if scaled else 0)
            text[row][column] = name.replace("-", "-<br>").replace(" ", "<br>") + f"<br><b>{shown_text}</b>"
            custom[row][column] = [name, record["matt"], shown_text, record["bakom"]] if record else [name, "", "", ""]
        fig.add_heatmap(
            z=z, text=text, texttemplate="%{text}", customdata=custom, colorscale=scale, showscale=False,
            zmin=min(shown, default=0) if scaled else 0, zmax=max(shown, default=1) if scaled else 1,
            xgap=4, ygap=4, textfont={"size": 12}, hoverongaps=False,
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]}<br>%{customdata[3]}"
                          "<extra></extra>")
        if not scaled:
            continue
        # A hidden or missing district: a white tile with a thin frame, so the gap reads as a place without a figure.
        for name, value in zip(places, values):
            if value is None or pd.isna(value):
                column, row = DISTRICT_TILES[name]
                fig.add_shape(type="rect", x0=column - 0.46, x1=column + 0.46, y0=row - 0.46, y1=row + 0.46,
                              line={"color": "#8C8C8C", "width": 1}, layer="below")
    style(fig, title, percent, height=110 + 105 * rows)
    fig.update_xaxes(visible=False, range=[-0.5, columns - 0.5])
    fig.update_yaxes(visible=False, range=[rows - 0.5, -0.5])
    fig.update_layout(plot_bgcolor="#FFFFFF")
    return fig


_MONTHS_SHORT = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def month_name(period: str) -> str:
    """`2025-03` as an axis shows it: `mar 2025`."""
    year, month = period.split("-")
    return f"{_MONTHS_SHORT[int(month) - 1]} {year}"


def months(frame: pd.DataFrame, title: str) -> go.Figure:
    """Lines over the months of a period frame (kaa.panels.period_figures), one per measure, markers shaped per
    measure; a missing or hidden month leaves a gap in its line rather than bridging it."""
    data = _hover_frame(frame, keep_missing=True)
    data["serie"] = data["matt"]
    data["manad"] = data[schema.PERIOD].map(month_name)
    percent = bool(len(data)) and data["measure"].isin(schema.SHARE_NAMES).all()
    order = [month_name(p) for p in sorted(data[schema.PERIOD].unique())]
    fig = px.line(
        data, x="manad", y="y", color="matt", symbol="matt", markers=True, color_discrete_map=MEASURE_COLORS,
        category_orders={"manad": order, "matt": _orders(data)["matt"]},
        custom_data=["matt", "text", "bakom", "serie"],
        labels={"manad": "Månad", "y": "Andel" if percent else "Antal", "matt": "Mått"},
    )
    fig.update_traces(hovertemplate="<b>%{x}</b><br>%{customdata[0]}: %{customdata[1]}<br>%{customdata[2]}"
                                    "<extra></extra>", line={"width": 2.5})
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(rangemode="tozero")
    return style(fig, title, percent, height=440)
