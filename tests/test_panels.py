"""Panel frames and the sentences made from them: what applies is said, what does not is not."""

from __future__ import annotations

from kaa import masking, panels, published, schema
from kaa.metrics import Selection


def test_accuracy_notes_follow_the_figures_shown(facts):
    aim = panels.figures(facts, [schema.AR], Selection(verksamhet=schema.AIM), ["andel_studier", "andel_arbete"])
    assert panels.accuracy_notes(aim) == [
        "Andel till studier och andel till arbete för 2019–2020 är publicerade som procent i källan; "
        "antalen bakom saknas."]
    computed = panels.figures(facts, [schema.AR], Selection(), ["andel_studier"])
    assert panels.accuracy_notes(computed) == []  # computed from counts: nothing to say
    contacts = panels.figures(facts, [schema.AR], Selection(), list(schema.KONTAKT_MEASURES))
    assert "Tal markerade ”minst” eller ”≈” är ungefärliga i källan." in panels.accuracy_notes(contacts)


def test_a_card_without_a_change_says_why(facts):
    first_year = panels.headline(facts, Selection(years=(2019,)), 2019)
    assert panels.change_reasons(first_year) == [
        "Ingen förändring visas: statistiken har inget år före 2019 att jämföra med."]
    assert panels.change_reasons(panels.headline(facts, Selection(), 2020)) == []


def test_nearest_figures_let_go_of_a_filter_the_source_cannot_answer(facts):
    protected = masking.protect(facts, 5)
    frame, note = panels.nearest_figures(protected, [schema.AR], Selection(jobbtorg=("Jobbtorg Kista",)),
                                         ["registrerade"])
    assert note == ("Källan redovisar inte de här uppgifterna per jobbtorg, så det finns inga siffror för "
                    "Jobbtorg Kista. Här visas i stället hela staden.")
    assert list(frame["varde"]) == [8724, 8452]
    same, none = panels.nearest_figures(protected, [schema.AR], Selection(), ["registrerade"])
    assert none == "" and list(same["varde"]) == [8724, 8452]


def test_provenance_names_each_years_source_and_flags_example_data(facts):
    line, example = panels.provenance(facts, [2019, 2020], [])
    assert line == "Årsrapport 2020 (publicerade siffror) för 2019–2020" and not example
    _, flagged = panels.provenance(facts, [2020], [published.SOURCE_ID])
    assert flagged


def test_the_note_names_each_hidden_cell_and_says_what_the_symbols_mean():
    import pandas as pd

    frame = pd.DataFrame({"ar": [2021, 2021, 2021], "jobbtorg": ["Jobbtorg Kista", "Jobbtorg City", "Totalt"],
                          "matt": ["Inskrivna"] * 3, "varde": [None, None, 70.0], "maskad": ["<5", "..", ""]})
    assert panels.hidden_note(frame, 5) == (
        "Dolt för att skydda enskilda: 2021 Jobbtorg Kista inskrivna (<5); 2021 Jobbtorg City inskrivna (..). "
        "<5 betyder 1–4 personer. .. är en dold uppgift: ett antal som kan vara vad som helst från 0 och uppåt "
        "(också 1–4), eller en andel som räknas ur ett sådant. Den döljs så att inget antal mellan 1 och 4 kan "
        "räknas fram ur det som visas, i någon tabell eller något urval.")
    assert panels.hidden_note(frame.iloc[2:], 5) == ""


def test_the_change_panel_lists_jobbtorg_by_their_move_and_names_those_it_cannot_draw(facts):
    frame = panels.compare_jobbtorg(masking.protect(facts, 20), Selection(min_cell=20), 2020, "andel_studier",
                                    2019, 0.5)
    moved = panels.by_change(frame)
    units = moved[~moved["jobbtorg"].isin(["Saknar stadsdel", "Totalt"]) & moved["forandring"].notna()]
    assert list(units["forandring"]) == sorted(units["forandring"], reverse=True)  # most improved first
    assert list(moved["jobbtorg"])[-2:] == ["Saknar stadsdel", "Totalt"]
    note = panels.left_out_of_change(moved)
    assert "Jobbtorg City: 2019 (..)" in note and "Saknar stadsdel: 2019 (..)" in note  # hidden at threshold 20
    assert panels.left_out_of_change(panels.by_change(
        panels.compare_jobbtorg(facts, Selection(), 2020, "andel_studier", 2019, 0.5))) == ""


def test_a_total_row_follows_the_reports_tables():
    both, women = Selection(), Selection(kon=("Kvinna",))
    assert panels.shows_total([schema.KON], both, ["inskrivna"])
    assert not panels.shows_total([schema.KON], women, ["inskrivna"])  # Totalt would be the same women
    assert panels.shows_total([schema.JOBBTORG], both, ["andel_studier"])  # a share compares with the city's
    assert not panels.shows_total([schema.JOBBTORG], both, ["avslutade"])  # the city's count dwarfs a jobbtorg
    assert not panels.shows_total([schema.AR], both, ["andel_studier"])
