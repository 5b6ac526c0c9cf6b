"""The tables users read: numbers sort as numbers, headers carry the unit, the text is the page's."""

from __future__ import annotations

import pandas as pd
import pytest

from kaa import masking, panels, schema, tables
from kaa.metrics import Selection

NBSP, MINUS = "\u00a0", "\u2212"
JAMFOR = ["rang", "jobbtorg", "matt", "varde", "varde_fore", "jamfort_med_ar", "forandring", "avstand_mal",
          "skillnad_mot_staden", "taljare", "namnare", "kalla", "orsak"]


def shares_by_jobbtorg(facts, min_cell=5):
    return panels.figures(masking.protect(facts, min_cell), [schema.JOBBTORG], Selection(min_cell=min_cell),
                          ["andel_studier"], totals=True)


def test_every_number_column_is_numeric_and_written_the_swedish_way(facts):
    table = tables.long_table(shares_by_jobbtorg(facts), ["ar", "jobbtorg", "matt", "varde", "taljare", "namnare"])
    assert list(table.values.columns) == ["År", "Jobbtorg", "Mått", "Värde (%)", "Täljare (antal)",
                                          "Nämnare (antal)"]
    for column in table.number_columns:
        assert pd.api.types.is_float_dtype(table.values[column]), column
    shown = table.texts()
    kista = shown[(shown["År"] == "2020") & (shown["Jobbtorg"] == "Jobbtorg Kista")].iloc[0]
    assert (kista["Värde (%)"], kista["Täljare (antal)"]) == (f"49,6{NBSP}%", "62")
    total = shown[(shown["År"] == "2019") & (shown["Jobbtorg"] == "Totalt")].iloc[0]
    assert total["Täljare (antal)"] == "368"  # the report's 368 of 764
    # Sorting by the number puts 8 before 101 and 1 023: what a text column got wrong.
    order = table.values.sort_values("Nämnare (antal)")["Nämnare (antal)"].tolist()
    assert order == sorted(order)


def test_the_page_shows_exactly_the_texts_of_the_table(facts):
    frame = panels.compare_jobbtorg(facts, Selection(), 2020, "andel_studier", 2019, 0.5)
    table = tables.long_table(frame, JAMFOR)
    rendered = tables.styled(table).to_string(delimiter="\t").splitlines()
    assert rendered[0].split("\t") == list(table.values.columns)
    assert [line.split("\t") for line in rendered[1:]] == table.texts().values.tolist()


def test_a_change_is_said_in_its_unit(facts):
    share = tables.long_table(panels.compare_jobbtorg(facts, Selection(), 2020, "andel_studier", 2019, 0.5), JAMFOR)
    assert list(share.values.columns) == [
        "Rang", "Jobbtorg", "Mått", "Värde (%)", "Värde jämförelseåret (%)", "Jämfört med år",
        "Förändring (procentenheter)", "Avstånd till målet (procentenheter)",
        "Skillnad mot staden (procentenheter)", "Täljare (antal)", "Nämnare (antal)", "Källa",
        "Varför uppgift saknas"]
    kista = share.texts().set_index("Jobbtorg").loc["Jobbtorg Kista"]
    assert (kista["Rang"], kista["Värde jämförelseåret (%)"], kista["Förändring (procentenheter)"]) == (
        "1", f"57,8{NBSP}%", f"{MINUS}8,2")
    kista = share.values.set_index("Jobbtorg").loc["Jobbtorg Kista"]
    assert (kista["Värde jämförelseåret (%)"], kista["Avstånd till målet (procentenheter)"]) == (57.8, -0.4)
    count = tables.long_table(panels.compare_jobbtorg(facts, Selection(), 2020, "inskrivna", 2019, None), JAMFOR)
    assert "Förändring (antal)" in count.values and "Förändring (%)" in count.values
    assert not any("procentenheter" in column for column in count.values)  # no gap to a target for a count
    saknar = count.texts().set_index("Jobbtorg").loc["Saknar stadsdel"]
    assert (saknar["Rang"], saknar["Förändring (antal)"], saknar["Förändring (%)"]) == ("–", "+101", f"+174,1{NBSP}%")


def test_counts_and_shares_in_one_panel_get_a_column_each_and_a_qualifier_is_kept(facts):
    frame = panels.figures(facts, [schema.AR], Selection(), ["kontakt_brev", "andel_sysselsatta"])
    table = tables.long_table(frame, ["ar", "matt", "varde", "orsak"])
    assert list(table.values.columns) == ["År", "Mått", "Värde (antal)", "Värde (%)", "Noggrannhet",
                                          "Varför uppgift saknas"]
    shown = table.texts().set_index(["År", "Mått"])
    assert shown.loc[("2020", "Brev"), "Värde (antal)"] == f"minst 6{NBSP}800"
    assert shown.loc[("2020", "Brev"), "Noggrannhet"] == "minst"  # the number alone would claim too much
    assert shown.loc[("2019", "Brev"), "Värde (antal)"] == "–"  # missing, with its reason beside it
    assert shown.loc[("2019", "Andel nådda med sysselsättning"), "Värde (%)"] == f"75{NBSP}%"  # as printed
    # Not a share: no number in the % column. The page's grid shows every empty number as – (it cannot
    # show one empty cell blank and the next –), and the download leaves it empty.
    assert shown.loc[("2019", "Brev"), "Värde (%)"] == "–"
    assert table.cells().loc[frame.index[0], "Värde (%)"] is None


def test_hidden_figures_show_their_symbol_and_hold_no_number(facts):
    table = tables.long_table(shares_by_jobbtorg(facts, min_cell=20), ["ar", "jobbtorg", "varde", "taljare"])
    shown, values = table.texts(), table.values
    hidden = shown["Dold uppgift"] != ""
    assert hidden.any() and set(shown.loc[hidden, "Dold uppgift"]) <= {"<20", ".."}
    # The grid shows no number (–) and the column beside it says why: the symbol.
    assert (shown.loc[hidden, "Värde (%)"] == "–").all()
    assert values.loc[hidden, "Värde (%)"].isna().all()


def test_a_table_with_symbols_in_its_cells_shows_each_cell_as_written(facts):
    cross = tables.cross_table(shares_by_jobbtorg(facts, min_cell=20))
    assert cross.markers_in_cells  # shown as a static table: a grid would draw every empty cell alike
    shown = cross.texts()
    symbols = {text for column in cross.number_columns for text in shown[column]} & {"<20", "..", "–"}
    assert "<20" in symbols or ".." in symbols


def test_an_imports_changes_are_numbers_before_and_after(facts):
    incoming = facts[facts["ar"] == 2020].assign(ar=2021)
    table = tables.change_table(panels.import_changes(facts, incoming))
    assert list(table.values.columns) == ["År", "Mått", "Före", "Efter", "Källa i dag"]
    rows = table.values.set_index("Mått")
    assert pd.isna(rows.loc["Registrerade", "Före"]) and rows.loc["Registrerade", "Efter"] == 8452
    assert rows.loc["Andel till studier", "Efter"] == 43.9
    shown = table.texts().set_index("Mått")
    assert (shown.loc["Registrerade", "Före"], shown.loc["Andel till studier", "Efter"]) == ("–", f"43,9{NBSP}%")


def test_cross_table_agrees_with_the_list_cell_by_cell(facts):
    frame = panels.figures(facts, [schema.JOBBTORG], Selection(), ["inskrivna", "avslutade"], totals=True)
    cross = tables.cross_table(frame)
    assert list(cross.values.columns) == ["Jobbtorg", "Inskrivna 2019 (antal)", "Inskrivna 2020 (antal)",
                                          "Avslutade 2019 (antal)", "Avslutade 2020 (antal)"]
    assert list(cross.values["Jobbtorg"]) == [*schema.JOBBTORG_NAMES, schema.TOTALT]
    long = tables.long_table(frame, ["ar", "jobbtorg", "matt", "varde"]).values
    for row in long.itertuples(index=False):
        year, jobbtorg, matt, value = row
        cell = cross.values.set_index("Jobbtorg").loc[jobbtorg, f"{matt} {int(year)} (antal)"]
        assert cell == value or (pd.isna(cell) and pd.isna(value))


@pytest.mark.parametrize("by, measures, expected", [
    ([schema.AR], ["registrerade", "nadda"], ["Mått", "2019 (antal)", "2020 (antal)"]),
    ([schema.KON], ["andel_nadda"], ["Kön", "2019 (%)", "2020 (%)"]),
])
def test_cross_table_rows_are_the_breakdown_or_the_measures(facts, by, measures, expected):
    frame = panels.figures(facts, by, Selection(), measures, totals=schema.KON in by)
    assert tables.has_cross_table(frame)
    assert list(tables.cross_table(frame).values.columns) == expected


def test_a_comparisons_cross_table_has_both_years_in_rank_order(facts):
    frame = panels.compare_jobbtorg(facts, Selection(), 2020, "andel_studier", 2019, 0.5)
    cross = tables.cross_table(frame)
    assert list(cross.values.columns) == ["Jobbtorg", "2019 (%)", "2020 (%)"]
    assert list(cross.values["Jobbtorg"])[:2] == ["Jobbtorg Kista", "Jobbtorg City"]  # rank 1 and 2 in 2020
    kista = cross.texts().set_index("Jobbtorg").loc["Jobbtorg Kista"]
    assert (kista["2019 (%)"], kista["2020 (%)"]) == (f"57,8{NBSP}%", f"49,6{NBSP}%")


def test_one_year_by_year_has_no_cross_table(facts):
    frame = panels.figures(facts, [schema.AR], Selection(years=(2020,)), ["registrerade"])
    assert not tables.has_cross_table(frame)


def test_the_columns_naming_a_row_are_those_kept_in_view_on_a_narrow_screen(facts):
    frame = shares_by_jobbtorg(facts)
    assert tables.long_table(frame, ["ar", "jobbtorg", "matt", "varde"]).row_names == ["År", "Jobbtorg"]
    assert tables.cross_table(frame).row_names == ["Jobbtorg"]
    ranked = panels.compare_jobbtorg(facts, Selection(), 2020, "andel_studier", 2019, 0.5)
    assert tables.long_table(ranked, JAMFOR).row_names == ["Rang", "Jobbtorg"]
    # A table led by its numbers has no row name to keep: nothing is pinned.
    assert tables.long_table(frame, ["varde", "taljare", "jobbtorg"]).row_names == []


def test_a_panels_list_shows_the_columns_its_figures_need(facts):
    computed = shares_by_jobbtorg(facts)
    assert tables.list_columns(computed) == ["ar", "jobbtorg", "matt", "varde", "taljare", "namnare", "kalla",
                                             "orsak"]  # a computed share with its numerator and denominator
    published = panels.figures(facts, [schema.AR], Selection(), ["andel_sysselsatta"])
    assert tables.list_columns(published) == ["ar", "matt", "varde", "noggrannhet", "kalla", "orsak"]
    exact_counts = panels.figures(facts, [schema.KON], Selection(), ["nadda", "ej_nadda"], totals=True)
    assert tables.list_columns(exact_counts) == ["ar", "kon", "matt", "varde", "kalla", "orsak"]
    ranked = panels.compare_jobbtorg(facts, Selection(), 2020, "andel_studier", 2019, 0.5)
    assert tables.list_columns(ranked) == JAMFOR
