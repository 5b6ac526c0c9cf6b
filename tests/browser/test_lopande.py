"""Löpande uppföljning as a coordinator uses it: an extract with dates uploaded on Ladda upp, then the year so far,
the months, the half-years and time to reach in Chromium, each card equal to a count made from the file here."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from kaa import demo, fmt

from .conftest import import_on_page, open_page, screenshot, wait_until_idle

YEARS = [2024, 2025]


@pytest.fixture
def extract(tmp_path):
    path = tmp_path / "uttag-med-datum.csv"
    demo.write(demo.generate(4000, YEARS, seed=11, dates=True), path, encoding="cp1252", delimiter=";")
    return path


def so_far(rows: pd.DataFrame, year: int, end: pd.Timestamp) -> dict[str, int]:
    """The year so far counted from the file: 1 December before `year` to `end`, each young person once."""
    mine = rows[rows["ar"] == year]
    registered = mine["registrerad_datum"].isna() | (mine["registrerad_datum"] <= end)
    sought = mine["nadd"].isin(["ja", "nej"]) & (mine["uppsok_datum"].isna() | (mine["uppsok_datum"] <= end))
    reached = (mine["nadd"] == "ja") & (mine["nadd_datum"] <= end)
    return {"Registrerade": int(registered.sum()), "Sökta": int(sought.sum()), "Nådda": int(reached.sum())}


def test_a_coordinator_follows_the_year_from_an_uploaded_extract(page, fresh_server, extract):
    rows = pd.read_csv(io.BytesIO(extract.read_bytes()), sep=";", dtype=str, encoding="cp1252",
                       keep_default_na=False)
    rows["ar"] = rows["ar"].astype(int)
    for name in ("registrerad_datum", "uppsok_datum", "nadd_datum"):
        rows[name] = pd.to_datetime(rows[name].where(rows[name] != ""), format="%Y-%m-%d")

    open_page(page, f"{fresh_server}/lopande")
    expect(page.get_by_test_id("stMain")).to_contain_text("inga siffror per månad")
    import_on_page(page, fresh_server, extract)
    open_page(page, f"{fresh_server}/lopande")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=re.compile("Hittills i år: 1 december 2024 till 30 november 2025"))
           ).to_be_visible()
    cards = page.get_by_test_id("stMetric")
    expected = so_far(rows, 2025, pd.Timestamp(2025, 11, 30))
    for label, count in expected.items():
        expect(cards.filter(has_text=label).first).to_contain_text(fmt.count(count))
    screenshot(page, "lopande-hela-aret")

    # March: a coordinator picks the end of February; the cards follow, and last year's same span is beside them.
    main.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="28 februari 2025").click()
    wait_until_idle(page)
    expect(main.get_by_role("heading", name=re.compile("till 28 februari 2025"))).to_be_visible()
    assert "tom=28+februari+2025" in page.url  # a link to this view keeps the month
    now, before = so_far(rows, 2025, pd.Timestamp(2025, 2, 28)), so_far(rows, 2024, pd.Timestamp(2024, 2, 29))
    for label in now:
        card = cards.filter(has_text=label).first
        expect(card).to_contain_text(fmt.count(now[label]))
        expect(card).to_contain_text(fmt.signed_count(now[label] - before[label]))
    # The months, the half-years and time to reach are drawn, and nothing went wrong.
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .trace').length >= 5", timeout=30_000)
    assert page.locator("[data-testid=stException]").count() == 0
    for heading in ("Månad för månad, statistikår 2025", "Halvår, som Skolverket redovisar dem",
                    "Hur snabbt nås de?"):
        expect(main.get_by_role("heading", name=heading)).to_be_visible()
    expect(main).to_contain_text("Andra halvåret 2025 slutar med december 2025")
    screenshot(page, "lopande-februari")
    page.set_viewport_size({"width": 390, "height": 844})
    wait_until_idle(page)
    screenshot(page, "lopande-mobil")
