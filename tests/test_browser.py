"""The built site in a real browser: dashboard, search, diagram links, hostile text, screenshots.

Each site is built by the real command line (`python -m blueprintgen build`), served
over HTTP by the standard library (Material's search worker needs http://) and driven
with Playwright in the system's headless Chromium. These tests never skip: without
Chromium they fail and say how to install it (./scripts/setup.sh).

BLUEPRINTGEN_CHROMIUM overrides the Chromium executable; BLUEPRINTGEN_SCREENSHOTS is
the folder the screenshots are saved to (default: a temporary folder).
"""

from __future__ import annotations

import functools
import gzip
import os
import re
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from helpers import EXAMPLES, blueprintgen
from helpers import project as example_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = Path(__file__).resolve().parent / "hostile_site"
SECRET = "hunter2-do-not-leak"
VIEWPORT = {"width": 1400, "height": 1000}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
SETUP_HINT = "run ./scripts/setup.sh (it installs Chromium and the test tools), then run the tests again"
# The example stories that involve a voicemail.
VOICEMAIL_BLUEPRINTS = ("facial-appointment-cancelled", "ortho-shoes-prescription")
# Characters the site must never emit: bidirectional marks, embeddings, overrides and isolates,
# which make text read differently from what it is ("Trojan source").
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# --- building and serving ----------------------------------------------------------------


def _build(cwd: Path, out: Path) -> Path:
    result = blueprintgen("build", "-o", out, cwd=cwd, timeout=120)
    assert result.returncode == 0, f"blueprintgen build failed in {cwd}:\n{result.stdout}\n{result.stderr}"
    assert (out / "index.html").is_file(), f"no index.html in {out}"
    return out


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


@pytest.fixture(scope="module")
def serve():
    """serve(folder) -> base URL ending in '/'; every server stops when the module ends."""
    servers = []

    def start(folder: Path) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def example_site(example_site, serve):
    """The bundled example site, built once per session (conftest.py), served: (folder, base URL)."""
    return example_site, serve(example_site)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, serve):
    """The hostile site, built from a copy of tests/hostile_site (so caches stay out of the repo)."""
    project = tmp_path_factory.mktemp("hostile") / "project"
    shutil.copytree(HOSTILE, project)
    assert (project / ".env").is_file(), "tests/hostile_site/.env (the fake secret) is missing"
    out = _build(project, project.parent / "site")
    return out, serve(out)


# --- the browser -------------------------------------------------------------------------


def _chromium_path() -> str:
    configured = os.environ.get("BLUEPRINTGEN_CHROMIUM")
    candidates = [configured] if configured else ["/usr/bin/chromium", shutil.which("chromium"),
                                                  shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(f"Chromium was not found ({configured or '/usr/bin/chromium, chromium on PATH'}): "
                f"{SETUP_HINT}", pytrace=False)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(f"the Playwright Python package is not installed: {SETUP_HINT}", pytrace=False)
    executable = _chromium_path()
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        except Exception as error:  # Playwright raises its own Error type with the browser's log
            pytest.fail(f"Chromium at {executable} did not start ({error}): {SETUP_HINT}", pytrace=False)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def _example_ids() -> list[str]:
    ids = []
    for file in sorted([*EXAMPLES.glob("*.yaml"), *EXAMPLES.glob("*.yml")]):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        ids.append(str(data.get("id") or file.stem))
    assert ids, "blueprints/ holds no examples"
    return ids


def _wait_for_diagram(page) -> None:
    """The viewer loads the diagram's SVG from its file in place of the page's <img> of it."""
    page.wait_for_selector(".bpg-diagram svg")
    assert page.locator(".bpg-diagram svg").count() == 1
    assert page.locator(".bpg-diagram img").count() == 0


def _heading_in_viewport(page, element_id: str) -> dict:
    return page.evaluate("""id => {
        const el = document.getElementById(id);
        if (!el) return {exists: false};
        const box = el.getBoundingClientRect();
        return {exists: true, tag: el.tagName.toLowerCase(), top: box.top, height: window.innerHeight};
    }""", element_id)


def _assert_step_heading_shown(page, step_anchor: str) -> None:
    state = _heading_in_viewport(page, step_anchor)
    assert state["exists"] and state["tag"] == "h4", f"no <h4 id={step_anchor!r}> on {page.url}: {state}"
    assert 0 <= state["top"] < state["height"], f"{step_anchor} is not scrolled into view on {page.url}: {state}"


# --- 1. the dashboard --------------------------------------------------------------------


def test_home_page_shows_the_dashboard(page, example_site):
    _, base = example_site
    page.goto(base)
    heading = page.locator("article h1").first
    assert heading.inner_text().replace("¶", "").strip() == "Service blueprints"

    cards = page.locator(".bpg-card")
    assert cards.count() >= 2, "the key-figure cards are missing"
    figures = {cards.nth(i).locator(".bpg-label").inner_text().strip(): cards.nth(i).locator(".bpg-figure")
               .inner_text().strip() for i in range(cards.count())}
    ids = _example_ids()
    assert figures.get("blueprints") == str(len(ids)), f"blueprint card shows {figures.get('blueprints')!r}, " \
                                                       f"there are {len(ids)} files in blueprints/: {figures}"
    assert cards.first.is_visible()

    links = page.eval_on_selector_all("article a[href]", "links => links.map(a => a.href)")
    for blueprint_id in ids:
        target = urljoin(base, f"blueprints/{blueprint_id}/")
        assert target in links, f"the home page does not link to {target}"
    page.locator(f'article a[href="blueprints/{ids[0]}/"]').first.click()
    page.wait_for_url(urljoin(base, f"blueprints/{ids[0]}/"))
    _wait_for_diagram(page)


# --- 2. search ---------------------------------------------------------------------------


def _search(page, base: str, query: str) -> list[str]:
    """Type `query` into the blueprint search box (Pagefind) on the home page; return the result links."""
    page.goto(base)
    box = page.locator(".pagefind-ui__search-input")
    box.fill(query)
    page.locator(".pagefind-ui__result-link").first.wait_for(state="attached")
    page.wait_for_timeout(300)   # let every result's sub-results arrive
    return page.eval_on_selector_all(".pagefind-ui__result-link", "links => links.map(a => a.href)")


def test_search_finds_a_voicemail_step_and_jumps_to_it(page, example_site):
    _, base = example_site
    links = _search(page, base, "voicemail")
    step = re.compile(r"/blueprints/(%s)/(\?[^#]*)?#step-[a-z0-9-]+$" % "|".join(VOICEMAIL_BLUEPRINTS))
    hits = [link for link in links if step.search(link)]
    assert hits, f"no search result for 'voicemail' points at a step of {VOICEMAIL_BLUEPRINTS}: {links}"

    result = page.locator(".pagefind-ui__result-link").nth(links.index(hits[0]))
    result.click()
    page.wait_for_function("() => location.hash.startsWith('#step-')")
    anchor = page.evaluate("location.hash").removeprefix("#")
    assert anchor == urlsplit(hits[0]).fragment
    page.wait_for_function("id => { const r = document.getElementById(id)?.getBoundingClientRect();"
                           " return r && r.top >= 0 && r.top < innerHeight; }", arg=anchor)
    _assert_step_heading_shown(page, anchor)


@pytest.mark.parametrize(("query", "expected"), [
    ("refund", r"/blueprints/double-charge-refund/(\?[^#]*)?(#|$)"),
    # A rule slug: the rule's section of the breaks page, or the Breaks section of a blueprint page.
    ("dead-end", r"/blueprints/breaks/(\?[^#]*)?#dead-end$|/blueprints/[a-z0-9-]+/(\?[^#]*)?#breaks$"),
    # An owner's name: the steps that owner does.
    ("Regional manager", r"/blueprints/ortho-shoes-prescription/(\?[^#]*)?#step-[a-z0-9-]+$"),
    # Journey-map layers: a pain point lands on its step, a persona on the persona box, an opportunity on its section.
    ("apart", r"/blueprints/ortho-shoes-prescription/(\?[^#]*)?#step-provider-voicemail$"),
    ("Dave", r"/blueprints/ortho-shoes-prescription/(\?[^#]*)?#persona$"),
    ("discretionary", r"/blueprints/double-charge-refund/(\?[^#]*)?#opportunity-discretionary-levers$"),
])
def test_search_finds_stories_and_rules(page, example_site, query, expected):
    _, base = example_site
    links = _search(page, base, query)
    assert any(re.search(expected, link) for link in links), f"search {query!r} found none of {expected}: {links}"


def test_search_links_keep_the_sites_base_path(page, example_site, serve):
    """A site served under a path (as a GitHub Pages project site is): every result stays under it."""
    folder, _ = example_site
    base = serve(folder.parent) + folder.name + "/"
    links = _search(page, base, "voicemail")
    assert links and all(link.startswith(base + "blueprints/") for link in links), links
    # Section titles are the headings' text, without the ¶ link that MkDocs adds to each heading.
    titles = page.eval_on_selector_all(".pagefind-ui__result-link", "links => links.map(a => a.innerText)")
    assert any("Breaks" in title for title in titles) and not any("¶" in title for title in titles), titles
    step = next(link for link in links if "#step-" in link)
    page.locator(".pagefind-ui__result-link").nth(links.index(step)).click()
    page.wait_for_function("() => location.hash.startsWith('#step-')")
    assert page.url == step and page.locator("h1").first.is_visible()


def test_search_hit_on_an_opportunity_opens_its_section(page, example_site):
    _, base = example_site
    links = _search(page, base, "discretionary")
    hit = next(link for link in links if link.endswith("#opportunity-discretionary-levers"))
    page.locator(".pagefind-ui__result-link").nth(links.index(hit)).click()
    page.wait_for_function("() => location.hash === '#opportunity-discretionary-levers'")
    page.wait_for_function("id => { const r = document.getElementById(id)?.getBoundingClientRect();"
                           " return r && r.top >= 0 && r.top < innerHeight; }", arg="opportunity-discretionary-levers")
    heading = _heading_in_viewport(page, "opportunity-discretionary-levers")
    assert heading["exists"] and heading["tag"] == "h3", heading
    assert "discretionary levers" in page.locator("#opportunity-discretionary-levers").inner_text()


# A team's name finds the team's page first (issue 25: "Unit 0" matched every page of 1,001).


def _team_page(name: str) -> str:
    from blueprintgen.site.layout import slug

    return r"/blueprints/owners/team-%s/$" % re.escape(slug(name))


def _benchmark_blueprints():
    sys.path.insert(0, str(EXAMPLES.parent / "benchmarks"))
    import generate

    return generate


@pytest.fixture(scope="module")
def units_site(tmp_path_factory, serve):
    """60 of the benchmark's blueprints, their teams renamed "Unit 0" … "Unit 8": every page has
    digits (step ids, counts, numbers) and many a "unit" (a staff step reserves one)."""
    generate = _benchmark_blueprints()
    renamed = {team: f"Unit {k}" for k, team in enumerate(dict.fromkeys(team for _, team in generate.OWNER_POOL))}
    project = tmp_path_factory.mktemp("units")
    (project / "blueprints").mkdir()
    for index in range(60):
        data = generate.blueprint_data(index)
        for owner in data["owners"].values():
            owner["team"] = renamed[owner["team"]]
        (project / "blueprints" / f"{data['id']}.yaml").write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = _build(project, project / "site")
    return out, serve(out), sorted(renamed.values())


def _shown(page, base: str, query: str) -> list[str]:
    """The links the search box shows for `query`, top to bottom: the team, tag or rule named so, then
    Pagefind's results."""
    _search(page, base, query)
    return page.eval_on_selector_all(".bpg-named a, .pagefind-ui__result-link",
                                     "links => links.filter(a => a.offsetParent !== null).map(a => a.href)")


def _first_result(page, base: str, query: str) -> str:
    links = _shown(page, base, query)
    assert links, f"search {query!r} found nothing"
    return links[0]


def test_a_teams_name_finds_its_page_first(page, units_site):
    _, base, teams = units_site
    for team in teams:
        first = _first_result(page, base, team)
        assert re.search(_team_page(team), first), f"search {team!r} first finds {first}, not its team page"


@pytest.mark.parametrize("team", ["Wellness provider", "Store back office", "New manager", "Doctor's office"])
def test_a_teams_name_finds_its_page_first_in_the_examples(page, example_site, team):
    _, base = example_site
    first = _first_result(page, base, team)
    assert re.search(_team_page(team), first), f"search {team!r} first finds {first}, not its team page"


@pytest.fixture(scope="module")
def portfolio(portfolio_site, serve):
    """The site of 1,000 generated blueprints (conftest.py), served: (folder, base URL)."""
    return portfolio_site, serve(portfolio_site)


def test_a_teams_name_finds_its_page_first_among_1000_blueprints(page, portfolio):
    _, base = portfolio
    generate = _benchmark_blueprints()
    for team in sorted({team for _, team in generate.OWNER_POOL}):
        pages = list(dict.fromkeys(link.split("#")[0] for link in _shown(page, base, team)))   # not sections
        assert pages, f"search {team!r} found nothing"
        if team.lower().replace(" ", "-") in generate.TAG_POOL:
            # A tag of that name too ("field-service"): its page and the team's come first, both about it.
            assert any(re.search(_team_page(team), url) for url in pages[:2]), (team, pages[:3])
        else:
            assert re.search(_team_page(team), pages[0]), f"search {team!r} first finds {pages[:3]}"


# The index in parts (issue 24): the search box merges them, after a change too.

BUILD_IN_PARTS = """\
import sys
import blueprintgen.site.search_pages
blueprintgen.site.search_pages.PART_PAGES = 2   # the 7 examples in parts 2 and 4 (of 4), beside the primary
from blueprintgen.cli import main
sys.argv = ["blueprintgen", "build", "-q", "-o", "site"]
main()
"""


def test_search_merges_the_parts_of_the_index_after_one_change(page, tmp_path, serve):
    project = tmp_path / "project"
    example_project(project)

    def build():
        result = subprocess.run([sys.executable, "-c", BUILD_IN_PARTS], cwd=project, capture_output=True,
                                text=True, timeout=180)
        assert result.returncode == 0, result.stderr

    build()
    shoes = project / "blueprints" / "ortho-shoes-prescription.yaml"
    shoes.write_text(shoes.read_text().replace("action: Gives the patient", "action: Xylophonically gives the patient", 1))
    build()   # that page's part made again, the others from the cache
    site = project / "site"
    assert (site / "pagefind" / "parts.js").read_text() == 'window.blueprintgenSearchParts = ["part-2/", "part-4/"];\n'
    base = serve(site)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if "/pagefind/" in request.url else None)
    # The changed text (part 2), another part's (part 4), a page across blueprints (the primary).
    for query, expected in (("Xylophonically", r"/blueprints/ortho-shoes-prescription/(\?[^#]*)?#step-[a-z0-9-]+$"),
                            ("headset", r"/blueprints/beauty-store-headset-help/(\?[^#]*)?(#|$)"),
                            ("Wellness provider", _team_page("Wellness provider"))):
        fetched.clear()
        links = _search(page, base, query)
        assert any(re.search(expected, link) for link in links), f"search {query!r} found none of {expected}: {links}"
        pages = page.eval_on_selector_all(".pagefind-ui__result-link:not(.pagefind-ui__result-nested a)",
                                          "links => links.map(a => a.href)")
        assert len(pages) == len(set(pages)), f"search {query!r} shows a page twice: {pages}"
        # Each file once (the preload and the interface share one Pagefind), and the parts use the
        # primary's WebAssembly: none of their own.
        files = [url.split("?")[0] for url in fetched]
        assert len(files) == len(set(files)), sorted(files)
        assert any("/pagefind/part-4/" in url for url in files) and not [
            url for url in files if "/part-" in url and "wasm" in url], files


# --- 3. diagram nodes link to their step -------------------------------------------------


def test_diagram_node_click_jumps_to_its_step(page, example_site):
    _, base = example_site
    page.goto(urljoin(base, "blueprints/facial-appointment-cancelled/"))
    page.wait_for_selector(".bpg-viewer-live")
    page.click(".bpg-fit")   # the viewer opens zoomed in on the start: show every step to click one
    nodes = page.locator(".bpg-diagram svg a")
    hrefs = nodes.evaluate_all("links => links.map(a => a.getAttribute('xlink:href') || a.getAttribute('href'))")
    steps = [(i, href) for i, href in enumerate(hrefs) if href and re.fullmatch(r"#step-[a-z0-9-]+", href)]
    assert steps, f"no diagram node links to a #step-<id> anchor: {hrefs}"
    chosen = [pair for pair in steps if pair[1] == "#step-voicemail-cancels"] or steps
    index, href = chosen[0]
    nodes.nth(index).click()
    page.wait_for_function("hash => location.hash === hash", arg=href)
    assert page.locator(f"h4{href}").count() == 1, f"the diagram links to {href} but there is no h4{href}"
    _assert_step_heading_shown(page, href[1:])
    # Every step link of the diagram has its heading on the page.
    for _, other in steps:
        assert page.locator(f"h4{other}").count() == 1, f"diagram link {other} has no h4 on the page"


class _Anchors(HTMLParser):
    """Every element id (and <a name>) of a page, and its same-page #fragment links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.fragments: set[str] = set()
        self.diagrams: list[str] = []   # the diagram files the viewer puts into the page

    def handle_starttag(self, tag, attrs):
        if tag == "img" and ("class", "bpg-diagram-file") in attrs:
            self.diagrams.append(dict(attrs)["src"])
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.append(value or "")
            elif name in ("href", "xlink:href") and value and value.startswith("#") and len(value) > 1:
                self.fragments.add(value[1:])


# --- 3b. the diagram viewer (vendored svg-pan-zoom + viewer.js) --------------------------

_STEP_TEXT_PX = """() => {
    const text = document.querySelector('.bpg-diagram svg g.step text');
    return parseFloat(text.getAttribute('font-size')) * text.getScreenCTM().a;
}"""
_DIAGRAM_IN_BOX = """() => {
    const box = document.querySelector('.bpg-diagram').getBoundingClientRect();
    const drawing = document.querySelector('.bpg-diagram svg g.blueprint').getBoundingClientRect();
    return {box: [box.left, box.top, box.right, box.bottom], drawing: [drawing.left, drawing.top, drawing.right, drawing.bottom]};
}"""


def _settled(page):
    """svg-pan-zoom draws on the next animation frames: wait for two before measuring."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return page


def _text_px(page) -> float:
    return _settled(page).evaluate(_STEP_TEXT_PX)


def _open_viewer(page, base: str, blueprint: str = "ortho-shoes-prescription"):
    page.goto(urljoin(base, f"blueprints/{blueprint}/"))
    page.wait_for_selector(".bpg-viewer-live")
    page.locator(".bpg-diagram").scroll_into_view_if_needed()


def _inside(inner, outer, slack: float = 2.0) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def test_diagram_opens_at_a_readable_scale_and_the_page_never_scrolls_sideways(page, example_site):
    _, base = example_site
    for blueprint in ("ortho-shoes-prescription", "facial-appointment-cancelled"):
        _open_viewer(page, base, blueprint)
        size = _text_px(page)
        assert size >= 10, f"step text of {blueprint} opens at {size:.1f}px on screen, under 10px"
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), "the page scrolls sideways"
        assert page.locator(".bpg-full").get_attribute("href") == f"../diagrams/{blueprint}.svg"


def test_wheel_zooms_the_diagram_in_and_out(page, example_site):
    _, base = example_site
    _open_viewer(page, base)
    start = _text_px(page)
    page.locator(".bpg-diagram").hover()
    for _ in range(3):
        page.mouse.wheel(0, -120)
        _settled(page)
    zoomed_in = _text_px(page)
    assert zoomed_in > start * 1.1, f"wheel up did not zoom in: {start:.1f}px -> {zoomed_in:.1f}px"
    for _ in range(6):
        page.mouse.wheel(0, 120)
        _settled(page)
    assert _text_px(page) < zoomed_in / 1.1, "wheel down did not zoom out"


def test_zoom_buttons_fit_and_keyboard(page, example_site):
    _, base = example_site
    _open_viewer(page, base)
    start = _text_px(page)
    page.click(".bpg-zoom-in")
    bigger = _text_px(page)
    assert bigger > start * 1.1
    page.click(".bpg-zoom-out")
    page.click(".bpg-zoom-out")
    assert _text_px(page) < bigger / 1.2
    state = _settled(page).evaluate(_DIAGRAM_IN_BOX)
    assert not _inside(state["drawing"], state["box"]), "a readable diagram of 15 steps should not fit the box"
    page.click(".bpg-fit")
    state = _settled(page).evaluate(_DIAGRAM_IN_BOX)
    assert _inside(state["drawing"], state["box"]), f"Fit leaves part of the diagram outside its box: {state}"
    page.click(".bpg-readable")
    assert abs(_text_px(page) - start) < 0.5, "1:1 does not return to the readable scale"

    # The keyboard: focus the diagram, then + / - / 0 / arrows.
    page.focus(".bpg-diagram")
    page.keyboard.press("+")
    assert _text_px(page) > start * 1.1
    before = page.locator(".bpg-diagram svg g.step text").first.bounding_box()
    page.keyboard.press("ArrowRight")
    _settled(page)
    after = page.locator(".bpg-diagram svg g.step text").first.bounding_box()
    assert after["x"] < before["x"] - 20, "ArrowRight did not pan"
    page.keyboard.press("0")
    state = _settled(page).evaluate(_DIAGRAM_IN_BOX)
    assert _inside(state["drawing"], state["box"]), "0 does not fit the diagram"


def test_print_shows_the_whole_diagram_on_pages_of_its_own_and_no_buttons(page, example_site):
    _, base = example_site
    _open_viewer(page, base)
    page.click(".bpg-zoom-in")
    page.emulate_media(media="print")
    # The live viewer gives way to the printed pages: slices of the same drawing, lane names on each.
    assert page.locator(".bpg-viewer").is_hidden() and page.locator(".bpg-viewer-tools").is_hidden()
    pages = page.locator(".bpg-print-page")
    assert pages.count() >= 2
    for index in range(pages.count()):
        lanes = pages.nth(index).locator("svg.bpg-print-lanes").bounding_box()
        body = pages.nth(index).locator("svg.bpg-print-body").bounding_box()
        # Lane names, then the slice: together as wide as a landscape A4 or Letter page prints (975 CSS px).
        assert lanes["width"] > 50 and body["width"] > 100 and body["x"] + body["width"] - lanes["x"] <= 976, body
    page.emulate_media(media="screen")
    assert page.locator(".bpg-print").is_hidden()
    assert _text_px(page) > 11, "after printing the viewer is not where the reader left it"


def test_dragging_pans_and_does_not_follow_a_link(page, example_site):
    _, base = example_site
    _open_viewer(page, base)
    url = page.url
    text = page.locator(".bpg-diagram svg g.step text").first
    before = text.bounding_box()
    box = page.locator(".bpg-diagram").bounding_box()
    x, y = before["x"] + 5, before["y"] + 3   # start the drag on a step card, which is a link
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y - 40, steps=8)
    page.mouse.up()
    _settled(page)
    after = text.bounding_box()
    assert abs((before["x"] - after["x"]) - 150) < 5 and abs((before["y"] - after["y"]) - 40) < 5, (before, after)
    assert page.url == url, "a drag that ended on a step card followed its link"
    assert box == page.locator(".bpg-diagram").bounding_box(), "the box moved: the page scrolled"


@pytest.mark.parametrize("how", ["script off", "file://"])
def test_without_script_or_fetch_the_diagram_stays_an_image(browser, example_site, how):
    folder, base = example_site
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=how != "script off")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        if how == "file://":   # the browser refuses to fetch file:// URLs: the viewer cannot load the SVG
            url = (folder / "blueprints" / "ortho-shoes-prescription" / "index.html").as_uri()
            with page.expect_console_message(lambda message: "the diagram stays an image" in message.text):
                page.goto(url)
        else:
            page.goto(urljoin(base, "blueprints/ortho-shoes-prescription/"))
        image = page.locator(".bpg-diagram img.bpg-diagram-file")
        image.wait_for()
        assert image.get_attribute("alt") == "Service blueprint diagram of Orthopaedic shoe prescription lost between providers"
        drawn = image.evaluate("i => i.decode().then(() => [i.naturalWidth, i.getBoundingClientRect().width])")
        assert drawn[0] > 2000 and abs(drawn[1] - drawn[0]) < 2, f"the diagram is not shown at natural size: {drawn}"
        box = page.locator(".bpg-diagram")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the diagram's box does not scroll"
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), "the page scrolls sideways"
        assert page.locator(".bpg-diagram svg").count() == 0 and page.locator(".bpg-viewer-live").count() == 0
        assert page.locator(".bpg-zoom-in").is_hidden(), "zoom buttons that cannot work are shown"
        assert page.locator(".bpg-full").get_attribute("href") == "../diagrams/ortho-shoes-prescription.svg"
    finally:
        context.close()


@pytest.fixture(scope="module")
def instant_site(tmp_path_factory, serve):
    """Two examples in a site with Material's instant navigation: pages arrive without a reload.

    Material navigates instantly only to the URLs of the sitemap, made from `site_url`: the
    server's port is chosen first (the folder is served once the build has written it).
    """
    project = tmp_path_factory.mktemp("instant")
    example_project(project, "double-charge-refund", "ortho-shoes-prescription")
    base = serve(project / "site")
    (project / "mkdocs.yml").write_text(f"site_name: Instant\nsite_url: {base}\ntheme:\n  name: material\n"
                                        f"  font: false\n  features: [navigation.instant]\nplugins:\n  - blueprints\n")
    return _build(project, project / "site"), base


def test_instant_navigation_loads_the_diagram_of_each_page(page, instant_site):
    _, base = instant_site
    page.goto(base)
    page.evaluate("window.sameDocument = true")   # gone if the browser loads a new document
    for blueprint in ("ortho-shoes-prescription", "double-charge-refund"):
        page.locator(f'article a[href$="blueprints/{blueprint}/"]').first.click()
        page.wait_for_url(urljoin(base, f"blueprints/{blueprint}/"))
        page.wait_for_selector(".bpg-viewer-live")
        _wait_for_diagram(page)
        assert page.evaluate("window.sameDocument === true"), "the page was reloaded: instant navigation is off"
        assert _text_px(page) >= 10
        page.click(".bpg-fit")
        link = page.locator(".bpg-diagram svg g.step a").first
        href = link.get_attribute("xlink:href")
        link.click()
        page.wait_for_function("hash => location.hash === hash", arg=href)
        _assert_step_heading_shown(page, href[1:])
        page.go_back()
        page.go_back()
        page.wait_for_url(base)


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory, serve):
    """`blueprintgen generate` built by Zensical, which knows nothing of our plugin."""
    project = tmp_path_factory.mktemp("zensical")
    example_project(project, "facial-appointment-cancelled")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Handbook\n")
    (project / "mkdocs.yml").write_text("site_name: Zensical team\n")
    for command in (["blueprintgen", "generate"], ["zensical", "build"]):
        result = subprocess.run([sys.executable, "-m", *command], cwd=project, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return project / "site", serve(project / "site")


def test_the_viewer_loads_the_diagram_on_a_zensical_site(page, zensical_site):
    _, base = zensical_site
    page.goto(urljoin(base, "blueprints/facial-appointment-cancelled/"))
    page.wait_for_selector(".bpg-viewer-live")
    _wait_for_diagram(page)
    assert _text_px(page) >= 10
    page.click(".bpg-fit")
    page.locator('.bpg-diagram svg a[*|href="#step-voicemail-cancels"]').first.click()
    page.wait_for_function("() => location.hash === '#step-voicemail-cancels'")
    _assert_step_heading_shown(page, "step-voicemail-cancels")


def _anchors(folder: Path) -> dict[str, _Anchors]:
    pages = {}
    for path in sorted(folder.rglob("*.html")):
        parser = _Anchors()
        parser.feed(path.read_text(encoding="utf-8"))
        for source in list(parser.diagrams):   # its ids and links are the page's once the viewer loads it
            parser.feed((path.parent / source).read_text(encoding="utf-8"))
        parser.close()
        pages[path.relative_to(folder).as_posix()] = parser
    return pages


@pytest.mark.parametrize("site", ["example_site", "hostile_site"])
def test_every_same_page_link_has_its_target(request, site):
    folder, _ = request.getfixturevalue(site)
    pages = _anchors(folder)
    assert any(anchors.diagrams for anchors in pages.values()), "no page shows a diagram"
    broken = [f"{page}: #{fragment}" for page, anchors in pages.items()
              for fragment in sorted(anchors.fragments - set(anchors.ids))]
    assert not broken, "links to anchors that are not on the page:\n" + "\n".join(broken[:30])


@pytest.mark.parametrize("site", ["example_site", "hostile_site"])
def test_element_ids_are_unique(request, site):
    folder, _ = request.getfixturevalue(site)
    duplicates = [f"{page}: {sorted({i for i in anchors.ids if anchors.ids.count(i) > 1})}"
                  for page, anchors in _anchors(folder).items() if len(set(anchors.ids)) != len(anchors.ids)]
    assert not duplicates, "duplicate element ids:\n" + "\n".join(duplicates[:30])


# --- 3c. long lists: the first rows in the page, the rest on request ----------------------


@pytest.fixture(scope="module")
def many_site(tmp_path_factory, serve):
    """25 blueprints whose titles are markup: lists longer than a page, rows added from JSON."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from blueprint_factory import blueprint_yaml

    project = tmp_path_factory.mktemp("many")
    (project / "blueprints").mkdir()
    for index in range(25):
        title = f"<img src=x onerror=alert({index})> Journey {index:02d}"
        (project / "blueprints" / f"b{index:02d}.yaml").write_text(
            blueprint_yaml(steps=8, seed=index, branching=0.2, title=title, blueprint_id=f"b{index:02d}"))
    out = _build(project, project / "site")
    return out, serve(out)


def test_the_team_heat_map_fits_the_content_column_with_one_scroller_at_most(page, example_site):
    _, base = example_site
    page.set_viewport_size({"width": 1300, "height": 1000})
    page.goto(urljoin(base, "blueprints/owners/"))
    matrix = page.locator(".bpg-matrix")
    assert page.locator(".bpg-matrix th").count() >= 9 * 2 - 1   # eight teams and the customer's side
    widths = matrix.evaluate("m => [m.scrollWidth, m.clientWidth]")
    assert widths[0] <= widths[1], widths                        # nothing cut off at the right
    assert page.locator(".bpg-matrix .md-typeset__scrollwrap").count() == 0   # not Material's scroller too
    assert page.locator('.bpg-matrix th span[title="The customer"]').count() == 2
    # Team names are never cut: each label shows its whole name, on as many lines as it needs.
    cut = page.evaluate("""() => [...document.querySelectorAll('.bpg-heat-map th span')]
        .filter(s => s.scrollWidth > s.clientWidth + 1 || getComputedStyle(s).textOverflow === 'ellipsis')
        .map(s => s.title)""")
    assert cut == []
    assert page.locator('.bpg-heat-map th span[title="Local location of an 800-location chain"] a').first.inner_text() \
        .split() == "Local location of an 800-location chain".split()


# Each table on a phone: one scroller as wide as the content column (never Material's widened one
# inside ours, which cut the table at the column's edge), every cell reachable by scrolling it.
_TABLES_ON_A_PHONE = """() => [...document.querySelectorAll('.bpg-table, .bpg-matrix')].map(box => {
    const inner = box.querySelector('.md-typeset__scrollwrap') || box;
    inner.scrollLeft = inner.scrollWidth;
    const table = box.querySelector('table').getBoundingClientRect(), seen = inner.getBoundingClientRect();
    return {outer: box.scrollWidth - box.clientWidth, reached: table.right <= seen.right + 1,
            inside: seen.left >= box.getBoundingClientRect().left - 1 && seen.right <= innerWidth};
})"""

# Where a rule's name (a code link in a cell) goes onto a second line: only after a hyphen, never mid-word.
_BROKEN_NAMES = """() => [...document.querySelectorAll('td a > code')].flatMap(code => {
    const text = code.firstChild, range = document.createRange(), bad = [];
    if (!text || text.nodeType !== 3) return bad;
    let top = null;
    for (let i = 0; i < text.length; i++) {
        range.setStart(text, i); range.setEnd(text, i + 1);
        const now = Math.round(range.getBoundingClientRect().top);
        if (top !== null && now > top + 2 && text.data[i - 1] !== '-') bad.push(text.data);
        top = now;
    }
    return bad;
})"""


def test_tables_on_a_phone_scroll_in_their_own_box_and_rule_names_break_only_at_hyphens(page, example_site):
    _, base = example_site
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("", "blueprints/breaks/unrecovered-failure/", "blueprints/opportunities/",
                 "blueprints/owners/team-department-store-first-store-9f4ff4/"):
        page.goto(urljoin(base, path))
        boxes = page.evaluate(_TABLES_ON_A_PHONE)
        assert boxes and all(b["outer"] <= 1 and b["reached"] and b["inside"] for b in boxes), (path, boxes)
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), path
        assert page.evaluate(_BROKEN_NAMES) == [], path
    assert "unrecovered-failure" in page.locator(".bpg-table td code").all_inner_texts()   # the team page's By rule


def test_show_more_adds_the_next_rows_as_text_with_working_links(page, many_site):
    _, base = many_site
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(urljoin(base, "blueprints/all/"))
    rows = page.locator(".bpg-list tbody tr")
    assert rows.count() == 10
    assert page.locator(".bpg-more-rows").inner_text() == "10 of 25 shown."   # the data links are for no script
    page.click("button.bpg-more")
    page.wait_for_function("() => document.querySelectorAll('.bpg-list tbody tr').length === 25")
    assert page.locator("button.bpg-more").is_hidden()
    assert page.locator(".bpg-more-rows").inner_text() == "25 of 25 shown."
    last = rows.nth(24).locator("td").first
    assert "<img src=x onerror=alert(" in last.inner_text()   # shown as text, never as markup
    assert page.locator(".bpg-list img").count() == 0
    href = last.locator("a").get_attribute("href")
    assert re.fullmatch(r"\.\./b\d\d/", href), href
    last.locator("a").click()
    page.wait_for_url(re.compile(r"/blueprints/b\d\d/$"))
    _wait_for_diagram(page)
    assert not dialogs, dialogs


# --- 4. hostile text stays text ----------------------------------------------------------


class _Scan(HTMLParser):
    """Collects live-code findings in an HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        _check_element(tag, attrs, self.findings)
        if tag == "script":
            self._script = []

    def handle_startendtag(self, tag, attrs):
        _check_element(tag, attrs, self.findings)

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            text = "".join(self._script)
            if "alert" in text:
                self.findings.append(f"<script> runs {text[:120]!r}")
            self._script = None


def _url_scheme(value: str) -> str:
    # Browsers drop whitespace and control characters and ignore case in a URL scheme.
    return re.sub(r"[\x00-\x20\x7f]+", "", value).lower()


def _check_element(tag: str, attrs, findings: list[str]) -> None:
    for name, value in attrs:
        name, value = name.lower(), value or ""
        local = name.rsplit(":", 1)[-1].rsplit("}", 1)[-1]
        if local.startswith("on") and "alert" in value:
            findings.append(f"<{tag} {name}={value[:120]!r}>")
        if local in ("href", "src", "action", "formaction", "srcdoc", "data") and \
                _url_scheme(value).startswith(("javascript:", "data:", "vbscript:")):
            findings.append(f"<{tag} {name}={value[:120]!r}>")


def _scan_svg(text: str) -> list[str]:
    findings: list[str] = []
    for element in ET.fromstring(text).iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else str(element.tag)
        if tag == "script" and "alert" in "".join(element.itertext()):
            findings.append(f"<script> in svg: {''.join(element.itertext())[:120]!r}")
        _check_element(tag, list(element.attrib.items()), findings)
    return findings


def test_hostile_text_stays_text(page, hostile_site):
    folder, base = hostile_site
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(f"{dialog.type}: {dialog.message}"), dialog.dismiss()))

    pages = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.html"))
    ids = sorted(file.stem for file in (HOSTILE / "blueprints").glob("*.yaml"))
    for blueprint_id in ids:
        assert f"blueprints/{blueprint_id}/index.html" in pages, f"no page for hostile blueprint {blueprint_id}"
    for expected in ("index.html", "blueprints/breaks/index.html", "blueprints/owners/index.html",
                     "blueprints/tags/index.html"):
        assert expected in pages
    for relative in pages:
        page.goto(urljoin(base, relative.removesuffix("index.html")))
        if page.locator(".bpg-diagram").count():
            _wait_for_diagram(page)
        nodes = page.locator(".bpg-diagram svg g.step a")
        if nodes.count():  # hover a step node: its tooltip carries the step's text
            nodes.first.hover()
        page.wait_for_timeout(50)
        assert not dialogs, f"a payload ran on {relative}: {dialogs}"

    page.goto(urljoin(base, "blueprints/hostile-markup/"))
    text = page.locator("article").inner_text()
    for literal in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
                    '{ onclick="alert(1)" }', "&#60;script&#62;alert(1)&#60;/script&#62;", ":smile:",
                    '--8<-- ".env"', '\\N \\G \\\\ "', "a:b"):
        assert literal in text, f"the hostile-markup page does not show {literal!r} as text"
    assert page.title().startswith("<script>alert(1)</script> Hostile markup")
    _wait_for_diagram(page)
    diagram = page.locator(".bpg-diagram svg").text_content()
    assert "<script>alert(1)</script>" in diagram and '\\N \\G \\\\ "' in diagram
    page.goto(urljoin(base, "blueprints/hostile-title/"))
    assert page.title().startswith("</title><script>alert(1)</script>")
    assert not dialogs, dialogs

    findings: list[str] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        assert SECRET.encode() not in data, f"the secret from .env leaked into {path.relative_to(folder)}"
        if path.suffix in (".html", ".svg"):
            text = data.decode("utf-8")
            relative = path.relative_to(folder).as_posix()
            if path.suffix == ".html":
                scan = _Scan()
                scan.feed(text)
                scan.close()
                found = scan.findings
            else:
                found = _scan_svg(text)
            findings += [f"{relative}: {finding}" for finding in found]
            bidi = {f"U+{ord(c):04X}" for c in BIDI_CONTROLS.findall(text)}
            assert not bidi, f"{relative} contains direction-changing characters {bidi}"
    assert not findings, "live code in the hostile site:\n" + "\n".join(findings[:30])


def test_the_viewer_puts_in_no_live_code_even_from_a_tampered_diagram(page, example_site):
    """Our diagrams hold no script (the test above); the viewer would not run one from a changed file either."""
    folder, base = example_site
    svg = (folder / "blueprints" / "diagrams" / "ortho-shoes-prescription.svg").read_text(encoding="utf-8")
    payload = ('<script>alert(2)</script><a href="javascript:alert(3)"><text id="bad" onclick="alert(4)">x</text></a>'
               '<foreignObject><img xmlns="http://www.w3.org/1999/xhtml" src="x" onerror="alert(5)"/></foreignObject>')
    tampered = svg.replace("<svg ", '<svg onload="alert(1)" ', 1).replace("</svg>", payload + "</svg>")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.route("**/diagrams/ortho-shoes-prescription.svg",
               lambda route: route.fulfill(body=tampered, content_type="image/svg+xml"))
    _open_viewer(page, base)
    _wait_for_diagram(page)
    page.evaluate("document.getElementById('bad').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    page.wait_for_timeout(300)
    assert not dialogs, f"the tampered diagram ran code: {dialogs}"
    left = page.evaluate("""() => {
        const svg = document.querySelector('.bpg-diagram svg');
        return [...svg.querySelectorAll('script, foreignObject, [onload], [onclick], [onerror]')].map(e => e.localName)
            .concat(svg.hasAttribute('onload') ? ['svg onload'] : [])
            .concat([...svg.querySelectorAll('a')].map(a => a.getAttribute('href') || '').filter(h => h.includes(':')));
    }""")
    assert not left, f"live parts of the tampered diagram are on the page: {left}"
    assert page.locator(".bpg-diagram svg g.step").count() > 10, "the diagram itself is gone"


# --- 5. screenshots ----------------------------------------------------------------------


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    folder = Path(os.environ.get("BLUEPRINTGEN_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_screenshots(page, example_site, hostile_site, screenshot_dir):
    _, base = example_site
    shots = {}
    page.goto(base)
    shots["home.png"] = page.screenshot(path=screenshot_dir / "home.png")
    page.goto(urljoin(base, "blueprints/facial-appointment-cancelled/"))
    page.wait_for_selector(".bpg-viewer-live")
    shots["blueprint.png"] = page.screenshot(path=screenshot_dir / "blueprint.png")
    page.locator(".bpg-diagram").scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # let Material's header finish swapping site name for page title
    shots["blueprint-diagram.png"] = page.screenshot(path=screenshot_dir / "blueprint-diagram.png")
    page.goto(urljoin(base, "blueprints/facial-appointment-cancelled/#step-voicemail-cancels"))
    shots["blueprint-step.png"] = page.screenshot(path=screenshot_dir / "blueprint-step.png")
    _, hostile_base = hostile_site
    page.goto(urljoin(hostile_base, "blueprints/hostile-markup/"))
    shots["hostile.png"] = page.screenshot(path=screenshot_dir / "hostile.png", full_page=True)
    page.goto(urljoin(hostile_base, "blueprints/hostile-unicode/"))
    shots["hostile-unicode.png"] = page.screenshot(path=screenshot_dir / "hostile-unicode.png")
    for name, data in shots.items():
        file = screenshot_dir / name
        assert file.is_file() and file.stat().st_size > 1000, f"{file} is missing or empty"
        assert file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" == data[:8], f"{file} is not a PNG"
