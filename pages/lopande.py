"""Löpande uppföljning: the year so far against the same date last year, month by month, Skolverket's half-years,
and how fast the young people placed under uppsök are reached."""

from dataclasses import replace

import streamlit as st

from kaa import alt_text, fmt, panels, schema
from ui import app, blocks, data, filters

app.require_entrypoint()
sel = filters.selection()
city = panels.city_selection(sel)

st.title("Löpande uppföljning")
st.markdown("Hur går året hittills, jämfört med samma tid i fjol? Vad händer månad för månad, och hur snabbt nås de "
            "som placeras under uppsök? Siffrorna per månad och halvår gäller hela staden och hela KAA.")
if sel.filter_for(schema.JOBBTORG) or sel.filter_for(schema.KON):
    st.info(f"Urvalet ({filters.describe(sel)}) gäller bara avsnittet Hur snabbt nås de? längst ned. Månader, halvår "
            "och hittills i år redovisas för hela staden: uppdelade blir antalen för små för att visas.",
            icon=":material/filter_alt_off:")

ends = data.month_ends()
if not ends:
    st.info("Det finns inga siffror per månad ännu. Årsrapporten och uttag utan datum har bara siffror för hela "
            "statistikåret. Med ett registeruttag som har datumkolumnerna (registrerad_datum, uppsok_datum, "
            "nadd_datum, inskriven_datum, avslut_datum …) visar sidan året hittills, månader och halvår. Så ser "
            "formatet ut: Ladda upp.", icon=":material/calendar_month:")
    st.page_link(app.pages()["ladda-upp"], label="Ladda upp ett uttag", icon=":material/upload_file:")
    st.subheader("Det som finns: hela år")
    whole, whole_note = data.nearest_figures([schema.AR], city, ["registrerade", "sokta", "nadda", "inskrivna",
                                                                  "avslutade"])
    blocks.panel("Registrerade, sökta, nådda, inskrivna och avslutade per år", whole,
                 data.bar_chart(whole, "matt", schema.AR, f"Per statistikår, {filters.span(city)}"), key="hela-ar",
                 note=whole_note)
    st.stop()

choices = [day.isoformat() for day in reversed(ends)]
chosen = st.selectbox("Till och med", choices, key="tom", bind="query-params",
                      format_func=lambda text: fmt.long_date(text),
                      help="Slutet av en månad som uttagen når fram till. Statistikåret börjar 1 december.")
cards = data.so_far_cards(fmt.parse_date(chosen), sel)
year = int(cards[schema.AR].iloc[0])
st.subheader(f"Hittills i år: 1 december {year - 1} till {fmt.long_date(chosen)}")
st.caption(f"Jämfört med samma tid ett år tidigare (1 december {year - 2} till samma dag {year - 1}). Varje ungdom "
           "räknas en gång: registrerade, sökta och inskrivna är de som fanns där någon gång under perioden.")
blocks.metric_cards(cards)

months_sel = replace(city, years=(year,))
st.subheader(f"Månad för månad, statistikår {year}")
flows = data.period_figures("manad", months_sel, panels.MONTH_FLOWS)
blocks.panel("Nya i registret, under uppsök, nådda, inskrivna och avslutade per månad", flows,
             data.months_chart(flows, f"Vad som hände varje månad, statistikår {year}"), key="flows",
             alt=alt_text.over_periods(flows))
st.caption("Nya i registret och nya under uppsök är de som kom in under månaden; nådda är de som nåddes första gången; "
           "nya inskrivningar de som skrevs in; avslutade de vars stöd avslutades. En ungdom räknas i varje månad "
           "något hände hen.")
exits = data.period_figures("manad", months_sel, panels.MONTH_EXITS)
blocks.panel("Avslutade per orsak och månad", exits,
             data.months_chart(exits, f"Vart de avslutade gick, per månad, statistikår {year}"), key="exits",
             alt=alt_text.over_periods(exits))

st.subheader("Halvår, som Skolverket redovisar dem")
st.markdown("Första halvåret är januari–juni, andra juli–december. December hör till nästa statistikår, så andra "
            "halvåret finns först när nästa års uttag gör det.")
halves = data.period_figures("halvar", city, panels.HALF_YEAR_MEASURES)
counts = halves[halves["measure"].isin(schema.COUNT_NAMES)]
blocks.panel("Per halvår", halves,
             data.bar_chart(counts, schema.PERIOD, "matt", "Registrerade, sökta, nådda, inskrivna och avslutade "
                                                           "per halvår"), key="halvar",
             alt=alt_text.over_periods(counts))

st.subheader("Hur snabbt nås de?")
st.markdown("Räknat på dem som placerades under uppsök under statistikåret: hur många dagar det tog innan de nåddes, "
            f"och hur stor andel som nåddes inom 30 och 90 dagar. Visar **{filters.describe(sel)}**.")
speed, speed_note = data.nearest_figures([schema.AR], sel, ["andel_nadda_inom_30_dagar", "andel_nadda_inom_90_dagar"])
blocks.panel("Andel nådda inom 30 och 90 dagar", speed,
             data.bar_chart(speed, schema.AR, "matt", f"Andel nådda inom 30 och 90 dagar, {filters.span(sel)}"),
             key="snabbhet", note=speed_note)
median, median_note = data.nearest_figures([schema.AR], sel, ["dagar_till_nadd_median"])
blocks.panel("Dagar till nådd (median)", median,
             data.bar_chart(median, schema.AR, "matt", f"Dagar från uppsök till nådd, median, {filters.span(sel)}"),
             key="median", note=median_note)
blocks.per_breakdown("dagar_till_nadd_median", sel, key="median-jobbtorg")
cohort = data.period_figures("manad", months_sel, ["andel_nya_nadda"])
blocks.panel("Andel nådda hittills, per månad de placerades under uppsök", cohort,
             data.months_chart(cohort, f"Andel av varje månads nya under uppsök som har nåtts, statistikår {year}"),
             key="kull", alt=alt_text.over_periods(cohort))
st.caption("Varje punkt är en kull: de som placerades under uppsök den månaden, och hur stor andel av dem som har "
           "nåtts fram till uttaget. De senaste kullarna har haft kortare tid på sig.")
