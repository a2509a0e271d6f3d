"""The report printed: Chromium lays the page out for print on A4 (selenium's default 1 cm
margins) and prints it to PDF. Nothing may pass the page's right edge (Chromium would shrink
the whole report to fit it) and no box may scroll or clip (paper does not scroll); figures and
table rows do not break across pages; and the PDF holds every table's every cell and every
figure. Skips like ``test_browser`` without Chromium, and without pypdf for the PDF's text.
"""

from __future__ import annotations

import base64
import io
import re
import unicodedata

import pytest
from test_browser import _browser_or_skip, _open

PRINTED_WIDTH_CM = 21.0 - 2 * 1.0  # A4 less selenium's default margins
PRINTED_WIDTH_PX = round(PRINTED_WIDTH_CM / 2.54 * 96)  # CSS px, 96 to the inch


@pytest.fixture(scope="module")
def printed(made):
    """The report's print layout checks and its PDF bytes."""
    from selenium.webdriver.common.print_page_options import PrintOptions

    out, _ = made
    driver = _browser_or_skip()
    try:
        _open(driver, out / "index.html")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": PRINTED_WIDTH_PX, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
        )
        layout = driver.execute_script(
            "const w = document.documentElement.clientWidth; const wide = [], clipped = [];"
            "for (const e of document.body.querySelectorAll('*')) {"
            "  const r = e.getBoundingClientRect(); const s = getComputedStyle(e);"
            "  const name = e.tagName + (e.className ? '.' + e.className : '');"
            "  if (r.width > 0 && r.right > w + 1) wide.push(name + ' right=' + Math.round(r.right));"
            "  if (['auto', 'scroll', 'hidden'].includes(s.overflowX)"
            "      && e.scrollWidth > e.clientWidth + 1) clipped.push(name);"
            "}"
            "const breaks = [...document.querySelectorAll('figure, tr')]"
            "  .map(e => getComputedStyle(e).breakInside);"
            "const cells = [...document.querySelectorAll('table')]"
            "  .map(t => [...t.querySelectorAll('th, td')].map(c => c.textContent));"
            "return {width: w, wide: wide.slice(0, 10), clipped: clipped.slice(0, 10),"
            "        breaks: [...new Set(breaks)], cells: cells,"
            "        images: document.images.length};"
        )
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        options = PrintOptions()
        options.page_width, options.page_height = 21.0, 29.7  # A4, centimetres
        pdf = base64.b64decode(driver.print_page(options))
    finally:
        driver.quit()
    return layout, pdf


def test_nothing_passes_the_printed_pages_edge_or_scrolls(printed):
    layout, _ = printed
    assert layout["width"] >= PRINTED_WIDTH_PX - 20  # laid out at the page's width
    assert layout["wide"] == [], f"wider than an A4 page: {layout['wide']}"
    assert layout["clipped"] == [], f"boxes that would clip on paper: {layout['clipped']}"
    assert layout["breaks"] == ["avoid"]  # no figure or table row split across pages


def _flat(text: str) -> str:
    """Text without white space, ligatures and no-break spaces unfolded (NFKC)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_the_pdf_holds_every_table_cell_and_every_figure(printed):
    pypdf = pytest.importorskip("pypdf")
    layout, pdf = printed
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 5
    text = _flat("".join(page.extract_text() for page in reader.pages))
    cells = [cell for table in layout["cells"] for cell in table if _flat(cell)]
    assert len(layout["cells"]) >= 8 and len(cells) > 300
    missing = [cell for cell in cells if _flat(cell) not in text]
    assert missing == [], f"table text not in the PDF: {missing[:10]}"
    images = sum(len(page.images) for page in reader.pages)
    assert images == layout["images"], (images, layout["images"])


def test_a_treated_card_with_its_course_prints_on_one_a4_page(tmp_path):
    # the fullest card: a treatment (with and without it) and the ALSFRS-R course
    from selenium.webdriver.common.print_page_options import PrintOptions

    import alsprog
    from alsprog.report.patient_card import write_patient_card

    profile = dict(age_at_onset=64.0, years_since_onset=1.0, sex="female", alsfrs_r=36.0)
    treated = alsprog.prognosis("als_bulbar", treatment="riluzole", **profile)
    untreated = alsprog.prognosis("als_bulbar", **profile)
    card = write_patient_card(treated, tmp_path / "card.html", untreated=untreated)
    driver = _browser_or_skip()
    try:
        _open(driver, card)
        assert driver.execute_script("return document.images.length") == 2
        options = PrintOptions()
        options.page_width, options.page_height = 21.0, 29.7  # A4, centimetres
        pdf = base64.b64decode(driver.print_page(options))
    finally:
        driver.quit()
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the card spills onto a second page"
