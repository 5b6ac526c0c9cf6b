"""Tables and downloads in a real browser: numbers sort as numbers, the download is the table, Swedish only."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys

from playwright.sync_api import Page, expect

from kaa import demo

from .conftest import open_page, screenshot, wait_until_idle

NBSP = "\u00a0"
AVSLUT = "avslut?ar=2019&ar=2020"  # the report's years, whatever another test has imported into the server
# What Streamlit and Plotly would otherwise say in English (issue 10, point 10).
ENGLISH = ("Upload", "per file", "Drag and drop", "Browse files", "Stop", "Running", "Download plot",
           "Show/hide columns", "Download as CSV", "Search", "Fullscreen", "Print", "Record screen",
           "Select all", "Choose an option", "Sort ascending", "No results", "Clear all")
VISIBLE_TEXTS = """() => {
  const out = [];
  const visible = el => { for (let e = el; e; e = e.parentElement) { const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden') return false; } return true; };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) { const el = walker.currentNode.parentElement;
    if (el && !el.closest('script,style') && visible(el) && walker.currentNode.textContent.trim())
      out.push(walker.currentNode.textContent.trim()); }
  for (const el of document.querySelectorAll('[title],[data-title],[placeholder]'))
    if (visible(el)) for (const a of ['title', 'data-title', 'placeholder'])
      if (el.getAttribute(a)) out.push(el.getAttribute(a));
  for (const el of document.querySelectorAll('*')) { const after = getComputedStyle(el, '::after').content;
    if (after && after.startsWith('"') && visible(el)) out.push(after.slice(1, -1)); }
  return out;
}"""


def english_on(page: Page) -> list[str]:
    texts = page.evaluate(VISIBLE_TEXTS)
    return sorted({t for t in texts for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", t)})


def grid_column(page: Page, header: str) -> list[str]:
    """The cells of one column of the first table, read from the grid's accessible table (the rows drawn)."""
    grid = page.get_by_test_id("stDataFrame").first
    headers = [h.inner_text().lstrip("↑↓ ").strip() for h in grid.locator("[role=columnheader]").all()]
    index = headers.index(header)
    return [row.locator("[role=gridcell]").nth(index).inner_text() for row in grid.locator("tbody [role=row]").all()]


def open_table_tab(page: Page, name: str = "Tabell") -> None:
    page.get_by_role("tab", name=name, exact=True).first.click()
    wait_until_idle(page)
    if name == "Korstabell":  # a static table, as in the report
        expect(page.get_by_test_id("stTable").first).to_be_visible()
        return
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    expect(grid.locator("tbody [role=row]").first).to_be_attached()  # the grid has drawn its rows


def test_a_click_on_a_number_column_sorts_it_as_numbers(page, server):
    open_page(page, f"{server}/{AVSLUT}")
    open_table_tab(page)
    grid = page.get_by_test_id("stDataFrame").first
    box = grid.bounding_box()
    headers = grid.locator("[role=columnheader]")
    sorted_header = "() => [...document.querySelectorAll('[data-testid=stDataFrame] [role=columnheader]')]" \
                    ".map(h => h.textContent).find(t => /^[↑↓]/.test(t)) || ''"
    # The header row is drawn on a canvas: click along it until Nämnare is the sorted column, ascending.
    x, sorted_by = box["x"] + 10, ""
    while not sorted_by.startswith("↑ Nämnare") and x < box["x"] + box["width"]:
        page.mouse.click(x, box["y"] + 17)
        page.wait_for_timeout(300)
        sorted_by = page.evaluate(sorted_header)
        if "Nämnare" not in sorted_by:
            x += 20
    assert sorted_by.startswith("↑") and "Nämnare (antal)" in sorted_by, sorted_by
    values = [int(v.replace(NBSP, "")) for v in grid_column(page, "Nämnare (antal)")]
    assert values == sorted(values) and values[0] < 100 < values[-1], values  # 52 before 101: not as text
    assert headers.count() >= 6
    screenshot(page, "tabell-sorterad")


def test_the_cross_table_is_jobbtorg_by_year(page, server):
    open_page(page, f"{server}/{AVSLUT}")
    open_table_tab(page, "Korstabell")
    table = page.get_by_test_id("stTable").first
    expect(table.locator("thead th")).to_have_text(["Jobbtorg", "2019 (%)", "2020 (%)"])
    rows = [[c.inner_text() for c in row.locator("th, td").all()] for row in table.locator("tbody tr").all()]
    assert rows[-1][0] == "Totalt"
    assert ["Jobbtorg Kista", f"57,8{NBSP}%", f"49,6{NBSP}%"] in rows  # as the page writes them everywhere
    screenshot(page, "korstabell")


def test_a_hidden_figure_shows_its_symbol_in_the_list_and_in_the_cross_table(page, server, store_dir, tmp_path):
    """A grid draws every empty number alike (test_app checks it asks for –, not Streamlit's "None"), so the
    list names the symbol in its own column; a cross table, whose cells hold `<5` and `..`, is static."""
    extract = tmp_path / "uttag.csv"
    demo.write(demo.generate(3000, [2023], seed=11), extract, encoding="cp1252", delimiter=";")
    env = {**os.environ, "KAA_DATA_DIR": str(store_dir)}  # the server's store
    kaa = [sys.executable, "-m", "kaa"]
    subprocess.run([*kaa, "import", str(extract), "--name", "tabelltest"], env=env, check=True, capture_output=True)
    try:
        open_page(page, f"{server}/avslut?ar=2023&kon=Man&antal=Till+arbete")
        page.get_by_role("tab", name="Tabell", exact=True).nth(1).click()
        wait_until_idle(page)
        grid = page.get_by_test_id("stDataFrame").first
        expect(grid.locator("tbody [role=row]").first).to_be_attached()
        hidden = [h for h in grid_column(page, "Dold uppgift") if h]
        assert hidden and set(hidden) <= {"<5", ".."}, hidden
        page.get_by_role("tab", name="Korstabell", exact=True).nth(1).click()
        wait_until_idle(page)
        cells = page.get_by_test_id("stTable").first.locator("td").all_inner_texts()
        assert {"<5", ".."} & set(cells) and "None" not in cells, cells
        screenshot(page, "korstabell-dolda")
    finally:
        subprocess.run([*kaa, "remove", "tabelltest"], env=env, check=True, capture_output=True)


def test_the_csv_download_is_the_table_on_the_page(page, server):
    open_page(page, f"{server}/{AVSLUT}")
    open_table_tab(page)
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="Ladda ner CSV").first.click()
    download = info.value
    assert download.suggested_filename == "kaa-andel-till-studier-per-jobbtorg.csv"
    data = open(download.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")  # Swedish Excel detects UTF-8 on a double-click
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    grid = page.get_by_test_id("stDataFrame").first
    headers = [h.inner_text() for h in grid.locator("[role=columnheader]").all()]  # the columns drawn
    assert rows[0][:len(headers)] == headers
    assert ["2020", "Jobbtorg Kista", "Andel till studier", "49,6", "62", "125"] == rows[12][:6]
    # The rows the grid has drawn are the CSV's first rows, cell for cell (the CSV with a decimal comma).
    drawn = [[c.inner_text() for c in row.locator("[role=gridcell]").all()] for row in
             grid.locator("tbody [role=row]").all()]
    assert drawn and [[c.replace(".", ",") for c in row] for row in drawn] == [r[:len(drawn[0])] for r in rows[1:len(drawn) + 1]]


def test_the_excel_download_of_the_cross_table_opens_with_its_headers(page, server, tmp_path):
    import openpyxl

    open_page(page, f"{server}/{AVSLUT}")
    open_table_tab(page, "Korstabell")
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="Ladda ner Excel").first.click()
    assert info.value.suggested_filename == "kaa-andel-till-studier-per-jobbtorg-korstabell.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active
    assert [c.value for c in sheet[1]] == ["Jobbtorg", "2019 (%)", "2020 (%)"]
    kista = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "Jobbtorg Kista")
    assert kista[1:] == (57.8, 49.6)
    assert any(str(row[0]).startswith("Källa: Årsrapport 2020") for row in sheet.iter_rows(values_only=True))


def test_no_english_anywhere_a_user_looks(page, server, tmp_path):
    found = {}
    for path in ("", "uppsok", "avslut", "jamfor", "stadsdelar", "datakvalitet", "arsrapport", "om", "tillganglighet"):
        open_page(page, f"{server}/{path}")
        if path not in ("stadsdelar", "arsrapport", "om", "tillganglighet"):  # the pages without charts
            page.get_by_test_id("stPlotlyChart").first.hover()  # the chart's tool bar shows on hover
            found[f"{path or 'oversikt'}, diagram"] = english_on(page)
            open_table_tab(page)
            page.get_by_test_id("stDataFrame").first.hover()
        page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first.click()
        page.wait_for_timeout(300)
        found[path or "oversikt"] = english_on(page)
        page.keyboard.press("Escape")
    extract = tmp_path / "uttag.csv"
    demo.write(demo.generate(200, [2023], seed=3), extract, encoding="cp1252", delimiter=";")
    open_page(page, f"{server}/ladda-upp")
    found["ladda-upp"] = english_on(page)
    expect(page.get_by_role("button", name="Välj fil")).to_be_visible()  # named in Swedish for screen readers too
    page.locator("input[type=file]").set_input_files(str(extract))
    expect(page.get_by_text("Det här ändras")).to_be_visible(timeout=60_000)
    found["ladda-upp med fil"] = english_on(page)
    screenshot(page, "ladda-upp-svenska")
    assert not any(found.values()), found
