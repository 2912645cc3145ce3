"""The diagram viewer and the printed blueprint page, on a 30-step blueprint, in real headless Chromium.

The site is built by the real command line and served over HTTP; what is measured is what
the browser draws: step text on screen, what Tab and the address bring into view, full
screen, touch, and the PDF the browser prints (read back with pypdf).
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import sys
import threading
import xml.etree.ElementTree as ET
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin

import pytest
from pypdf import PdfReader

from helpers import blueprintgen

sys.path.insert(0, str(Path(__file__).resolve().parent))
from blueprint_factory import blueprint_yaml  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
BLUEPRINT = "thirty"
SVG = "{http://www.w3.org/2000/svg}"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A project of one 30-step blueprint in five stages, built by `blueprintgen build`, served: (folder, base URL)."""
    project = tmp_path_factory.mktemp("thirty")
    (project / "blueprints").mkdir()
    (project / "blueprints" / "thirty.yaml").write_text(
        blueprint_yaml(steps=30, seed=3, branching=0.2, looping=0.1, stages=5, blueprint_id=BLUEPRINT))
    out = project / "site"
    result = blueprintgen("build", "-o", out, cwd=project, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield out, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    assert executable, "Chromium was not found: run ./scripts/setup.sh"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def _step_lines(folder: Path) -> dict[str, list[str]]:
    """Each step card's lines of text, as the diagram's file has them: {step link: [line, …]}."""
    tree = ET.parse(folder / "blueprints" / "diagrams" / f"{BLUEPRINT}.svg")
    cards = {}
    for group in tree.iter(f"{SVG}g"):
        if "step" not in (group.get("class") or "").split():
            continue
        link = next(group.iter(f"{SVG}a"))
        href = link.get("{http://www.w3.org/1999/xlink}href")
        cards[href] = [text.text for text in group.iter(f"{SVG}text") if text.text]
    assert len(cards) == 30, f"the diagram has {len(cards)} step cards, not 30"
    return cards


def _open(page, base: str, anchor: str = ""):
    page.goto(urljoin(base, f"blueprints/{BLUEPRINT}/{anchor}"))
    page.wait_for_selector(".bpg-viewer-live")
    _settled(page)


def _settled(page):
    """svg-pan-zoom draws on the next animation frames: wait for two before measuring."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return page


# Step cards with at least one line of text wholly inside the viewer's box, and that text's size on screen.
_READABLE_CARDS = """() => {
  const box = document.querySelector('.bpg-diagram').getBoundingClientRect();
  const cards = [];
  document.querySelectorAll('.bpg-diagram svg g.step').forEach(card => {
    const shown = [...card.querySelectorAll('text')].filter(text => {
      const r = text.getBoundingClientRect();
      return r.width > 0 && r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom;
    });
    if (shown.length) {
      const text = shown[shown.length - 1];
      cards.push({href: card.querySelector('a').getAttribute('xlink:href'),
                  px: parseFloat(text.getAttribute('font-size')) * text.getScreenCTM().a});
    }
  });
  return cards;
}"""

_CARD_IN_BOX = """href => {
  const box = document.querySelector('.bpg-diagram').getBoundingClientRect();
  const link = document.querySelector('.bpg-diagram svg a[*|href="' + href + '"]');
  const r = link.closest('g.step').getBoundingClientRect();
  return {inside: r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1,
          card: [r.left, r.top, r.right, r.bottom], box: [box.left, box.top, box.right, box.bottom]};
}"""


def test_the_first_view_shows_readable_step_cards_at_the_start_of_the_journey(page, site):
    folder, base = site
    _open(page, base)
    page.evaluate("document.querySelector('.bpg-viewer').scrollIntoView()")
    cards = _settled(page).evaluate(_READABLE_CARDS)
    assert len(cards) >= 3, f"the first view shows {len(cards)} step cards: {cards}"
    assert min(card["px"] for card in cards) >= 11 - 0.05, cards
    first = list(_step_lines(folder))[0]
    assert first in {card["href"] for card in cards}, f"the first step {first} is not in the first view: {cards}"
    # The overview strip names every stage, and outlines the start of the journey.
    assert page.locator(".bpg-overview-stage").all_inner_texts() == ["Discover", "Buy", "Wait", "Problem", "Chase"]
    frame = page.locator(".bpg-overview-view").bounding_box()
    strip = page.locator(".bpg-overview").bounding_box()
    assert frame["x"] <= strip["x"] + 4 and frame["width"] < strip["width"] / 3, (frame, strip)


def test_the_headline_and_the_diagram_are_above_the_fold_and_the_measures_below(page, site):
    _, base = site
    _open(page, base)
    headline = page.locator(".bpg-headline").bounding_box()
    diagram = page.locator(".bpg-diagram").bounding_box()
    measures = page.locator("table.bpg-measures").bounding_box()
    assert page.locator(".bpg-headline-item").all_inner_texts()[0].startswith("WORST BREAK")
    assert headline["y"] + headline["height"] <= diagram["y"]
    assert diagram["y"] + 200 <= DESKTOP["height"], f"the diagram starts at y={diagram['y']}"
    assert measures["y"] > diagram["y"] + diagram["height"], "the measures are not below the diagram"
    assert page.locator("table.bpg-measures th").count() == 16
    assert page.locator(".md-sidebar--primary").is_hidden(), "the side navigation takes the diagram's room"
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), "the page scrolls sideways"


def test_tab_brings_every_step_into_view(page, site):
    folder, base = site
    _open(page, base)
    page.focus(".bpg-diagram")
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        href = page.evaluate("(document.activeElement.closest && document.activeElement.closest('g.step')) ? "
                             "document.activeElement.getAttribute('xlink:href') : null")
        if href is None:
            continue
        state = _settled(page).evaluate(_CARD_IN_BOX, href)
        assert state["inside"], f"Tab to {href}: the card is not in view {state}"
        seen.append(href)
    assert len(seen) == 30, f"Tab reached {len(seen)} of 30 step cards"


def test_an_address_naming_a_step_pans_to_it_and_a_stage_button_jumps(page, site):
    folder, base = site
    last = list(_step_lines(folder))[-1]
    _open(page, base, last)
    state = _settled(page).evaluate(_CARD_IN_BOX, last)
    assert state["inside"], f"{last} from the address is not in view: {state}"
    _open(page, base)
    page.get_by_role("button", name="Chase", exact=True).click()
    cards = _settled(page).evaluate(_READABLE_CARDS)
    chase = [href for href in _step_lines(folder) if int(href[7:9]) >= 24]   # the fifth stage: steps 24-29
    shown = {card["href"] for card in cards}
    assert chase[0] in shown and shown <= {*chase, list(_step_lines(folder))[23]}, f"Chase shows {shown}"
    # Lane names stay pinned at the left edge once the diagram's own are out of view.
    pins = page.locator(".bpg-lane-pins")
    assert pins.is_visible() and "Customer actions" in pins.inner_text()
    page.click(".bpg-readable")
    assert not _settled(page).locator(".bpg-lane-pins").is_visible()


def test_full_screen_and_escape_and_buttons_say_what_they_are_called(page, site):
    _, base = site
    _open(page, base)
    for button in page.locator(".bpg-viewer button").all():
        label = button.get_attribute("aria-label")
        assert label is None or label == button.inner_text(), f"a button shows {button.inner_text()!r}, named {label!r}"
    assert page.locator(".bpg-fit").inner_text() == "Whole journey"
    before = page.locator(".bpg-diagram").bounding_box()["height"]
    page.click(".bpg-fullscreen")
    page.wait_for_function("document.fullscreenElement === document.querySelector('.bpg-viewer') || "
                           "document.querySelector('.bpg-viewer-full') !== null")
    _settled(page)
    assert page.locator(".bpg-fullscreen").inner_text() == "Leave full screen"
    viewer = page.locator(".bpg-viewer").bounding_box()
    assert viewer["width"] >= DESKTOP["width"] - 2 and viewer["height"] >= DESKTOP["height"] - 2, viewer
    box = page.locator(".bpg-diagram").bounding_box()
    assert box["height"] >= before and box["y"] + box["height"] <= DESKTOP["height"] + 1, (before, box)
    page.keyboard.press("Escape")
    page.wait_for_function("document.fullscreenElement === null && document.querySelector('.bpg-viewer-full') === null")
    assert _settled(page).locator(".bpg-fullscreen").inner_text() == "Full screen"


def test_on_a_phone_a_swipe_scrolls_the_page_until_the_diagram_is_tapped(browser, site):
    _, base = site
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        _open(page, base)
        touch = "getComputedStyle(document.querySelector('.bpg-diagram')).touchAction"
        assert page.evaluate(touch) == "pan-y"
        assert page.locator(".bpg-touch-hint").is_visible()
        page.locator(".bpg-diagram").tap()
        assert page.evaluate(touch) == "none"
        assert not page.locator(".bpg-touch-hint").is_visible()
        page.locator("h1").tap()
        assert page.evaluate(touch) == "pan-y"
    finally:
        context.close()


def test_the_printed_page_has_the_whole_diagram_on_landscape_pages_then_the_breaks(page, site, tmp_path):
    folder, base = site
    _open(page, base)
    # No cut runs through a "Line of interaction" (or any line's) label: each is whole on some page.
    # Read on screen: in print the viewer is hidden, so its drawing has no boxes.
    labels = page.evaluate("""() => { const lanes = [...document.querySelectorAll('.bpg-print-lanes')]
        .map(svg => [svg.viewBox.baseVal.y, svg.viewBox.baseVal.y + svg.viewBox.baseVal.height]);
      const root = document.querySelector('.bpg-viewer svg g.graph');
      return [...root.querySelectorAll('g.line-label')].map(label => { const box = label.getBBox();
        const t = root.transform.baseVal.consolidate().matrix;
        const top = box.y + t.f, bottom = top + box.height;
        return lanes.some(([a, b]) => a <= top && bottom <= b) ? '' : label.textContent.trim(); }); }""")
    page.emulate_media(media="print")
    # Step text on the printed pages, in points (a CSS px is 0.75 pt).
    sizes = page.evaluate("""() => [...document.querySelectorAll('.bpg-print-body')].map(svg =>
        12 * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * 0.75)""")
    assert sizes and min(sizes) >= 7, f"step text prints at {min(sizes or [0]):.1f} pt"
    pdf = page.pdf(prefer_css_page_size=True)
    (tmp_path / "printed.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0].mediabox
    assert first.width > first.height, f"the printed page is not landscape: {first}"
    texts = [p.extract_text() for p in reader.pages]
    breaks = next(i for i, text in enumerate(texts) if re.search(r"^Breaks$", text, re.M))
    diagram = "\n".join(texts[:breaks])
    lines = _step_lines(folder)
    missing = {href: line for href, card in lines.items() for line in card if line not in diagram}
    assert not missing, f"step text missing from the printed diagram: {missing}"
    assert breaks >= 4, f"the diagram printed on {breaks} pages: too few for readable text"
    assert sum("of the diagram" in text for text in texts[:breaks + 1]) == len(sizes)
    # Tiles fill the page: at most half as many pages again as the drawing's area over a page's
    # (7 pt text: 0.78 px a unit on the 1014 x 734 px a page keeps for a tile).
    width, height = (float(v) for v in ET.parse(folder / "blueprints" / "diagrams" / f"{BLUEPRINT}.svg")
                     .getroot().get("viewBox").split()[2:])
    least = width * height * 0.78 ** 2 / (1014 * 734)
    assert len(sizes) <= 1.5 * least, f"the diagram printed on {len(sizes)} pages, {least:.1f} pages' worth"
    assert labels and not any(labels), f"a line's label is cut across pages: {labels}"
