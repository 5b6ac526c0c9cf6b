"""The Årsrapport page in a real browser: its Word download is the document `python -m kaa rapport` writes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile

from playwright.sync_api import expect

from .conftest import ROOT, open_page, screenshot


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def test_the_pages_word_and_pdf_are_the_clis_report(page, server, store_dir, tmp_path):
    open_page(page, f"{server}/arsrapport?rapport_ar=2020")
    expect(page.get_by_role("heading", name="Innehåll i årsrapporten 2020")).to_be_visible()
    expect(page.get_by_test_id("stMain")).to_contain_text("Utkast: Registrerade 2020 är 8\u00a0452, mot 8\u00a0724 2019")
    screenshot(page, "arsrapport")
    with page.expect_download(timeout=120_000) as word:
        page.get_by_role("button", name="Ladda ner Word").click()
    assert word.value.suggested_filename == "kaa-arsrapport-2020.docx"
    downloaded = word.value.path().read_bytes()
    out = tmp_path / "cli.docx"
    subprocess.run([sys.executable, "-m", "kaa", "rapport", "--year", "2020", "--out", str(out)], cwd=ROOT, check=True,
                   env={**os.environ, "KAA_DATA_DIR": str(store_dir)}, capture_output=True)
    cli = out.read_bytes()
    assert part(downloaded, "word/document.xml") == part(cli, "word/document.xml")
    with zipfile.ZipFile(io.BytesIO(downloaded)) as archive:
        assert len([n for n in archive.namelist() if n.startswith("word/media/")]) == 3  # the three charts
    with page.expect_download(timeout=120_000) as pdf:
        page.get_by_role("button", name="Ladda ner PDF").click()
    assert pdf.value.suggested_filename == "kaa-arsrapport-2020.pdf"
    assert pdf.value.path().read_bytes().startswith(b"%PDF")
