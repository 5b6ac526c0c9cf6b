"""Changes to the store from the page's buttons: who may make them, who made them, a fault said in Swedish."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

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


def _outlives_sign_out(key: str, issued_at) -> bool:
    with _signed_out_lock:
        signed_out_at = _signed_out.get(key)
    return access.still_signed_in(issued_at, signed_out_at)


def signed_in() -> bool:
    """Whether this session has a signed-in user who has not signed out since (in any tab)."""
    return bool(st.user.get("is_logged_in")) and _outlives_sign_out(_user_key(), st.user.get("iat"))


def auth_problem() -> str | None:
    """What keeps Logga in from working with the [auth] settings, in Swedish; None when they are complete."""
    return access.auth_problem(st.secrets.get("auth", {}))


def sign_in() -> None:
    """Logga in. A fault in the settings Streamlit finds only now is said in Swedish on the start view, never
    as Streamlit's own (English) error page."""
    try:
        st.login()
    except Exception as error:  # noqa: BLE001 - StreamlitAuthError and whatever the provider set-up raises
        if type(error).__name__ in ("RerunException", "StopException"):
            raise
        logging.getLogger("kaa").error("Inloggningen misslyckades: %s", type(error).__name__)
        st.session_state["sign_in_fault"] = (
            "Inloggningen kunde inte startas: inställningarna för inloggning under [auth] i .streamlit/secrets.toml "
            "stämmer inte. Kontakta förvaltningen.")


def while_signed_in(make: Callable[[], object], refusal: Callable[[], object]) -> Callable[[], object]:
    """A download's `data`, made when its button is clicked: by `make`, unless the user has signed out since the
    page was shown (in any tab); then by `refusal`. The click is handled outside the page's run, where st.user
    is not at hand, so the identity is taken now and the sign-out registry is read then."""
    if not sign_in_configured() or not signed_in():
        return make
    key, issued_at = _user_key(), st.user.get("iat")

    return lambda: make() if _outlives_sign_out(key, issued_at) else refusal()


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


def change_store(change, *args, done: str, **kwargs) -> None:
    """Carry out a store change from a button, if this session may, and say `done` after the page has redrawn
    (`said_done`); a fault is said in Swedish and nothing else happens."""
    if not may_change():
        st.error(ONLY_ANALYSTS, icon=":material/lock:")
        return
    try:
        change(*args, **kwargs)
    except store.StoreError as error:
        st.error(fmt.plain(error), icon=":material/error:")
    else:
        st.session_state["store_change_done"] = done
        st.rerun()


def said_done() -> None:
    """The last store change's outcome, once."""
    done = st.session_state.pop("store_change_done", None)
    if done:
        st.success(fmt.plain(done), icon=":material/check_circle:")
