"""Chart builders: Swedish separators, one palette, no bars for missing figures, lines over many years."""

from __future__ import annotations

import pandas as pd

from kaa import charts, fmt, panels, schema
from kaa.facts import normalize_facts
from kaa.metrics import Selection


def test_bars_use_swedish_separators_labels_and_the_jobbtorg_palette(facts):
    frame = panels.figures(facts, [schema.JOBBTORG], Selection(), ["andel_studier"], totals=True)
    fig = charts.bar(frame, schema.JOBBTORG, schema.AR, "Andel till studier per jobbtorg, 2019–2020", target=0.5)
    assert fig.layout.separators == fmt.PLOTLY_SEPARATORS
    # Jobbtorg are horizontal bars: the value axis is x, and the target a vertical line at 50 %.
    assert fig.layout.xaxis.ticksuffix == "\u00a0%"
    texts = [t for trace in fig.data if trace.type == "bar" for t in trace.text]
    assert "49,6\u00a0%" in texts and "57,8\u00a0%" in texts
    assert any(trace.name == "Mål: minst 50\u00a0%" for trace in fig.data)
    assert any(shape.x0 == 50 for shape in fig.layout.shapes)  # the target line
    # Every value has a label of its own that is not shrunk; those within 5 points of the target in bold.
    labels = {a.text for a in fig.layout.annotations}
    assert "<b>49,6\u00a0%</b>" in labels and "<b>48,2\u00a0%</b>" in labels and "41,2\u00a0%" in labels
    assert all(a.font.size == 13 for a in fig.layout.annotations if "%" in (a.text or ""))
    # Saknar stadsdel is shaded apart from the jobbtorg.
    row = list(fig.layout.yaxis.categoryarray).index(schema.SAKNAR_STADSDEL)
    assert any(shape.type == "rect" and shape.y0 < row < shape.y1 for shape in fig.layout.shapes)


def test_missing_figures_are_not_drawn(facts):
    frame = panels.figures(facts, [schema.AR], Selection(), ["kontakt_brev", "kontakt_hembesok"])
    fig = charts.bar(frame, "matt", schema.AR, "Kontaktförsök")
    drawn = {(trace.name, x) for trace in fig.data for x in trace.x}
    assert ("2019", "Brev") not in drawn  # no letters are reported for 2019: no bar, not a 0 bar
    assert ("2019", "Hembesök") in drawn and ("2020", "Brev") in drawn


def test_hover_shows_the_counts_behind_a_share(facts):
    frame = panels.figures(facts, [schema.JOBBTORG], Selection(years=(2020,)), ["andel_studier"], totals=True)
    fig = charts.bar(frame, schema.JOBBTORG, schema.AR, "t")
    custom = [tuple(row)[:4] for trace in fig.data for row in trace.customdata]
    assert ("Andel till studier", "49,6\u00a0%", "62 av 125", "2020") in custom


def test_many_years_are_drawn_as_lines():
    rows = [{"ar": str(y), "jobbtorg": j, "kon": "Kvinna", "measure": m, "value": str(v)}
            for y in range(2016, 2026) for j in schema.JOBBTORG_NAMES
            for m, v in (("avslutade", 40 + y % 7), ("avslut_studier", 18 + y % 5))]
    facts = normalize_facts(pd.DataFrame(rows))
    frame = panels.figures(facts, [schema.JOBBTORG], Selection(), ["andel_studier"], totals=True)
    fig = charts.bar(frame, schema.JOBBTORG, schema.AR, "t", target=0.5)
    lines = [trace for trace in fig.data if trace.type == "scatter" and trace.x[0] is not None]
    assert {trace.name for trace in lines} == set(schema.JOBBTORG_NAMES) | {schema.TOTALT}
    assert all(len(trace.x) == 10 for trace in lines)
    few = panels.figures(facts, [schema.JOBBTORG], Selection(years=(2024, 2025)), ["andel_studier"])
    assert all(trace.type == "bar" for trace in charts.bar(few, schema.JOBBTORG, schema.AR, "t").data)


def test_small_multiples_stand_two_a_row_with_titles_that_fit_a_phone():
    # Per kön over ten years: one panel per measure. Three a row, their long titles ran into each other at 390 px.
    measures = {"avslut_studier": 18, "avslut_arbete": 6, "avslut_annan": 3, "avslut_jobbtorg_vuxen": 4,
                "avslut_flyttat": 2}
    rows = [{"ar": str(y), "jobbtorg": j, "kon": k, "measure": m, "value": str(v + y % 3)}
            for y in range(2016, 2026) for j in schema.JOBBTORG_NAMES for k in ("Kvinna", "Man")
            for m, v in {"avslutade": 40, **measures}.items()]
    facts = normalize_facts(pd.DataFrame(rows))
    shares = ["andel_studier", "andel_arbete", "andel_annan", "andel_avslut_jobbtorg_vuxen", "andel_avslut_flyttat"]
    frame = panels.figures(facts, [schema.KON], Selection(), shares)
    fig = charts.bar(frame, "matt", schema.KON, "Avslutade per orsak och kön", facet=schema.AR)
    titles = [a for a in fig.layout.annotations if a.text and a.yref == "paper"]
    assert len(titles) == 5
    assert all(len(line) <= charts.PANEL_TITLE_WIDTH for a in titles for line in a.text.split("<br>"))
    assert "Andel vidare till<br>Jobbtorg 20–29" in {a.text for a in titles}
    # Two panels a row: the five panels' x axes start at two distinct places.
    starts = set()
    fig.for_each_xaxis(lambda axis: starts.add(round(axis.domain[0], 2)))
    assert len(starts) == 2


def test_ranking_puts_rank_one_on_top_saknar_stadsdel_apart_with_the_city_and_the_target_marked(facts):
    frame = panels.compare_jobbtorg(facts, Selection(), 2020, "andel_studier", target=0.5)
    fig = charts.ranking(frame, "Andel till studier per jobbtorg 2020, rangordnat", target=0.5)
    top_down = list(fig.layout.yaxis.categoryarray)[::-1]  # y runs bottom-up
    assert top_down == ["1. Kista", "2. City", "3. Vällingby", "4. Globen", "5. Skärholmen", "Saknar stadsdel"]
    # Saknar stadsdel (46,4 %) is above three jobbtorg but is drawn apart, unranked, in grey.
    apart = next(t for t in fig.data if t.name.startswith("Saknar stadsdel"))
    assert list(apart.y) == ["Saknar stadsdel"] and apart.marker.color == charts.APART_COLOR
    assert {t.marker.color for t in fig.data if t is not apart} == {charts.UNIT_COLOR}  # orange means worse only
    notes = [a.text for a in fig.layout.annotations]
    assert "Staden: 43,9\u00a0%" in notes and "Mål: 50\u00a0%" in notes


def test_the_change_chart_answers_who_moved_most_toward_the_target(facts):
    frame = panels.compare_jobbtorg(facts, Selection(), 2020, "andel_studier", since=2019, target=0.5)
    row = frame.set_index("jobbtorg").loc["Jobbtorg Kista"]
    assert (row["text_fore"], row["text"], row["forandring_text"]) == ("57,8\u00a0%", "49,6\u00a0%",
                                                                     "\u22128,2\u00a0procentenheter")
    assert row["rang"] == 1 and round(row["avstand_mal"], 3) == -0.004
    fig = charts.change(frame, "t", target=0.5)
    top_down = list(fig.layout.yaxis.categoryarray)[::-1]
    # Every jobbtorg fell from 2019 to 2020: Globen least (−1,3), Kista most (−8,2); Saknar stadsdel last.
    assert top_down[0] == "4. Globen" and top_down[-2] == "1. Kista" and top_down[-1] == "Saknar stadsdel"
    assert "57,8\u00a0% → 49,6\u00a0%" in {a.text for a in fig.layout.annotations}
    worse = [t for t in fig.data if t.name == "Försämring"]
    assert worse and worse[0].marker.color == charts.WORSE_COLOR


def test_hover_names_the_measure_once(facts):
    frame = panels.figures(facts, [schema.AR], Selection(), ["andel_studier", "andel_arbete"])
    by_measure = charts.bar(frame, schema.AR, "matt", "t")   # one series per measure
    on_x = charts.bar(frame, "matt", schema.AR, "t")         # measures along x, one series per year
    for fig in (by_measure, on_x):
        template = fig.data[0].hovertemplate
        assert template.count("customdata[0]") == 1 and "%{x}" not in template.split("<br>", 1)[1]
    assert on_x.data[0].hovertemplate.startswith("<b>%{customdata[3]}</b><br>")
    assert by_measure.data[0].hovertemplate.startswith("<b>%{x}</b><br>")


def test_district_tiles_stand_where_the_map_has_them_and_say_what_is_hidden():
    names = [n for n in schema.STADSDEL_NAMES]
    frame = pd.DataFrame({
        "ar": 2025, "stadsdel": names, "measure": "andel_nadda", "matt": "Andel nådda",
        "varde": [0.4 + i / 100 for i in range(len(names))], "text": [f"{40 + i},0\u00a0%" for i in range(len(names))],
        "taljare": 10.0, "namnare": 20.0, "noggrannhet": schema.EXAKT, "maskad": "",
    })
    frame.loc[frame["stadsdel"] == "Norrmalm", ["varde", "text", "maskad"]] = [float("nan"), "..", ".."]
    fig = charts.tiles(frame, "Andel nådda per stadsdelsområde 2025")
    places, apart = fig.data  # the districts, and Saknar stadsdel on its own grey scale
    column, row = charts.DISTRICT_TILES["Rinkeby-Kista"]
    assert places.text[row][column] == "Rinkeby-<br>Kista<br><b>40,0\u00a0%</b>" and places.z[row][column] == 40.0
    column, row = charts.DISTRICT_TILES["Norrmalm"]
    assert places.z[row][column] is None and places.text[row][column].endswith("<b>..</b>")  # no colour, its symbol
    assert any(s.x0 < column < s.x1 and s.y0 < row < s.y1 for s in fig.layout.shapes)  # framed, not a hole
    column, row = charts.DISTRICT_TILES[schema.SAKNAR_STADSDEL]
    assert apart.text[row][column].startswith("Saknar<br>stadsdel") and places.z[row][column] is None
    assert len({charts.DISTRICT_TILES[n] for n in names}) == len(names)  # one tile each
