"""The dashboard itself: page set-up, navigation, the shared sidebar and a page, with every fault said in Swedish.

`dashboard.py` runs `main()`. So does a page that finds itself run on its own (see `require_entrypoint`).
"""

from __future__ import annotations

import logging
import threading
import traceback
from pathlib import Path

import streamlit as st

from kaa import access, fmt, store
from ui import actions, filters

ROOT = Path(__file__).resolve().parent.parent
_run = threading.local()  # each script run has its own thread


def routing() -> bool:
    """Whether this script run is inside `main()`, running the page the URL asks for."""
    return getattr(_run, "routing", False)


def require_entrypoint() -> None:
    """Make sure a page runs inside the navigation, even when a deep link is a new server's first request.

    Streamlit treats an app with a `pages/` folder as an old-style multipage app until `st.navigation` has
    been called once in the server process, so such a request runs the page file on its own, without the
    sidebar. The page then runs `main()` in its place (its `st.navigation` call switches Streamlit to the
    navigation for good, and routes the request by its URL) and stops. The handoff happens within the same
    run, so a button click that started the run is not lost.
    """
    if not routing():
        main()
        st.stop()


def pages(may_change: bool = True) -> dict[str, st.Page]:
    """The dashboard's pages by url path (Översikt's is ""), in the navigation's order. Ladda upp is not in the
    menu of someone who may not change the figures (its URL says why: pages/ladda-upp.py)."""
    listed = [
        st.Page(ROOT / "pages/oversikt.py", title="Översikt", icon=":material/dashboard:", default=True),
        st.Page(ROOT / "pages/uppsok.py", title="Uppsök", icon=":material/person_search:", url_path="uppsok"),
        st.Page(ROOT / "pages/lopande.py", title="Löpande uppföljning", icon=":material/calendar_month:",
                url_path="lopande"),
        st.Page(ROOT / "pages/avslut.py", title="Avslut", icon=":material/school:", url_path="avslut"),
        st.Page(ROOT / "pages/jamfor.py", title="Jämför jobbtorg", icon=":material/leaderboard:",
                url_path="jamfor"),
        st.Page(ROOT / "pages/stadsdelar.py", title="Stadsdelar", icon=":material/location_city:",
                url_path="stadsdelar"),
        st.Page(ROOT / "pages/datakvalitet.py", title="Datakvalitet", icon=":material/fact_check:",
                url_path="datakvalitet"),
        st.Page(ROOT / "pages/arsrapport.py", title="Årsrapport", icon=":material/description:",
                url_path="arsrapport"),
        st.Page(ROOT / "pages/ladda-upp.py", title="Ladda upp", icon=":material/upload_file:",
                url_path="ladda-upp", visibility="visible" if may_change else "hidden"),
        st.Page(ROOT / "pages/om.py", title="Om statistiken", icon=":material/info:", url_path="om"),
        st.Page(ROOT / "pages/tillganglighet.py", title="Om tillgänglighet", icon=":material/accessibility:",
                url_path="tillganglighet"),
    ]
    return {page.url_path: page for page in listed}


# Read once per server process, sent with every view. Streamlit's HTML sanitiser drops a script with a "<"
# anywhere in it: swedish.js has none.
_STYLE = "".join(f"<style>{(ROOT / 'ui' / name).read_text(encoding='utf-8')}</style>"
                 for name in ("swedish.css", "accessible.css"))
_SCRIPT = f"<script>{(ROOT / 'ui' / 'swedish.js').read_text(encoding='utf-8')}</script>"


def _house_style() -> None:
    """Streamlit's own English replaced or hidden (CSS) and named in Swedish for screen readers (JS); contrast
    and focus made to meet WCAG 2.1 AA. Drawn first, on every view, the start view too."""
    st.html(_STYLE)
    st.html(_SCRIPT, unsafe_allow_javascript=True)


def _start_view() -> None:
    """What someone not signed in sees when sign-in is configured: what the tool is, and Logga in."""
    st.title("KAA-statistik")
    st.markdown("Statistik om kommunernas aktivitetsansvar (KAA) i Stockholm: hur många unga under 20 år utan "
                "gymnasieexamen som finns i registret, söks upp, nås, skrivs in och vart de går. Siffrorna "
                "rör minderåriga, så du behöver logga in med ditt konto i staden.")
    missing, fault = actions.auth_problem(), st.session_state.pop("sign_in_fault", None)
    if missing:  # Logga in cannot work: nothing to offer but what the administration must fix
        st.error(missing, icon=":material/error:")
        return
    if fault:
        st.error(fault, icon=":material/error:")
    elif st.user.get("is_logged_in"):  # signed in here, but signed out since in another tab
        st.info("Du har loggat ut (i en annan flik eller ett annat fönster). Logga in igen för att fortsätta.",
                icon=":material/logout:")
    st.button("Logga in", type="primary", icon=":material/login:", on_click=actions.sign_in)


_refusal_logged = threading.Event()


def _refusal_view(refusal: str) -> None:
    """What a server on the network without sign-in shows: that nothing is shown here, and for the administration
    why (also said once in the server's log, where whoever started it looks)."""
    if not _refusal_logged.is_set():
        _refusal_logged.set()
        logging.getLogger("kaa").warning("Startad på nätverket utan inloggning: instrumentpanelen visar ingenting. "
                                         "Konfigurera [auth] i .streamlit/secrets.toml (se README).")
    st.title("KAA-statistik")
    st.error("Instrumentpanelen är inte öppen här. Den visar statistik om minderåriga och kräver inloggning när den "
             "nås över nätverket, men inloggning är inte konfigurerad. Kontakta förvaltningen.", icon=":material/lock:")
    st.caption(refusal)


def _signed_in_as() -> None:
    with st.sidebar:
        name = st.user.get("name") or st.user.get("email") or "inloggad"
        st.caption(f"Inloggad som {fmt.plain(str(name))} ({actions.role()})")
        st.button("Logga ut", icon=":material/logout:", on_click=actions.sign_out)


def main() -> None:
    # The icon is a file of ours: a Material icon would be fetched from Google's font servers by every browser.
    st.set_page_config(page_title="KAA-statistik", page_icon=str(ROOT / "ui" / "favicon.png"), layout="wide")
    _house_style()
    signing_in = actions.sign_in_configured()
    refusal = access.network_refusal(st.get_option("server.address"), signing_in)
    if refusal or (signing_in and not actions.signed_in()):
        # Registering the pages without a menu keeps Streamlit from listing the page files in the sidebar
        # (its fallback before any st.navigation call); no page runs.
        st.navigation(list(pages(False).values()), position="hidden")
        if refusal:
            _refusal_view(refusal)
        else:
            _start_view()
        st.stop()
    by_path = pages(actions.may_change())
    ladda_upp = by_path["ladda-upp"]
    page = st.navigation(list(by_path.values()))
    if signing_in:
        _signed_in_as()
    try:
        try:
            filters.sidebar_filters()
            filters.provenance_banner()
        except store.StoreError:
            if page.url_path != ladda_upp.url_path:  # Ladda upp works without the figures: it is the way out
                raise
        _run.routing = True
        try:
            page.run()
        finally:
            _run.routing = False
    except store.StoreError as error:
        st.error("Siffrorna kan inte visas: " + fmt.plain(error), icon=":material/error:")
        st.page_link(ladda_upp, label="Till Ladda upp, där importerade källor kan inaktiveras eller tas bort")
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
