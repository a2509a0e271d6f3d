"""The report as a reader sees it: headless Chromium (Debian's chromium and chromium-driver, driven
by selenium) opens the page as a 1280 px desktop window and as a 390 px phone (the viewport tag
honoured, as a phone does) and checks layout, images, links and the console. Nothing may pass
the window's right edge except inside a box that scrolls sideways on its own (a wide table, a
figure kept at a legible width).

Outside CI the test skips when Chromium is missing; under CI (CI=true) a missing browser is a
failure, since `.ci/run` installs it.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from pathlib import Path

import pytest

WINDOW_WIDTH = 1280
WIDTHS = (1280, 390)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _browser_or_skip():
    have = Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()
    if not have:
        if os.environ.get("CI"):
            pytest.fail("CI: chromium and chromium-driver are missing; .ci/run installs them")
        pytest.skip("chromium / chromium-driver not installed (apt-get install chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--window-size={WINDOW_WIDTH},900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    return webdriver.Chrome(options=options, service=service)


@pytest.fixture(scope="module")
def browser():
    driver = _browser_or_skip()
    yield driver
    driver.quit()


def _open(driver, page: Path, width: int = WINDOW_WIDTH) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    driver.get(page.resolve().as_uri())
    # PNGs are embedded as data URIs; wait until every image has decoded.
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "Promise.all([...document.images].map(i => i.decode().catch(() => null)))"
        ".then(() => done(true));"
    )


def _too_wide(driver) -> list[str]:
    """Elements whose right edge passes the window outside a box of their own that scrolls
    sideways (the page itself must never scroll sideways)."""
    return driver.execute_script(
        "const w = document.documentElement.clientWidth; const out = [];"
        "const boxed = e => { for (let a = e.parentElement; a && a !== document.body;"
        "    a = a.parentElement) {"
        "  const o = getComputedStyle(a).overflowX;"
        "  if ((o === 'auto' || o === 'scroll' || o === 'hidden')"
        "      && a.getBoundingClientRect().right <= w + 1) return true; }"
        "  return false; };"
        "for (const e of document.body.querySelectorAll('*')) {"
        "  const r = e.getBoundingClientRect();"
        "  if (r.width > 0 && r.right > w + 1 && !boxed(e)) {"
        "    out.push(e.tagName + (e.id ? '#' + e.id : '') + ' right=' + Math.round(r.right));"
        "  }"
        "}"
        "return out.slice(0, 10);"
    )


def _text_size(driver) -> float:
    """The body text's rendered size in CSS px times the page scale (a page without a viewport
    tag is scaled down on a phone: its text shrinks to about 6 px)."""
    return driver.execute_script(
        "const p = document.querySelector('p');"
        "return parseFloat(getComputedStyle(p).fontSize) * (window.visualViewport.scale || 1)"
        " * document.documentElement.clientWidth / window.innerWidth;"
    )


@pytest.mark.parametrize("window", WIDTHS)
def test_report_page_fits_the_window_loads_every_image_and_every_link(browser, made, window):
    out, _ = made
    _open(browser, out / "index.html", window)
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= window, f"page is {width} px wide: {_too_wide(browser)}"
    assert _too_wide(browser) == []
    assert browser.execute_script("return window.innerWidth") == window  # viewport tag honoured
    assert _text_size(browser) >= 12

    images = browser.execute_script(
        "return [...document.images].map(i => [i.alt, i.naturalWidth, i.naturalHeight,"
        " i.getBoundingClientRect().width]);"
    )
    assert images, "the page has no images"
    broken = [alt for alt, w, h, shown in images if not (w > 0 and h > 0 and shown > 0)]
    assert broken == [], f"images that did not load or show: {broken}"

    links = browser.execute_script(
        "return [...document.querySelectorAll('nav a')].map(a => a.getAttribute('href'));"
    )
    assert len(links) >= 5
    missing = [
        href
        for href in links
        if not browser.execute_script(
            "return document.getElementById(arguments[0]) !== null;", href.removeprefix("#")
        )
    ]
    assert missing == [], f"table-of-contents links without a target: {missing}"

    # Links out (a reference's DOI) are fine; nothing may be loaded from outside.
    external = browser.execute_script(
        "return [...document.querySelectorAll('[src],link[href]')]"
        ".map(e => e.getAttribute('src') || e.getAttribute('href'))"
        ".filter(u => /^(https?:)?\\/\\//.test(u));"
    )
    assert external == [], f"external resources: {external}"

    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors


@pytest.mark.parametrize("window", WIDTHS)
def test_patient_card_fits_the_window_and_prints_on_one_a4_page(browser, tmp_path, window):
    import alsprog
    from alsprog.report.patient_card import write_patient_card

    outlook = alsprog.prognosis(
        "pls", age_at_onset=53.0, years_since_onset=3.0, sex="female", alsfrs_r=40.0
    )
    card = write_patient_card(outlook, tmp_path / "card.html")
    _open(browser, card, window)
    assert _too_wide(browser) == []
    assert browser.execute_script("return window.innerWidth") == window
    assert _text_size(browser) >= 12
    sizes = browser.execute_script("return [...document.images].map(i => i.naturalWidth);")
    assert len(sizes) == 2 and min(sizes) > 0
    from selenium.webdriver.common.print_page_options import PrintOptions

    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7  # A4, centimetres
    pdf = base64.b64decode(browser.print_page(options))
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the card spills onto a second page"
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_what_pins_each_parameter_reads_without_scrolling_on_a_phone(browser, made):
    out, _ = made
    _open(browser, out / "index.html", 390)
    boxes = browser.execute_script(
        "return [...document.querySelectorAll('table.stack')].map(t => [t.parentElement"
        ".scrollWidth - t.parentElement.clientWidth, t.querySelectorAll('td[data-label]')"
        ".length, getComputedStyle(t.querySelector('thead')).display]);"
    )
    assert boxes, "no stacked table (what pins each parameter) in the report"
    for overflow, labelled, head in boxes:
        assert overflow <= 0 and labelled > 20 and head == "none"
    _open(browser, out / "index.html", 1280)  # a wide screen keeps the table
    assert (
        browser.execute_script(
            "return getComputedStyle(document.querySelector('table.stack thead')).display"
        )
        == "table-header-group"
    )
