"""KAA-statistik: the dashboard's entrypoint. Run with `streamlit run dashboard.py`."""

import streamlit as st

from kaa import store
from ui import state

st.set_page_config(page_title="KAA-statistik", page_icon=":material/query_stats:", layout="wide")

pages = [
    st.Page("pages/oversikt.py", title="Översikt", icon=":material/dashboard:", default=True),
    st.Page("pages/uppsok.py", title="Uppsök", icon=":material/person_search:", url_path="uppsok"),
    st.Page("pages/avslut.py", title="Avslut", icon=":material/school:", url_path="avslut"),
    st.Page("pages/jamfor.py", title="Jämför jobbtorg", icon=":material/leaderboard:", url_path="jamfor"),
    st.Page("pages/ladda-upp.py", title="Ladda upp", icon=":material/upload_file:", url_path="ladda-upp"),
    st.Page("pages/om.py", title="Om statistiken", icon=":material/info:", url_path="om"),
]
page = st.navigation(pages)
try:
    state.sidebar_filters()
    page.run()
except store.StoreError as error:
    st.error(f"Siffrorna kan inte visas: {error}", icon=":material/error:")
except Exception as error:  # noqa: BLE001 - a user never sees a traceback, only what to do
    if type(error).__module__.startswith("streamlit"):  # rerun/stop signals and Streamlit's own errors
        raise
    st.error("Något gick fel när sidan skulle visas. Ladda om sidan; om felet står kvar, kontakta "
             f"förvaltningens statistiker och nämn felkoden ”{type(error).__name__}”.", icon=":material/error:")
