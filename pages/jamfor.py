"""Jämför jobbtorg: every jobbtorg side by side, ranked for one year and moved between any two years."""

import streamlit as st

from kaa import panels, schema
from kaa.published import target_for
from ui import app, blocks, data, filters

app.require_entrypoint()
sel = filters.selection()
years = sorted(filters.chosen_years(sel), reverse=True)

st.title("Jämför jobbtorg")
st.markdown("Alla jobbtorg sida vid sida: rangordningen ett år, och hur mycket varje jobbtorg har rört sig "
            "mellan två år. Åren väljs här, bland de år som är valda i sidopanelen; sidopanelens "
            "jobbtorgsurval gäller inte här. *Saknar stadsdel* är inget jobbtorg och rangordnas inte.")

MEASURES = ["andel_studier", "andel_arbete", "andel_studier_arbete", "andel_avslutade",
            "inskrivna", "avslutade", "avslut_studier", "avslut_arbete"]
left, middle, right = st.columns([2, 1, 1])
measure = left.selectbox("Mått", MEASURES, format_func=lambda m: schema.MEASURES[m].label, key="jamfor_matt",
                         bind="query-params", placeholder="Välj ett mått")
year = middle.selectbox("År", years, key="jamfor_ar", bind="query-params", placeholder="Välj ett år")
earlier = [y for y in years if y < year]
since = right.selectbox("Jämfört med", earlier, key="jamfor_sedan", bind="query-params",
                        disabled=not earlier, placeholder="inget tidigare år")

label = schema.MEASURES[measure].label
goal = target_for(data.targets(), measure)
frame = data.compare_jobbtorg(sel, year, measure, since, goal)
blocks.panel(f"{label} per jobbtorg {year}", frame,
             data.ranking_chart(frame, f"{label} per jobbtorg {year}, rangordnat", target=goal),
             key="jamfor")
if since is not None:
    change_title = f"{label}: vem rörde sig mest, {since}–{year}"
    blocks.change_panel(panels.by_change(frame), change_title, key="jamfor-forandring", target=goal,
                        explained="Överst det jobbtorg som förbättrats mest; blått är en förbättring, orange en "
                                  "försämring. Förändringen anges i procentenheter för andelar och i personer för "
                                  "antal.")
elif frame["varde"].notna().any():
    st.info(f"Det finns inget tidigare år att jämföra {year} med bland de valda åren.", icon=":material/info:")
