"""WCAG 2.1 AA in a real browser: axe-core's rules on every page, Swedish as the page language, Swedish names for
Streamlit's own controls, charts announced with their text alternative, the keyboard, and 400 % zoom."""

from __future__ import annotations

import gzip
import re
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from kaa import demo

from .conftest import assert_accessible, import_on_page, open_page, screenshot, wait_until_idle

PAGES = ["", "uppsok", "avslut?aim=true", "jamfor?jamfor_sedan=2019", "stadsdelar", "datakvalitet", "arsrapport", "ladda-upp", "om",
         "tillganglighet"]
WIDTHS = (1440, 390)
#: Streamlit's English names, as its controls carry them (ui/swedish.js gives each its Swedish name).
ENGLISH = re.compile(r"^(Sidebar|Collapse sidebar|Expand sidebar|App pages|Open|Close|Clear all|Remove|"
                     r"Link to heading|file upload|Upload|Add files|Help for .+|Show/hide columns|Search|Fullscreen)$")


def open_at(browser, width: int, url: str) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="sv-SE")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    return open_page(tab, url)


def names(tab: Page) -> list[str]:
    """Every accessible name and tooltip Streamlit's controls carry."""
    return tab.evaluate("""() => [...document.querySelectorAll('[aria-label], [title]')]
        .flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('title')]).filter(Boolean)""")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("view", ["", "jobbtorg=Jobbtorg+Kista&kon=Kvinna"], ids=["standard", "ett-jobbtorg-ett-kon"])
def test_every_page_passes_axe_in_swedish(browser, server, axe_script, width, view):
    for path in PAGES:
        url = f"{server}/{path}" + (("&" if "?" in path else "?") + view if view else "")
        tab = open_at(browser, width, url)
        try:
            assert tab.evaluate("document.documentElement.lang") == "sv", url
            assert_accessible(tab, axe_script, f"{url} at {width} px")
            english = [name for name in names(tab) if ENGLISH.match(name)]
            assert not english, f"{url}: English names left for a screen reader: {english}"
        finally:
            tab.context.close()


def test_every_page_passes_axe_with_imported_data(browser, fresh_server, axe_script, tmp_path):
    extract = tmp_path / "uttag-2024.csv"
    demo.write(demo.generate(1500, [2023, 2024], seed=16), extract, encoding="cp1252", delimiter=";")
    tab = open_at(browser, 1440, f"{fresh_server}/ladda-upp")
    import_on_page(tab, fresh_server, extract)
    assert_accessible(tab, axe_script, "Ladda upp after an import")
    tab.context.close()
    for width in WIDTHS:
        for path in PAGES:
            tab = open_at(browser, width, f"{fresh_server}/{path}")
            try:
                expect(tab.get_by_test_id("stMain")).to_contain_text("Import: uttag-2024")
                assert_accessible(tab, axe_script, f"/{path} with imported data at {width} px")
            finally:
                tab.context.close()


def test_the_page_shell_says_swedish_before_any_script_runs(server):
    """The HTML as sent, compressed as browsers get it and not, declares Swedish, so a screen reader never starts in English."""
    for path in ("", "uppsok", "ingen-sida"):
        for encoding in ("gzip", "identity"):
            request = urllib.request.Request(f"{server}/{path}", headers={"Accept-Encoding": encoding})
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
                if response.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                assert int(response.headers["Content-Length"]) == len(body) or encoding == "gzip"
            assert b'<html lang="sv">' in body and b'lang="en"' not in body, (path, encoding)


def test_every_chart_is_one_image_described_by_its_figures(browser, server):
    tab = open_at(browser, 1440, f"{server}/jamfor?jamfor_sedan=2019")
    try:
        tab.wait_for_function("() => document.querySelectorAll('svg.main-svg[role=img]').length >= 2")
        charts = tab.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => ({
            label: plot.querySelector('svg.main-svg').getAttribute('aria-label'),
            role: plot.querySelector('svg.main-svg').getAttribute('role'),
            hidden: [...plot.querySelectorAll('svg.main-svg')].slice(1).every(s => s.getAttribute('aria-hidden') === 'true'),
        }))""")
        captions = [c.removeprefix("Diagrammet i ord: ") for c in
                    tab.get_by_test_id("stCaptionContainer").filter(has_text="Diagrammet i ord").all_inner_texts()]
        assert [c["label"] for c in charts] == captions and all(c["role"] == "img" and c["hidden"] for c in charts)
        ranking, change = captions
        # The report's 2020 shares to studies: Kista highest (49,6 %), Skärholmen lowest (37,7 %), none at 50 %.
        assert ranking == ("Andel till studier 2020 är högst för Jobbtorg Kista (49,6\u00a0%) och lägst för Jobbtorg "
                           "Skärholmen (37,7\u00a0%). 0 av 5 jobbtorg når målet på minst 50\u00a0% år 2020.")
        assert change.startswith("Andel till studier från 2019 till 2020: minst försämring för Jobbtorg Globen")
    finally:
        tab.context.close()


def focused(tab: Page) -> dict:
    return tab.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
        const control = !['BODY', 'MAIN'].includes(e.tagName);  // the main area takes focus for the skip link
        return {name: control ? (e.getAttribute('aria-label') || e.innerText || '').trim().split('\\n').pop() : '',
                tag: e.tagName, role: e.getAttribute('role'),
                ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }""")


def tab_through(tab: Page, presses: int) -> list[dict]:
    tab.evaluate("document.activeElement && document.activeElement.blur()")  # from the top of the page
    seen = []
    for _ in range(presses):
        tab.keyboard.press("Tab")
        seen.append(focused(tab))
    return seen


def test_the_keyboard_reaches_filters_tabs_and_downloads_in_reading_order_with_visible_focus(browser, server):
    tab = open_at(browser, 1440, f"{server}/")
    try:
        seen = tab_through(tab, 40)
        order = [s["name"] for s in seen]
        # One stop per control: a tab list and the Kön buttons are entered once and moved in with the arrow keys.
        wanted = ["Hoppa till innehållet", "Uppsök", "År", "Jobbtorg", "Alla", "Diagram", "Ladda ner CSV",
                  "Ladda ner Excel"]
        positions = [next((i for i, n in enumerate(order) if n == w), None) for w in wanted]
        assert None not in positions, seen
        assert positions == sorted(positions), order  # menu, filters, then the page from top to bottom
        assert all(s["ring"] for s in seen if s["tag"] != "BODY"), [s for s in seen if not s["ring"]]
        # Kön, a tab and a download work from the keyboard alone.
        tab.get_by_role("radio", name="Alla").focus()
        tab.keyboard.press("ArrowRight")
        tab.keyboard.press("Enter")
        wait_until_idle(tab)
        assert "kon=Kvinna" in tab.url
        tab.get_by_role("tab", name="Diagram").first.focus()
        tab.keyboard.press("ArrowRight")
        tab.keyboard.press("Enter")
        wait_until_idle(tab)
        expect(tab.get_by_role("tab", name="Tabell").first).to_have_attribute("aria-selected", "true")
        expect(tab.get_by_test_id("stMain").get_by_role("table").or_(tab.get_by_test_id("stDataFrame")).first).to_be_visible()
        tab.get_by_role("button", name="Ladda ner CSV").first.focus()
        with tab.expect_download() as download:
            tab.keyboard.press("Enter")
        assert download.value.suggested_filename.endswith(".csv")
    finally:
        tab.context.close()


def test_the_uploader_and_import_work_from_the_keyboard(browser, fresh_server, tmp_path):
    extract = tmp_path / "uttag-2022.csv"
    demo.write(demo.generate(600, [2022], seed=3), extract, encoding="cp1252", delimiter=";")
    tab = open_at(browser, 1440, f"{fresh_server}/ladda-upp")
    try:
        chooser_button = tab.get_by_role("button", name="Välj fil").and_(tab.locator("button"))
        chooser_button.focus()
        expect(chooser_button).to_be_focused()
        assert focused(tab)["ring"]
        # Enter on the button asks the browser for a file: the hidden file input is clicked (the dialog itself is
        # the browser's; Playwright's file-chooser interception proved unreliable on a loaded machine).
        tab.evaluate("""() => document.querySelector('[data-testid=stFileUploaderDropzoneInput]')
            .addEventListener('click', event => { window.kaaChooser = true; event.preventDefault(); })""")
        tab.keyboard.press("Enter")
        tab.wait_for_function("() => window.kaaChooser === true")
        tab.locator("input[type=file]").set_input_files(str(extract))
        importera = tab.get_by_role("button", name="Importera")
        expect(importera).to_be_visible(timeout=60_000)
        wait_until_idle(tab)
        tab.wait_for_timeout(300)  # swedish.js names what was added a moment after it settles
        assert not [name for name in names(tab) if ENGLISH.match(name)]  # e.g. "Add files" once a file is chosen
        importera.focus()
        tab.keyboard.press("Enter")
        expect(tab.get_by_text(re.compile("Importerad som"))).to_be_visible(timeout=60_000)
    finally:
        tab.context.close()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_reflows_at_400_percent_zoom(browser, server, path):
    """A 1 280 px window at 400 % is 320 CSS px wide: text wraps, nothing but wide tables scrolls sideways."""
    tab = open_at(browser, 320, f"{server}/{path}")
    try:
        overflow = tab.evaluate("""() => {
            const width = document.documentElement.clientWidth;
            const inScroller = e => e.closest('[data-testid=stTable], [data-testid=stDataFrame], .js-plotly-plot');
            const main = document.querySelector('[data-testid=stMain]');
            return {page: document.documentElement.scrollWidth - width,
                    text: [...main.querySelectorAll('p, h1, h2, h3, li, label, button, a')]
                      .filter(e => !inScroller(e) && e.getBoundingClientRect().right > width + 1)
                      .map(e => e.textContent.slice(0, 60))};
        }""")
        assert overflow["page"] <= 0 and not overflow["text"], overflow
        if path == "":
            screenshot(tab, "oversikt-400-procent")
    finally:
        tab.context.close()
