"""Who may reach the dashboard: without sign-in it serves this machine only.

The embedded default (`streamlit run dashboard.py`, no `[auth]` in `.streamlit/secrets.toml`) listens on
`localhost`, and the local user may import. A server started on a network address without sign-in
refuses to show anything: a tool about minors is never open to everyone on the city's network.
"""

from __future__ import annotations

#: Addresses that only this machine can reach.
LOCAL_ADDRESSES = ("localhost", "127.0.0.1", "::1")


def is_local(address: str | None) -> bool:
    """Whether a server bound to `address` is reachable from this machine only (empty: every interface)."""
    address = (address or "").strip().lower()
    return address in LOCAL_ADDRESSES or address.startswith("127.")


def network_refusal(address: str | None, sign_in_configured: bool) -> str | None:
    """Why a server on the network without sign-in shows nothing, in Swedish for the administration; None when
    it may show the figures."""
    if sign_in_configured or is_local(address):
        return None
    everywhere = (address or "").strip() in ("", "0.0.0.0", "::")
    where = "alla datorns nätverksadresser" if everywhere else f"nätverksadressen {address}"
    return (f"För förvaltningen: instrumentpanelen är startad på {where} men utan inloggning, så den visar "
            "ingenting. Den som når datorn över nätverket skulle annars se och kunna ändra statistiken. Starta den "
            "på den här datorn "
            "(standard: `streamlit run dashboard.py`, som bara lyssnar på localhost), eller konfigurera inloggning "
            "under [auth] i .streamlit/secrets.toml (se README, avsnittet för förvaltningen).")


ANALYTIKER = "analytiker"  # reads every page and changes the figures (Ladda upp)
LASARE = "läsare"          # reads every page


def role_for(email: str | None, groups, analysts, analyst_group: str | None = None) -> str:
    """A signed-in user's role: analytiker when the e-mail is among `analysts` (compared without regard to
    case) or the identity provider's `groups` claim holds `analyst_group`; läsare otherwise."""
    wanted = {str(a).strip().casefold() for a in analysts or ()}
    if email and email.strip().casefold() in wanted:
        return ANALYTIKER
    claimed = [groups] if isinstance(groups, str) else list(groups or ())
    if analyst_group and analyst_group in claimed:
        return ANALYTIKER
    return LASARE


def still_signed_in(issued_at, signed_out_at: float | None) -> bool:
    """Whether a sign-in whose ID token was issued at `issued_at` (its `iat`, whole seconds) outlives the user's
    last sign-out at `signed_out_at` (seconds; None: never signed out). A sign-out ends every sign-in of that
    user made up to its second, in every tab and browser; a token without a readable `iat` never outlives one."""
    if signed_out_at is None:
        return True
    try:
        return int(issued_at) > int(signed_out_at)
    except (TypeError, ValueError):
        return False


#: What [auth] in secrets.toml must give for Logga in (Streamlit's single-provider form).
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def auth_problem(auth) -> str | None:
    """What is missing from the [auth] settings, as a Swedish sentence for the administration; None if nothing."""
    auth = auth or {}
    missing = [key for key in AUTH_KEYS if auth.get(key) is None or not str(auth[key]).strip()]
    if not missing:
        return None
    return ("Inloggningen är inte färdigkonfigurerad: avsnittet [auth] i .streamlit/secrets.toml saknar "
            + ", ".join(missing) + ". Förvaltningen fyller i det som saknas (se README, avsnittet för "
            "förvaltningen) och startar om instrumentpanelen.")
