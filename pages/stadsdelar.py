"""Stadsdelar: where the young people in the register live, how old they are, and how well the outreach reaches
them, per stadsdelsområde and age."""

from dataclasses import replace

import streamlit as st

from kaa import panels, schema
from ui import app, blocks, data, filters

app.require_entrypoint()
sel, let_go = panels.for_areas(filters.selection())
years = sorted(filters.chosen_years(sel), reverse=True)

st.title("Stadsdelar")
st.markdown("Var bor ungdomarna i registret, hur gamla är de, och hur väl når uppsöket dem? Siffrorna gäller hela "
            f"KAA och båda könen. Visar **{filters.span(sel)}**.")
if let_go:
    st.info(let_go, icon=":material/filter_alt_off:")

MEASURES = ["andel_nadda", "registrerade", "sokta", "nadda", "ej_nadda"]

st.subheader("Stadsdelsområdena")
left, right = st.columns([2, 1])
measure = left.selectbox("Mått", MEASURES, format_func=lambda m: schema.MEASURES[m].label, key="stadsdel_matt",
                         bind="query-params", placeholder="Välj ett mått")
year = right.selectbox("År", years, key="stadsdel_ar", bind="query-params", placeholder="Välj ett år")
blocks.district_tiles(measure, sel, year, key="tiles")
st.caption("Rutorna ligger ungefär som stadsdelsområdena på kartan: Järva och Hässelby-Vällingby överst till "
           "vänster, innerstaden i mitten, söderort nederst. Mörkare ruta betyder högre värde. Saknar stadsdel (grå) "
           "är de vars stadsdel inte är känd.")

blocks.per_breakdown(measure, sel, key="stadsdel-ar", dimension=schema.STADSDEL)

earlier = [y for y in years if y < year]
if earlier:
    since = earlier[0]
    moved = panels.by_change(data.compare_jobbtorg(sel, year, measure, since, dimension=schema.STADSDEL))
    blocks.change_panel(moved, f"{schema.MEASURES[measure].label}: förändring per stadsdelsområde, {since}–{year}",
                        key="stadsdel-forandring",
                        explained="Överst det stadsdelsområde som förbättrats mest; blått är en förbättring, orange en "
                                  "försämring, grått en förändring som varken är bra eller dålig i sig.")

st.subheader("Ålder")
st.markdown("Hur gamla ungdomarna i registret är, och hur stor andel av de sökta i varje ålder som nåddes. Åldern "
            "är den registret anger för statistikåret.")
blocks.per_breakdown("registrerade", sel, key="alder-registrerade", dimension=schema.ALDER)
blocks.per_breakdown("andel_nadda", sel, key="alder-nadda", dimension=schema.ALDER)

st.subheader("Aim per stadsdelsområde")
st.markdown("Var de som skrivits in i Aim bor. Övriga mått för Aim, och Skolslussen och Jobbtorg, finns per jobbtorg "
            "och för hela staden på sidan Avslut: uppdelade på stadsdelsområden blir de antalen för små för att visas.")
aim = replace(sel, verksamhet=schema.AIM)
blocks.district_tiles("inskrivna", aim, year, key="aim-tiles")
blocks.per_breakdown("inskrivna", aim, key="aim-stadsdel", dimension=schema.STADSDEL)
