"""Chart builders: Swedish separators, one palette, no bars for missing figures, lines over many years."""

from __future__ import annotations

import pandas as pd

from kaa import charts, fmt, metrics, panels, schema
from kaa.facts import normalize_facts
from kaa.metrics import Selection


def test_bars_use_swedish_separators_labels_and_the_jobbtorg_palette(facts):
    frame = panels.figures(facts, [schema.JOBBTORG], Selection(), ["andel_studier"], totals=True)
    fig = charts.bar(frame, schema.JOBBTORG, schema.AR, "Andel till studier per jobbtorg, 2019–2020", target=0.5)
    assert fig.layout.separators == fmt.PLOTLY_SEPARATORS
    assert fig.layout.yaxis.ticksuffix == "\u00a0%"
    texts = [t for trace in fig.data if trace.type == "bar" for t in trace.text]
    assert "49,6\u00a0%" in texts and "57,8\u00a0%" in texts
    assert any(trace.name == "Mål: minst 50\u00a0%" for trace in fig.data)
    assert any(shape.y0 == 50 for shape in fig.layout.shapes)  # the target line
    # Saknar stadsdel is shaded apart from the jobbtorg.
    assert any(getattr(a, "text", "") == "stadsdel okänd" for a in fig.layout.annotations)


def test_missing_figures_are_not_drawn(facts):
    frame = panels.figures(facts, [schema.AR], Selection(), ["kontakt_brev", "kontakt_hembesok"])
    fig = charts.bar(frame, "matt", schema.AR, "Kontaktförsök")
    drawn = {(trace.name, x) for trace in fig.data for x in trace.x}
    assert ("2019", "Brev") not in drawn  # no letters are reported for 2019: no bar, not a 0 bar
    assert ("2019", "Hembesök") in drawn and ("2020", "Brev") in drawn


def test_hover_shows_the_counts_behind_a_share(facts):
    frame = panels.figures(facts, [schema.JOBBTORG], Selection(years=(2020,)), ["andel_studier"], totals=True)
    fig = charts.bar(frame, schema.JOBBTORG, schema.AR, "t")
    custom = [tuple(row) for trace in fig.data for row in trace.customdata]
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


def test_ranking_puts_rank_one_on_top_with_the_city_and_the_target_marked(facts):
    frame = panels.compare_jobbtorg(facts, Selection(), 2020, "andel_studier")
    fig = charts.ranking(frame, "Andel till studier per jobbtorg 2020, rangordnat", target=0.5)
    assert fig.layout.yaxis.categoryorder == "total ascending"  # y runs bottom-up: the largest is drawn last, on top
    drawn = {trace.y[0]: trace.x[0] for trace in fig.data}
    assert schema.TOTALT not in drawn and max(drawn, key=drawn.get) == "Jobbtorg Kista"
    notes = [a.text for a in fig.layout.annotations]
    assert "Staden: 43,9\u00a0%" in notes and "Mål: 50\u00a0%" in notes


def test_hover_names_the_measure_once(facts):
    frame = panels.figures(facts, [schema.AR], Selection(), ["andel_studier", "andel_arbete"])
    by_measure = charts.bar(frame, schema.AR, "matt", "t")   # one series per measure
    on_x = charts.bar(frame, "matt", schema.AR, "t")         # measures along x, one series per year
    for fig in (by_measure, on_x):
        template = fig.data[0].hovertemplate
        assert template.count("customdata[0]") == 1 and "%{x}" not in template.split("<br>", 1)[1]
    assert on_x.data[0].hovertemplate.startswith("<b>%{customdata[3]}</b><br>")
    assert by_measure.data[0].hovertemplate.startswith("<b>%{x}</b><br>")
