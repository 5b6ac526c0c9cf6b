"""Jämför jobbtorg: every jobbtorg side by side for one year, against last year and the city."""

import streamlit as st

from kaa import schema
from kaa.published import target_for
from ui import blocks, state

state.require_entrypoint()
sel = state.selection()
years = state.chosen_years(sel)

st.title("Jämför jobbtorg")
st.markdown("Alla jobbtorg sida vid sida för ett år: värdet, förändringen sedan föregående år, skillnaden mot "
            "staden som helhet och rangordningen. Året väljs här, bland de år som är valda i sidopanelen; "
            "sidopanelens jobbtorgsurval gäller inte här.")

MEASURES = ["andel_studier", "andel_arbete", "andel_studier_arbete", "andel_avslutade",
            "inskrivna", "avslutade", "avslut_studier", "avslut_arbete"]
left, right = st.columns([1, 2])
year = left.selectbox("År", sorted(years, reverse=True), key="jamfor_ar", bind="query-params")
measure = right.selectbox("Mått", MEASURES, format_func=lambda m: schema.MEASURES[m].label, key="jamfor_matt",
                          bind="query-params")

frame = state.compare_jobbtorg(sel, year, measure)
label = schema.MEASURES[measure].label
goal = target_for(state.targets(), measure)
blocks.panel(
    f"{label} per jobbtorg {year}", frame,
    state.chart("ranking", frame, f"{label} per jobbtorg {year}, rangordnat", target=goal),
    ["ar", "jobbtorg", "matt", "varde", "taljare", "namnare", "forandring", "jamfort_med_ar",
     "skillnad_mot_staden", "rang", "kalla", "orsak"], key="jamfor",
)
previous = frame.loc[frame["forandring"].notna(), "jamfort_med_ar"]
if len(previous):
    change_title = f"{label} per jobbtorg: förändring {int(previous.iloc[0])}–{year}"
    blocks.panel(change_title, frame, state.chart("change", frame, change_title),
                 ["ar", "jobbtorg", "matt", "varde", "forandring", "jamfort_med_ar", "kalla", "orsak"],
                 key="jamfor-forandring", missing_note=False)
elif frame["varde"].notna().any():
    st.info(f"Det finns inget tidigare år att jämföra {year} med.", icon=":material/info:")
st.caption("Förändringen anges i procentenheter för andelar och i personer för antal. Skillnaden mot staden "
           "anges bara för andelar. Rang 1 är det högsta värdet; Saknar stadsdel rangordnas inte.")
