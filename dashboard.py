"""KAA-statistik: the dashboard's entrypoint. Run with `streamlit run dashboard.py`."""

import streamlit as st

from ui import state

st.set_page_config(page_title="KAA-statistik", page_icon=":material/query_stats:", layout="wide")

pages = [
    st.Page("pages/oversikt.py", title="Översikt", icon=":material/dashboard:", default=True),
    st.Page("pages/uppsok.py", title="Uppsök", icon=":material/person_search:", url_path="uppsok"),
    st.Page("pages/avslut.py", title="Avslut", icon=":material/school:", url_path="avslut"),
    st.Page("pages/jamfor.py", title="Jämför jobbtorg", icon=":material/leaderboard:", url_path="jamfor"),
    st.Page("pages/ladda_upp.py", title="Ladda upp", icon=":material/upload_file:", url_path="ladda-upp"),
    st.Page("pages/om.py", title="Om statistiken", icon=":material/info:", url_path="om"),
]
page = st.navigation(pages)
state.sidebar_filters()
page.run()
