"""Every page through Streamlit's AppTest: it runs, shows its key elements, and follows the filters."""

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["pages/oversikt.py", "pages/uppsok.py", "pages/avslut.py", "pages/jamfor.py", "pages/om.py"]


def open_page(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_tab(at: AppTest, *panels: str, label: str = "Tabell") -> AppTest:
    """Open a tab of the named panels (their `key`), as a click would; only an open tab is drawn."""
    for panel in panels:
        at.session_state[f"tabs-{panel}"] = label
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shown(table) -> pd.DataFrame:
    """A table as the page writes it (its display texts); `table.value` holds the numbers it sorts by."""
    return pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_all().to_pandas()


def metric(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


def all_text(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.info]
    parts += [e.value for e in at.warning] + [e.value for e in at.success]
    return "\n".join(str(p) for p in parts)


def test_sidebar_has_the_shared_filters():
    at = open_page()
    assert at.multiselect(key="ar").label == "År"
    assert at.multiselect(key="ar").options == ["2019", "2020"]
    assert at.multiselect(key="jobbtorg").label == "Jobbtorg"
    assert at.segmented_control(key="kon").label == "Kön"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_swedish(page):
    at = open_page(page)
    assert at.title[0].value
    assert not [e for e in at.error]
    # The page runs inside the entrypoint, with the shared filters in its sidebar.
    assert at.multiselect(key="ar").label == "År"


def test_oversikt_headline_cards_match_the_report():
    at = open_page()
    assert metric(at, "Registrerade").value == "8\u00a0452"
    assert metric(at, "Sökta").value == "5\u00a0028"
    assert metric(at, "Nådda").value == "2\u00a0635"
    # 688 fewer of 3 323; that it is bad news is said in a word as well as in red.
    assert metric(at, "Nådda").delta == "\u2212688 (\u221220,7\u00a0%), sämre"
    assert metric(at, "Nyinskrivna").delta == "+74 (+12,6\u00a0%)"
    assert metric(at, "Andel till studier").value == "43,9\u00a0%"
    assert metric(at, "Andel till studier").delta == "\u22124,3\u00a0procentenheter, sämre"
    assert metric(at, "Registrerade").delta == "\u2212272 (\u22123,1\u00a0%)"  # neither good nor bad: no word
    # Below the 50 % target, said in words.
    assert any(w.value == "2020 var andelen till studier 43,9\u00a0%, 6,1\u00a0procentenheter under målet på minst "
               "50\u00a0%." for w in at.warning), [w.value for w in at.warning]
    assert "Årsrapport 2020" in all_text(at)


def test_year_filter_changes_the_cards():
    at = open_page()
    at.multiselect(key="ar").set_value([2019]).run()
    assert not at.exception
    assert metric(at, "Registrerade").value == "8\u00a0724"
    assert metric(at, "Andel till studier").value == "48,2\u00a0%"
    # 2019 is the first year: there is nothing to compare with.
    assert metric(at, "Nådda").delta in (None, "")


def test_kon_filter_shows_the_nearest_figures_on_cards_the_source_has_no_split_for():
    at = open_page()
    at.segmented_control(key="kon").set_value("Kvinna").run()
    assert not at.exception
    assert metric(at, "Nådda").value == "1\u00a0182"
    # Exits are not split by gender in the source: the card shows both genders and says so, never 0.
    assert metric(at, "Avslutade (båda könen)").value == "747"
    assert any("avslutade" in c.value and "för båda könen" in c.value for c in at.caption)


def test_a_jobbtorg_gets_the_citys_figures_where_the_report_has_none_per_jobbtorg():
    at = open_page(ar="2020", jobbtorg="Jobbtorg Kista")
    assert metric(at, "Andel till studier").value == "49,6\u00a0%"  # Kista's own: the report has it
    assert metric(at, "Registrerade (hela staden)").value == "8\u00a0452"  # not per jobbtorg in the report
    assert not [m for m in at.metric if m.value == "–"]  # no wall of empty cards


def test_query_parameters_restore_the_view():
    at = open_page(ar="2019", kon="Man")
    assert at.multiselect(key="ar").value == [2019]
    assert metric(at, "Nådda").value == "1\u00a0809"


def test_uppsok_charts_and_missing_contact_channels():
    at = open_page("pages/uppsok.py")
    assert len(at.get("plotly_chart")) == 4
    text = all_text(at)
    # The report gives no letters, e-mails, sms or calls for 2019: said once, not drawn as 0.
    assert "Källan har ingen uppgift om brev, mejl, sms och telefonsamtal för 2019." in text
    occupied = open_tab(at, "occupied").dataframe[0]
    published = occupied.value["Mått"] == "Andel nådda med sysselsättning"
    assert list(shown(occupied)[published.to_numpy()]["Värde (%)"]) == ["75\u00a0%", "69\u00a0%"]  # as printed
    assert list(occupied.value[published]["Värde (%)"]) == [75, 69]  # and numbers underneath
    assert set(occupied.value[published]["Noggrannhet"]) == {"publicerad andel"}
    # What the reached were doing, one by one, is not in the report: missing with the reason, never 0.
    rest = occupied.value[~published]
    assert len(rest) == 12 and rest["Värde (%)"].isna().all()
    assert ("Källan har ingen uppgift om nådda som studerade, nådda som arbetade, nådda som studerade utomlands, "
            "nådda med annan sysselsättning, nådda utan sysselsättning och nådda med okänd sysselsättning för "
            "2019–2020.") in all_text(at)


def test_uppsok_per_kon_shows_the_share_and_on_request_the_counts_behind_it():
    at = open_tab(open_page("pages/uppsok.py", ar="2020"), "reach")
    share = shown(at.dataframe[0]).set_index("Kön")
    # The report's 2020 table: 2 635 nådda of 5 028 sökta, of them 1 182 of 2 284 women.
    assert (share.loc["Totalt", "Värde (%)"], share.loc["Kvinna", "Värde (%)"]) == ("52,4\u00a0%", "51,8\u00a0%")
    at = open_tab(open_page("pages/uppsok.py", ar="2020", per_kon="Antal nådda och ej nådda"), "kon")
    counts = shown(at.dataframe[0]).set_index(["Kön", "Mått"])["Värde (antal)"]
    assert counts[("Totalt", "Nådda")] == "2\u00a0635"


def test_uppsok_by_jobbtorg_shows_the_citys_figures_and_says_so_instead_of_empty_boxes():
    at = open_page("pages/uppsok.py")
    at.multiselect(key="jobbtorg").set_value(["Jobbtorg Kista"]).run()
    assert not at.exception
    notes = [i.value for i in at.info]
    assert notes and all("per jobbtorg" in n and "Jobbtorg Kista" in n and "hela staden" in n for n in notes)
    assert len(at.get("plotly_chart")) == 4  # the nearest figures that exist, never zeros
    funnel = shown(open_tab(at, "funnel").dataframe[0])
    assert "8\u00a0452" in set(funnel["Värde (antal)"])  # the city's registrerade 2020, as in the report


def test_a_link_to_a_breakdown_the_report_lacks_shows_the_nearest_figures():
    at = open_page("pages/avslut.py", ar="2020", kon="Kvinna", utfall="Till arbete")
    notes = [i.value for i in at.info]
    assert any("per kön" in n and "båda könen" in n for n in notes), notes
    assert len(at.get("plotly_chart")) == 4  # every panel that is open has a chart, none is a row of empty boxes


def test_avslut_shows_jobbtorg_table_and_aim_when_opened():
    at = open_page("pages/avslut.py")
    assert len(at.get("plotly_chart")) == 4, "the verksamheter's two charts wait until their section is opened"
    assert at.expander[0].label == "Visa verksamheternas inskrivna, avslutade och vart de gick"
    at = open_page("pages/avslut.py", aim="true")  # as a link to the open section (or a click) gives it
    assert len(at.get("plotly_chart")) == 6
    assert not at.dataframe, "a table is drawn when its tab is opened, not before"
    keys = ("shares", "counts", "exits", "insatser", "aim-counts", "aim-shares")
    tables = open_tab(at, *keys).dataframe
    assert len(tables) == len(keys), "every chart has its table"
    first = shown(tables[0])
    kista_2020 = first[(first["År"] == "2020") & (first["Jobbtorg"] == "Jobbtorg Kista")]
    assert kista_2020["Värde (%)"].iloc[0] == "49,6\u00a0%"
    exits = shown(tables[2]).set_index(["År", "Mått"])["Värde (%)"]
    assert exits[("2020", "Andel till studier")] == "43,9\u00a0%" and exits[("2020", "Andel efter flytt")] == "–"
    aim_counts = shown(tables[4]).set_index(["År", "Mått"])["Värde (antal)"]
    assert aim_counts[("2019", "Inskrivna")] == "308"  # the report's Aim table
    # Skolslussen is not in the report: its figures are missing with the reason, never 0.
    at = open_page("pages/avslut.py", aim="true", verksamhet="Skolslussen")
    assert len(at.get("plotly_chart")) == 4  # no empty chart for it
    assert ("**Skolslussen – inskrivna och avslutade:** inga uppgifter för det här urvalet. Källan har ingen "
            "uppgift om inskrivna, nyinskrivna och avslutade för 2019–2020.") in [i.value for i in at.info]


def test_avslut_cross_table_is_the_reports_layout():
    at = open_tab(open_page("pages/avslut.py"), "shares", label="Korstabell")
    assert not at.dataframe, "a cross table is a static table, as in the report"
    cross = at.table[0]
    assert list(cross.value.columns) == ["Jobbtorg", "2019 (%)", "2020 (%)"]
    kista = shown(cross).set_index("Jobbtorg").loc["Jobbtorg Kista"]
    assert (kista["2019 (%)"], kista["2020 (%)"]) == ("57,8\u00a0%", "49,6\u00a0%")
    assert len(at.get("plotly_chart")) == 3  # this panel's chart waits behind its own tab (and Aim's are closed)


@pytest.mark.parametrize("page", ["pages/uppsok.py", "pages/avslut.py", "pages/jamfor.py"])
def test_every_grid_draws_an_empty_number_as_a_dash_never_none(page):
    """Streamlit draws a grid's empty cells with one placeholder for the whole grid ("None" unless told)."""
    at = open_page(page)
    keys = [k.removeprefix("tabs-") for k in at.session_state if str(k).startswith("tabs-")]
    at = open_tab(at, *keys)
    assert at.dataframe
    assert {d.proto.placeholder for d in at.dataframe} == {"–"}


def test_avslut_outcome_switch_changes_the_chart():
    at = open_tab(open_page("pages/avslut.py"), "shares")
    before = at.dataframe[0].value["Mått"].iloc[0]
    at.segmented_control(key="utfall").set_value("Till arbete").run()
    assert not at.exception
    after = at.dataframe[0].value
    assert before == "Andel till studier"
    assert after["Mått"].iloc[0] == "Andel till arbete"


def test_avslut_counts_show_one_chosen_count_per_jobbtorg_and_year():
    at = open_tab(open_page("pages/avslut.py", antal="Till studier"), "counts")
    table = shown(at.dataframe[0])
    assert set(table["Mått"]) == {"Avslutade till studier"}
    assert set(table["År"]) == {"2019", "2020"}
    assert "Totalt" not in set(table["Jobbtorg"])  # the city's count would dwarf every jobbtorg
    at.segmented_control(key="antal").set_value("Inskrivna").run()
    assert not at.exception
    assert set(at.dataframe[0].value["Mått"]) == {"Inskrivna"}


def test_jamfor_ranks_jobbtorg_for_the_chosen_year():
    at = open_tab(open_page("pages/jamfor.py"), "jamfor")
    table = shown(at.dataframe[0])
    kista = table[table["Jobbtorg"] == "Jobbtorg Kista"].iloc[0]
    assert kista["Rang"] == "1"
    assert kista["Förändring (procentenheter)"] == "\u22128,2"
    assert table["Jobbtorg"].iloc[-1] == "Totalt"
    assert at.dataframe[0].value["Rang"].iloc[0] == 1  # sorts as a number
    at.selectbox(key="jamfor_ar").set_value(2019).run()
    table = shown(at.dataframe[0])
    kista = table[table["Jobbtorg"] == "Jobbtorg Kista"].iloc[0]
    assert kista["Värde (%)"] == "57,8\u00a0%"
    assert kista["Förändring (procentenheter)"] == "–"


def test_om_statistiken_lists_definitions_and_report_slips():
    at = open_page("pages/om.py")
    text = all_text(at)
    for term in ("Statistikår", "Nådd", "Ej nådd", "Inskriven", "Avslutad", "Under uppsök"):
        assert term in text
    notes = at.table[-1].value
    joined = " ".join(notes.astype(str).agg(" ".join, axis=1)) + " " + " ".join(map(str, notes.index))
    for slip in ("368", "31 november", "16,5", "75 %"):
        assert slip in joined


def test_a_link_with_values_that_do_not_exist_says_so_and_uses_the_rest():
    at = open_page(ar=["2030", "2020"], jobbtorg="Jobbtorg Mars")
    assert [t.value for t in at.toast] == [
        "Länken innehöll urval som inte finns i statistiken och som därför inte används: "
        "år ”2030”; jobbtorg ”Jobbtorg Mars”."]
    assert metric(at, "Nådda").value == "2\u00a0635"  # 2020, all jobbtorg
    at.run()
    assert not at.toast  # the unknown values are gone from the link, so it is said once


def test_a_link_that_clears_a_filter_is_no_unknown_value():
    at = open_page(ar="")
    assert not at.toast
