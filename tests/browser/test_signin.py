"""Sign-in in a real browser against a real OpenID Connect provider: who sees what, who may change the figures.

The provider is oidc-provider-mock (a test OIDC server from PyPI) on localhost. The dashboard gets a throwaway
secrets file with [auth] pointing at it and [kaa] naming the analysts, exactly as the README tells the
administration to write one. Chromium signs in by picking a user on the provider's own page.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import oidc_provider_mock
import pytest
from playwright.sync_api import Page, expect

from kaa import demo

from .conftest import ROOT, _free_port, assert_accessible, dashboard_server, import_on_page, open_page, screenshot, wait_until_idle

USERS = {  # the provider's users: sub -> claims (e-mail and name reach the dashboard through st.user)
    "lasare": {"email": "lisa.lasare@stad.se", "name": "Lisa Läsare"},
    "analytiker": {"email": "Ana.Lys@Stad.se", "name": "Ana Lys"},  # configured in lower case below
    "gruppanalytiker": {"email": "gun.grupp@stad.se", "name": "Gun Grupp", "groups": ["personal", "kaa-analytiker"]},
}
MENU = ["Översikt", "Uppsök", "Löpande uppföljning", "Avslut", "Jämför jobbtorg", "Stadsdelar", "Datakvalitet",
        "Årsrapport", "Om statistiken", "Om tillgänglighet"]


@pytest.fixture(scope="module")
def provider() -> str:
    users = [oidc_provider_mock.User(sub=sub, claims=claims) for sub, claims in USERS.items()]
    with oidc_provider_mock.run_server_in_thread(port=0, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def signin(provider, tmp_path_factory) -> tuple[str, Path]:
    """A dashboard with sign-in configured, and its store directory."""
    where = tmp_path_factory.mktemp("signin")
    store = where / "store"
    store.mkdir()
    port = _free_port()
    secrets_file = where / "secrets.toml"
    secrets_file.write_text(f"""
[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "kaa-statistik"
client_secret = "{secrets.token_hex(16)}"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[kaa]
analytiker = ["ana.lys@stad.se"]
analytiker_grupp = "kaa-analytiker"
""", encoding="utf-8")
    with dashboard_server(store, secrets=secrets_file, port=port, host="localhost") as base:
        yield base, store


def sign_in(page: Page, base: str, sub: str, path: str = "") -> Page:
    """Open the dashboard, click Logga in, pick the user on the provider's page, and come back signed in."""
    open_page(page, f"{base}/{path}")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("button", name=sub, exact=True).click()  # the provider's page
    page.wait_for_url(re.compile(re.escape(base)))
    wait_until_idle(page)
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Inloggad som {USERS[sub]['name']}")
    return page


def sign_out(page: Page, base: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("button", name="Logga ut").click()
    page.get_by_role("button", name="End session").click()  # the provider's own sign-out page
    page.wait_for_url(re.compile(re.escape(base)))
    wait_until_idle(page)


def menu(page: Page) -> list[str]:
    """The page titles in the sidebar's menu (each link's last line: the first is its icon's name)."""
    return [link.inner_text().strip().splitlines()[-1] for link in page.get_by_test_id("stSidebarNavLink").all()]


def assert_start_view_only(page: Page) -> None:
    """The start view and nothing else: no menu, no figures, no upload."""
    expect(page.get_by_role("heading", name="KAA-statistik", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Logga in")).to_be_visible()
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert page.get_by_test_id("stMetric").count() == 0 and page.locator(".js-plotly-plot").count() == 0
    assert page.locator("input[type=file]").count() == 0
    assert "8\u00a0452" not in page.content() and "Urval" not in page.get_by_test_id("stApp").inner_text()


def logged_events(store: Path) -> list[dict]:
    """The store's event log as `python -m kaa logg --format json` prints it."""
    done = subprocess.run([sys.executable, "-m", "kaa", "logg", "--format", "json"], cwd=ROOT, check=True,
                          env={**os.environ, "KAA_DATA_DIR": str(store)}, capture_output=True, text=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("path", ["", "avslut?ar=2020", "ladda-upp"])
def test_someone_not_signed_in_sees_only_the_start_view(page, signin, path, axe_script):
    base, _ = signin
    open_page(page, f"{base}/{path}")
    assert_start_view_only(page)
    if not path:
        screenshot(page, "inloggning-startvy")
        # The start view is in Swedish for screen readers too, and passes WCAG 2.1 AA like every page.
        assert page.evaluate("document.documentElement.lang") == "sv"
        assert_accessible(page, axe_script, "the start view")


def test_a_reader_reads_every_page_but_cannot_change_the_figures(page, signin):
    base, store = signin
    before = logged_events(store)
    sign_in(page, base, "lasare")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Inloggad som Lisa Läsare (läsare)")
    assert menu(page) == MENU  # no Ladda upp
    expect(page.get_by_test_id("stMetric").filter(has_text="Registrerade")).to_contain_text("8\u00a0452")
    screenshot(page, "inloggning-lasare")
    # Ladda upp's address, typed in: the reason, and nothing to change the figures with.
    open_page(page, f"{base}/ladda-upp")
    expect(page.get_by_test_id("stMain")).to_contain_text("Bara analytiker kan importera och ändra källor")
    assert page.locator("input[type=file]").count() == 0
    for button in ("Importera", "Inaktivera", "Aktivera", "Ta bort …"):
        assert page.get_by_role("button", name=button).count() == 0
    assert page.get_by_text("Ta bort …").count() == 0
    assert logged_events(store) == before


def test_an_analyst_imports_and_the_event_log_names_them_until_they_sign_out(page, signin, tmp_path):
    base, store = signin
    sign_in(page, base, "analytiker")  # Ana.Lys@Stad.se, named as ana.lys@stad.se: case does not matter
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Inloggad som Ana Lys (analytiker)")
    assert menu(page) == MENU[:8] + ["Ladda upp"] + MENU[8:]
    extract = tmp_path / "uttag-2022.csv"
    demo.write(demo.generate(600, [2022], seed=12), extract, encoding="utf-8", delimiter=";")
    import_on_page(page, base, extract)
    expect(page.get_by_test_id("stMain")).to_contain_text("Ana.Lys@Stad.se (webbläsaren)")
    screenshot(page, "inloggning-analytiker-handelser")
    logged = logged_events(store)
    assert [(e["handelse"], e["vem"]) for e in logged[:1]] == [("import", "Ana.Lys@Stad.se (webbläsaren)")], logged

    sign_out(page, base)
    assert_start_view_only(page)
    open_page(page, f"{base}/ladda-upp")
    assert_start_view_only(page)


def test_the_identity_providers_group_makes_an_analyst(page, signin):
    base, _ = signin
    sign_in(page, base, "gruppanalytiker")
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Inloggad som Gun Grupp (analytiker)")
    assert "Ladda upp" in menu(page)


def test_two_users_signed_in_at_once_each_keep_their_own_identity_and_rights(browser, signin):
    base, _ = signin
    contexts = [browser.new_context(viewport={"width": 1400, "height": 2000}, locale="sv-SE") for _ in range(2)]
    try:
        reader, analyst = (context.new_page() for context in contexts)
        sign_in(reader, base, "lasare")
        sign_in(analyst, base, "analytiker")
        # Each one's next page, after the other signed in: their own name, their own rights.
        open_page(reader, f"{base}/ladda-upp")
        open_page(analyst, f"{base}/ladda-upp")
        expect(reader.get_by_test_id("stSidebar")).to_contain_text("Inloggad som Lisa Läsare (läsare)")
        expect(analyst.get_by_test_id("stSidebar")).to_contain_text("Inloggad som Ana Lys (analytiker)")
        expect(reader.get_by_test_id("stMain")).to_contain_text("Bara analytiker")
        assert reader.locator("input[type=file]").count() == 0
        assert analyst.locator("input[type=file]").count() == 1
        assert menu(reader) == MENU and "Ladda upp" in menu(analyst)
        # One signing out leaves the other signed in.
        sign_out(analyst, base)
        open_page(reader, f"{base}/")
        expect(reader.get_by_test_id("stSidebar")).to_contain_text("Inloggad som Lisa Läsare (läsare)")
    finally:
        for context in contexts:
            context.close()


def test_signing_out_ends_the_rights_in_every_open_tab_at_once(browser, signin):
    base, _ = signin
    context = browser.new_context(viewport={"width": 1400, "height": 2000}, locale="sv-SE", accept_downloads=True)
    try:
        first = sign_in(context.new_page(), base, "analytiker")
        second = open_page(context.new_page(), f"{base}/")  # the same browser: signed in
        assert "Ladda upp" in menu(second)
        sign_out(first, base)
        assert_start_view_only(first)
        # A download clicked in the other tab, whose page was drawn while signed in, holds no figures.
        with second.expect_download() as download:
            second.get_by_role("button", name="Ladda ner CSV").first.click()
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert "Du har loggat ut" in text and "8" not in text
        # The other tab's next step (any widget reruns the page) finds the rights gone.
        second.get_by_test_id("stSidebar").get_by_role("radio", name="Kvinna").click()
        wait_until_idle(second)
        assert_start_view_only(second)
        expect(second.get_by_test_id("stMain")).to_contain_text("Du har loggat ut")
    finally:
        context.close()
