"""Without sign-in the dashboard serves this machine only, and refuses to show anything on the network."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from kaa import access

ROOT = Path(__file__).resolve().parent.parent


def test_only_loopback_addresses_are_local():
    assert all(access.is_local(a) for a in ("localhost", "127.0.0.1", "::1", "127.0.1.1", " LOCALHOST "))
    assert not any(access.is_local(a) for a in ("", None, "0.0.0.0", "192.0.2.2", "::", "kaa.stad.se"))


def test_a_network_address_without_sign_in_is_refused_in_swedish():
    refusal = access.network_refusal("192.0.2.2", sign_in_configured=False)
    assert "nätverksadressen 192.0.2.2" in refusal and "utan inloggning" in refusal and "[auth]" in refusal
    for everywhere in ("0.0.0.0", "", "::"):
        assert "alla datorns nätverksadresser" in access.network_refusal(everywhere, sign_in_configured=False)
    assert access.network_refusal("0.0.0.0", sign_in_configured=True) is None
    assert access.network_refusal("localhost", sign_in_configured=False) is None


@pytest.fixture
def on_the_network():
    before = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    yield
    st_config.set_option("server.address", before)


def test_the_dashboard_on_the_network_without_sign_in_shows_nothing_but_why(on_the_network):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["KAA-statistik"]
    assert len(at.error) == 1 and at.error[0].value.startswith("Instrumentpanelen är inte öppen här")
    assert [c.value for c in at.caption] == [access.network_refusal("0.0.0.0", False)]
    assert not at.metric and not at.get("plotly_chart") and not at.sidebar.multiselect


def _machine_address() -> str:
    """This machine's address on its network (no packet is sent to connect a UDP socket)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))
        return probe.getsockname()[0]


def test_the_readmes_start_command_listens_on_this_machine_only(tmp_path):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    env = {**os.environ, "KAA_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.3)
        address = _machine_address()
        assert not address.startswith("127."), "the test machine needs a network address to test against"
        with pytest.raises(ConnectionRefusedError), socket.create_connection((address, port), timeout=5):
            pass
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Network URL" not in output and f"localhost:{port}" in output


def test_analysts_are_named_by_e_mail_without_regard_to_case_or_by_group():
    analysts = ["Anna.Analytiker@stockholm.se"]
    assert access.role_for("anna.analytiker@STOCKHOLM.se", [], analysts) == access.ANALYTIKER
    assert access.role_for("lasse.lasare@stockholm.se", ["kaa-lasare"], analysts, "kaa-analytiker") == access.LASARE
    assert access.role_for("ny@stockholm.se", ["x", "kaa-analytiker"], analysts, "kaa-analytiker") == access.ANALYTIKER
    assert access.role_for("ny@stockholm.se", "kaa-analytiker", [], "kaa-analytiker") == access.ANALYTIKER
    assert access.role_for(None, None, analysts, None) == access.LASARE


AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret",
        "client_id": "kaa", "client_secret": "test-secret",
        "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}


@pytest.mark.parametrize("page", [None, "pages/ladda-upp.py", "pages/avslut.py"])
def test_with_sign_in_configured_someone_not_signed_in_sees_only_the_start_view(page):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["KAA-statistik"]
    assert [b.label for b in at.button] == ["Logga in"]
    assert not at.metric and not at.get("plotly_chart") and not at.sidebar.multiselect
    assert not at.get("file_uploader")


def test_a_sign_out_ends_every_sign_in_made_up_to_its_second():
    assert access.still_signed_in(1_800_000_000, None)
    assert not access.still_signed_in(1_799_999_990, 1_800_000_000.4)  # another tab's older sign-in
    assert not access.still_signed_in(1_800_000_000, 1_800_000_000.4)  # the same second: ended, to be safe
    assert access.still_signed_in(1_800_000_001, 1_800_000_000.4)      # signed in again afterwards
    assert not access.still_signed_in(None, 1_800_000_000.0) and not access.still_signed_in("x", 1.0)


def test_incomplete_sign_in_settings_are_named_for_the_administration():
    assert access.auth_problem(AUTH) is None
    problem = access.auth_problem({**AUTH, "cookie_secret": " ", "client_secret": None})
    assert "saknar cookie_secret, client_secret" in problem and "README" in problem
    assert "redirect_uri" in access.auth_problem({})


def test_with_incomplete_sign_in_settings_the_start_view_says_what_is_missing_and_offers_no_sign_in():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = {key: value for key, value in AUTH.items() if key != "cookie_secret"}
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [access.auth_problem(at.secrets["auth"])]
    assert not at.button and not at.metric and not at.get("plotly_chart")
