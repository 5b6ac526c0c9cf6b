"""Changes to the store from the page's buttons: who may make them, who made them, a fault said in Swedish."""

from __future__ import annotations

import threading
import time

import streamlit as st

from kaa import access, fmt, store

ONLY_ANALYSTS = ("Bara analytiker kan importera och ändra källor. Du är inloggad som läsare; be förvaltningen "
                 "om behörighet om du behöver importera.")


def sign_in_configured() -> bool:
    """Whether the administration has configured sign-in ([auth] in .streamlit/secrets.toml)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets.toml at all
        return False


# When each user (issuer and subject) last signed out, for this server process. Streamlit ends the session that
# clicks Logga ut and clears its browser's cookie, but another open tab keeps its signed-in session; this
# ends that one too, at its next run.
_signed_out: dict[str, float] = {}
_signed_out_lock = threading.Lock()


def _user_key() -> str:
    return f"{st.user.get('iss')} {st.user.get('sub')}"


def signed_in() -> bool:
    """Whether this session has a signed-in user who has not signed out since (in any tab)."""
    if not st.user.get("is_logged_in"):
        return False
    with _signed_out_lock:
        signed_out_at = _signed_out.get(_user_key())
    return access.still_signed_in(st.user.get("iat"), signed_out_at)


def sign_out() -> None:
    """Logga ut: the user's rights end in every open session at once, then Streamlit signs the browser out."""
    if st.user.get("is_logged_in"):
        with _signed_out_lock:
            _signed_out[_user_key()] = time.time()
    st.logout()


def role() -> str | None:
    """This session's role, decided on the server: without sign-in the local user (the server listens on
    this machine only) is an analyst; with sign-in it follows [kaa] in secrets.toml; not signed in, none."""
    if not sign_in_configured():
        return access.ANALYTIKER
    if not signed_in():
        return None
    settings = st.secrets.get("kaa", {})
    return access.role_for(st.user.get("email"), st.user.get("groups"), settings.get("analytiker", ()),
                           settings.get("analytiker_grupp"))


def may_change() -> bool:
    return role() == access.ANALYTIKER


def actor() -> str:
    """Who changes the store from this browser session, as the event log records it."""
    if signed_in():
        return f"{st.user.get('email') or st.user.get('name') or 'inloggad'} (webbläsaren)"
    return "ej inloggad (webbläsaren)"


def change_store(change, *args, **kwargs) -> None:
    """Carry out a store change from a button, if this session may; a fault is said in Swedish and nothing
    else happens."""
    if not may_change():
        st.error(ONLY_ANALYSTS, icon=":material/lock:")
        return
    try:
        change(*args, **kwargs)
    except store.StoreError as error:
        st.error(fmt.plain(error), icon=":material/error:")
    else:
        st.rerun()
