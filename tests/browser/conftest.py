"""A real dashboard server and a real headless Chromium for the browser tests.

The browser is Debian's chromium (scripts/test.sh installs it); Playwright drives it
through `executable_path`, so nothing is downloaded. A missing browser fails the
tests: they are never skipped.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from . import axe

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("KAA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# Assertions wait for the state they expect (returning as soon as it holds), up to the same bound as every
# other wait here: a loaded CI machine can take several seconds to send a toast or redraw a chart.
expect.set_options(timeout=30_000)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser_store")


@contextlib.contextmanager
def dashboard_server(store_dir: Path, secrets: Path | None = None, port: int | None = None,
                     host: str = "127.0.0.1") -> Iterator[str]:
    """`streamlit run dashboard.py` on a free localhost port, with its own KAA_DATA_DIR and its own secrets file.

    Without `secrets` the server reads an empty one: a developer's own .streamlit/secrets.toml (sign-in, say)
    never changes what the tests see.
    """
    port = port or _free_port()
    if secrets is None:
        secrets = store_dir.parent / f"no-secrets-{port}.toml"
        secrets.write_text("")
    env = {**os.environ, "KAA_DATA_DIR": str(store_dir)}
    log_path = store_dir.parent / f"streamlit-{port}.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--secrets.files", str(secrets)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{host}:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, "streamlit exited: " + log_path.read_text()
            assert time.time() < deadline, "streamlit did not start within 60 s"
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def server(store_dir) -> Iterator[str]:
    """One dashboard server shared by the browser tests."""
    with dashboard_server(store_dir) as base:
        yield base


@pytest.fixture
def fresh_server(tmp_path) -> Iterator[str]:
    """A dashboard server nobody has visited yet, for what happens on a server's first request."""
    store = tmp_path / "store"
    store.mkdir()
    with dashboard_server(store) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), (
        f"Chromium saknas ({CHROMIUM}). Kör bash scripts/test.sh, som installerar Debians chromium.")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def axe_script(tmp_path_factory) -> Path:
    """axe-core's rules, fetched from the npm registry once per session (tests/browser/axe.py)."""
    return axe.fetch(tmp_path_factory.mktemp("axe"))


def assert_accessible(page: Page, script: Path, what: str) -> None:
    """No violation of axe-core's WCAG 2.1 A and AA rules on the page as it is now."""
    found = axe.violations(page, script)
    assert not found, f"{what}:\n{axe.report(found)}"


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 4200}, locale="sv-SE",
                                  accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


def wait_until_idle(page: Page) -> None:
    """Wait until Streamlit has finished running the script and the page has settled."""
    page.wait_for_selector("[data-testid=stApp]")
    page.wait_for_timeout(300)
    # The app root carries Streamlit's script-run state; "notRunning" means the run has ended
    # and every element of it has been sent.
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp][data-test-script-state=notRunning]') && "
        "!document.querySelector('[data-testid=stStatusWidget]') && "
        "!document.querySelector('[data-testid=stSkeleton]')", timeout=30_000)
    page.wait_for_timeout(300)


def open_page(page: Page, url: str) -> Page:
    page.goto(url)
    wait_until_idle(page)
    return page


def import_on_page(page: Page, base: str, extract: Path) -> None:
    """Upload an extract on Ladda upp, import it, and wait until the page says it is imported."""
    open_page(page, f"{base}/ladda-upp")
    page.locator("input[type=file]").set_input_files(str(extract))
    expect(page.get_by_role("button", name="Importera")).to_be_visible(timeout=60_000)
    wait_until_idle(page)
    page.get_by_role("button", name="Importera").click()
    expect(page.get_by_text(re.compile("Importerad som"))).to_be_visible(timeout=60_000)
    wait_until_idle(page)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
