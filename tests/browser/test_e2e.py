"""The dashboard in a real browser: every page renders, filters and links work, an upload shows everywhere."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kaa import demo

from .conftest import import_on_page, open_page, screenshot, wait_until_idle

PAGES = {  # url path: (title, charts on the page with the embedded data); Översikt is the root
    "": ("KAA i Stockholm – översikt", 1),
    "uppsok": ("Uppsök", 4),
    "lopande": ("Löpande uppföljning", 1),  # the report has no dates: the page says so and shows whole years
    "avslut": ("Avslut", 4),  # and the verksamhet section's two when it is opened
    "jamfor": ("Jämför jobbtorg", 2),
    "stadsdelar": ("Stadsdelar", 0),  # the report has nothing per stadsdel or age: every panel says so
    "datakvalitet": ("Datakvalitet", 2),  # the unknowns per jobbtorg: not in the report
    "arsrapport": ("Årsrapport", 0),
    "ladda-upp": ("Ladda upp registeruttag", 0),
    "om": ("Om statistiken", 0),
    "tillganglighet": ("Om tillgänglighet", 0),
}


def assert_no_errors(page: Page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("[data-testid=stAlertContentError]").count() == 0
    assert "Traceback" not in page.content()


def assert_no_missing_page_notice(page: Page) -> None:
    """Streamlit's dialog for a page that does not exist (Swedish by ui/swedish.js) is not shown."""
    assert page.get_by_role("dialog").count() == 0
    shown = page.locator("body").inner_text()
    assert "Page not found" not in shown and "Sidan finns inte" not in shown


def rendered_charts(page: Page, expected: int | None = None) -> list[dict]:
    """Every Plotly chart on the page with how many marks it drew (all tabs, visible or not)."""
    if expected:
        page.wait_for_function(
            f"() => [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.trace'))"
            f".length >= {expected}", timeout=30_000)
    return page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => ({
        svg: !!plot.querySelector('.main-svg'),
        marks: plot.querySelectorAll('.trace .point, .trace path.point, .barlayer .point').length,
        title: (plot.querySelector('.gtitle') || {}).textContent || '',
        ticks: [...plot.querySelectorAll('.ytick text, .xtick text')].map(t => t.textContent),
        labels: [...plot.querySelectorAll('.textpoint text, .bartext, .annotation-text')].map(t => t.textContent),
    }))""")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_its_charts_in_swedish(page, server, path):
    title, charts = PAGES[path]
    open_page(page, f"{server}/{path}")
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    # The shared filters are in the sidebar on every page.
    expect(page.get_by_test_id("stSidebar").get_by_text("Urval")).to_be_visible()
    assert_no_errors(page)
    drawn = rendered_charts(page, charts)
    assert len(drawn) == charts
    for chart in drawn:
        assert chart["svg"] and chart["marks"] > 0, chart
        assert chart["title"], chart
        # Swedish number formatting on axes and labels: no decimal points, no thousands commas.
        for text in chart["ticks"] + chart["labels"]:
            assert not re.search(r"\d\.\d|\d,\d{3}\b", text), (chart["title"], text)
    assert_no_missing_page_notice(page)
    screenshot(page, path or "oversikt")


@pytest.mark.parametrize("path, title, shown", [
    ("ladda-upp", "Ladda upp registeruttag", "Filformat och mall"),
    ("avslut?ar=2019", "Avslut", "57,8\u00a0%"),  # Jobbtorg Kista's 2019 share to studies
])
def test_a_deep_link_is_a_new_servers_first_request(page, fresh_server, path, title, shown):
    """Streamlit runs a page file on its own until the entrypoint has routed once; a user must not notice."""
    open_page(page, f"{fresh_server}/{path}")
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_text("Urval")).to_be_visible()
    expect(page.get_by_test_id("stMain")).to_contain_text(shown)
    assert_no_missing_page_notice(page)
    assert_no_errors(page)
    assert page.url == f"{fresh_server}/{path}"


def test_oversikt_first_screen_explains_itself(page, server):
    open_page(page, f"{server}/")
    body = page.get_by_test_id("stMain").inner_text()
    assert "Årsrapport 2020" in body and "2019–2020" in body
    expect(page.get_by_text("Så räknas siffrorna – Om statistiken")).to_be_visible()
    nadda = page.get_by_test_id("stMetric").filter(has_text="Nådda").first
    expect(nadda).to_contain_text("2\u00a0635")
    expect(nadda).to_contain_text("\u2212688")


def wait_for_labels(page: Page, present: str | None = None, absent: str | None = None) -> None:
    """Wait until the charts have redrawn after a filter change (bounded by the page timeout)."""
    page.wait_for_function(
        """([present, absent]) => {
            const labels = [...document.querySelectorAll('.js-plotly-plot .textpoint text, .js-plotly-plot .bartext, .js-plotly-plot .annotation-text')]
                .map(t => t.textContent);
            return (!present || labels.includes(present)) && (!absent || !labels.includes(absent));
        }""", arg=[present, absent], timeout=30_000)


def bar_labels(page: Page) -> list[str]:
    return [label for chart in rendered_charts(page, 1) for label in chart["labels"]]


def test_year_filter_changes_the_charts(page, server):
    open_page(page, f"{server}/avslut")
    before = bar_labels(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stMultiSelect").first.click()
    page.get_by_role("option", name="2019").click()
    page.keyboard.press("Escape")
    wait_until_idle(page)
    # Jobbtorg Kista's 2019 share to studies is drawn, its 2020 share no longer is.
    wait_for_labels(page, present="57,8\u00a0%", absent="49,6\u00a0%")
    after = bar_labels(page)
    assert after and after != before
    assert "ar=2019" in page.url


def test_jobbtorg_filter_changes_the_charts(page, server):
    open_page(page, f"{server}/avslut")
    before = bar_labels(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stMultiSelect").nth(1).click()
    page.get_by_role("option", name="Jobbtorg Kista").click()
    page.keyboard.press("Escape")
    wait_until_idle(page)
    wait_for_labels(page, absent="39,9\u00a0%")  # Jobbtorg Globen's 2020 share is gone
    after = bar_labels(page)
    assert after != before
    assert "Kista" in page.url


def test_the_verksamhet_section_draws_its_charts_when_opened_and_a_link_keeps_it_open(page, server):
    open_page(page, f"{server}/avslut?ar=2019&ar=2020")
    assert len(rendered_charts(page, 4)) == 4
    page.get_by_text("Visa verksamheternas inskrivna, avslutade och vart de gick").click()
    wait_until_idle(page)
    drawn = rendered_charts(page, 6)
    assert drawn[4]["title"].startswith("Aim: inskrivna, nyinskrivna och avslutade")
    assert drawn[5]["title"].startswith("Aim: avslutade per orsak")
    assert "308" in drawn[4]["labels"]  # Aim's inskrivna 2019, as in the report
    assert "aim=true" in page.url
    open_page(page, page.url)  # the link, opened anew, shows the section open
    assert len(rendered_charts(page, 6)) == 6


def test_a_shared_link_restores_the_view(page, server):
    open_page(page, f"{server}/?ar=2019&kon=Man")
    nadda = page.get_by_test_id("stMetric").filter(has_text="Nådda").first
    expect(nadda).to_contain_text("1\u00a0809")
    expect(page.get_by_test_id("stSidebar").get_by_text("2019")).to_be_visible()
    assert_no_errors(page)


def test_a_link_with_a_year_that_does_not_exist_says_so(page, server):
    open_page(page, f"{server}/avslut?ar=2030&ar=2019")
    expect(page.get_by_test_id("stToast")).to_contain_text("år ”2030”")
    wait_for_labels(page, present="57,8\u00a0%", absent="49,6\u00a0%")  # 2019 is shown, 2020 is not
    assert "ar=2030" not in page.url
    assert_no_errors(page)


def test_uploading_a_demo_extract_shows_its_year_on_oversikt(page, server, tmp_path):
    extract = tmp_path / "demo-2023.csv"
    demo.write(demo.generate(3000, [2023], seed=7), extract, encoding="cp1252", delimiter=";")
    open_page(page, f"{server}/ladda-upp")
    page.locator("input[type=file]").set_input_files(str(extract))
    expect(page.get_by_text("Det här ändras")).to_be_visible(timeout=60_000)
    wait_until_idle(page)
    screenshot(page, "ladda-upp-kontroll")
    page.get_by_role("button", name="Importera").click()
    expect(page.get_by_text(re.compile("Importerad som"))).to_be_visible(timeout=60_000)
    open_page(page, f"{server}/")
    expect(page.get_by_role("heading", name=re.compile("Statistikår 2023"))).to_be_visible()
    expect(page.get_by_test_id("stMain")).to_contain_text("Import: demo-2023")
    expect(page.get_by_test_id("stMetric").filter(has_text="Registrerade").first).to_contain_text("3\u00a0000")
    screenshot(page, "oversikt-efter-import")


def test_upload_import_deactivate_activate_remove_each_act_on_the_first_click(page, fresh_server, tmp_path):
    extract = tmp_path / "uttag-2024.csv"
    demo.write(demo.generate(800, [2024], seed=9), extract, encoding="cp1252", delimiter=";")
    import_on_page(page, fresh_server, extract)
    # Clean again: no import button, no stale warning, an empty uploader.
    expect(page.get_by_role("button", name="Importera")).to_have_count(0)
    expect(page.get_by_text("ersätter årsrapportens siffror")).to_have_count(0)
    main = page.get_by_test_id("stMain")
    for click, state in (("Inaktivera", "inaktiv"), ("Aktivera", "aktiv")):
        page.get_by_role("button", name=click, exact=True).click()
        expect(main).to_contain_text(f"rader · {state}", timeout=30_000)
        wait_until_idle(page)
        assert_no_errors(page)
    page.get_by_text("Ta bort …").click()
    page.get_by_role("button", name="Ja, ta bort källan för gott").click()
    expect(main).to_contain_text("Inga importerade källor", timeout=30_000)
    assert_no_errors(page)
    screenshot(page, "ladda-upp-efter-borttagning")


def test_a_page_asks_nothing_of_any_other_server(page, server):
    """Nothing leaves the city's network: no fonts, icons or scripts from elsewhere (the favicon is ours)."""
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    open_page(page, f"{server}/avslut")
    rendered_charts(page, PAGES["avslut"][1])
    assert asked and all(url.startswith((server, "data:", "blob:")) for url in asked), sorted(
        {url for url in asked if not url.startswith(server)})
