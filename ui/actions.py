"""Changes to the store from the page's buttons: who makes them, and a fault said in Swedish."""

from __future__ import annotations

import streamlit as st

from kaa import fmt, store


def actor() -> str:
    """Who changes the store from this browser session, as the event log records it."""
    if st.user.get("is_logged_in"):
        return f"{st.user.get('email') or st.user.get('name') or 'inloggad'} (webbläsaren)"
    return "ej inloggad (webbläsaren)"


def change_store(change, *args, **kwargs) -> None:
    """Carry out a store change from a button; a fault is said in Swedish and nothing else happens."""
    try:
        change(*args, **kwargs)
    except store.StoreError as error:
        st.error(fmt.plain(error), icon=":material/error:")
    else:
        st.rerun()
