"""KAA-statistik: the dashboard's entrypoint. Run with `streamlit run dashboard.py`."""

import logging
import traceback
from pathlib import Path

import streamlit as st

from kaa import fmt, store
from ui import state

ROOT = Path(__file__).resolve().parent
st.set_page_config(page_title="KAA-statistik", page_icon=":material/query_stats:", layout="wide")

LADDA_UPP = st.Page("pages/ladda-upp.py", title="Ladda upp", icon=":material/upload_file:", url_path="ladda-upp")
pages = [
    st.Page("pages/oversikt.py", title="Översikt", icon=":material/dashboard:", default=True),
    st.Page("pages/uppsok.py", title="Uppsök", icon=":material/person_search:", url_path="uppsok"),
    st.Page("pages/avslut.py", title="Avslut", icon=":material/school:", url_path="avslut"),
    st.Page("pages/jamfor.py", title="Jämför jobbtorg", icon=":material/leaderboard:", url_path="jamfor"),
    LADDA_UPP,
    st.Page("pages/om.py", title="Om statistiken", icon=":material/info:", url_path="om"),
]
page = st.navigation(pages)
st.html(ROOT / "ui" / "swedish.css")  # Streamlit's own English texts: replaced or hidden
try:
    try:
        state.sidebar_filters()
        state.provenance_banner()
    except store.StoreError:
        if page.url_path != LADDA_UPP.url_path:  # Ladda upp works without the figures: it is the way out
            raise
    page.run()
except store.StoreError as error:
    st.error("Siffrorna kan inte visas: " + fmt.plain(error), icon=":material/error:")
    st.page_link(LADDA_UPP, label="Till Ladda upp, där importerade källor kan inaktiveras eller tas bort")
except Exception as error:  # noqa: BLE001 - a user never sees a traceback, only what to do
    if type(error).__module__.startswith("streamlit"):  # rerun/stop signals and Streamlit's own errors
        raise
    # For the statistician: the kind of error and where, never its message (it could quote a value).
    ours = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(str(ROOT))]
    frame = (ours or traceback.extract_tb(error.__traceback__))[-1]
    logging.getLogger("kaa").error("Oväntat fel %s i %s:%s (%s)", type(error).__name__, frame.filename,
                                   frame.lineno, frame.name)
    st.error("Något gick fel när sidan skulle visas. Ladda om sidan; om felet står kvar, kontakta "
             f"förvaltningens statistiker och nämn felkoden ”{type(error).__name__}”.", icon=":material/error:")
