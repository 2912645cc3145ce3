"""The site's pages have no serious or critical accessibility violations as axe-core finds them, at N = 10 and 1,000.

axe-core is the npm package pinned in package-lock.json (node_modules/axe-core, installed by
./scripts/setup.sh with `npm ci`). Each page is loaded in headless Chromium, axe is put into it
and run on the whole document, theme included. The pages are found by following the site's own
links (its nav, the first rule on the breaks page, the first team on the owners page, the first
blueprint the dashboard lists), so a page added to the site later is checked as the site links it.
Also: "Show more" moves the focus to the first row it adds.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from helpers import ROOT
from test_browser import browser, serve  # noqa: F401 - the browser harness's fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}
# What axe finds, worst first: WCAG failures a reader meets, which the site must not have.
FAILING = ("critical", "serious")
_RUN_AXE = """async failing => {
    const results = await axe.run(document, {resultTypes: ['violations']});
    return results.violations.filter(v => failing.includes(v.impact)).map(v =>
        `${v.id} (${v.impact}) on ${v.nodes.length} element(s), e.g. ` +
        v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ') + `: ${v.help}`);
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed ({AXE} is missing): run ./scripts/setup.sh (it runs npm ci), "
                    "then run the tests again", pytrace=False)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["N=10", "N=1000"])
def site(request, serve):  # noqa: F811 - the fixture imported above
    """The base URL of the example site (N=10) or of the generated portfolio (N=1000), served."""
    return serve(request.getfixturevalue("example_site" if request.param == "N=10" else "portfolio_site"))


@pytest.fixture
def tab(browser):  # noqa: F811 - the fixture imported above
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(60_000)   # a blueprint page of the large site is long
    yield context.new_page()
    context.close()


def _violations(tab, axe_source: str) -> list[str]:
    tab.wait_for_load_state("load")
    tab.add_script_tag(content=axe_source)
    return tab.evaluate(_RUN_AXE, list(FAILING))


def _links(tab, selector: str = "article a[href]") -> list[str]:
    """The absolute URLs of the links on the page, in document order, without fragments or repeats."""
    hrefs = tab.eval_on_selector_all(selector, "links => links.map(a => a.href)")
    return list(dict.fromkeys(href.split("#")[0] for href in hrefs))


def _our_pages(tab, base: str) -> list[str]:
    """The dashboard, and every page of ours in the site's nav (under blueprints/): the project's own
    docs pages, which the nav lists too, are the project's."""
    tab.goto(base)
    nav = [url for url in _links(tab, ".md-nav a.md-nav__link[href]")
           if url.startswith(base) and urlsplit(url).path.startswith(urlsplit(base).path + "blueprints/")]
    assert nav, f"the dashboard at {base} has no nav links to the blueprint pages"
    return [base, *nav]


def _first(tab, url: str, pattern: str, what: str) -> str:
    """The first link on the page at `url` whose URL matches `pattern` (a regex on the path)."""
    tab.goto(url)
    found = [link for link in _links(tab) if re.search(pattern, urlsplit(link).path)]
    assert found, f"{url} links to no {what}"
    return found[0]


def _a_blueprint_page(tab, base: str) -> str:
    """The first page the dashboard links to that holds a blueprint's diagram."""
    tab.goto(base)
    for link in _links(tab):
        if link.startswith(base) and re.fullmatch(r"blueprints/[^/]+/", urlsplit(link).path[len(urlsplit(base).path):]):
            tab.goto(link)
            if tab.locator(".bpg-viewer").count():
                return link
    pytest.fail(f"the dashboard at {base} links to no blueprint page")


def _in_nav(pages, folder: str) -> str:
    found = [url for url in pages if url.endswith(f"/{folder}/")]
    assert found, f"the nav names no {folder} page: {pages}"
    return found[0]


def _a_team_page(tab, base: str) -> str:
    return _first(tab, _in_nav(_our_pages(tab, base), "owners"), r"/owners/team-[a-z0-9-]+/$", "team page")


def _pages(tab, base: str) -> dict[str, str]:
    """What to check: name -> URL, found by following the site's links."""
    nav = _our_pages(tab, base)
    pages = {urlsplit(url).path: url for url in nav}
    _in_nav(nav, "opportunities")
    pages["a rule page"] = _first(tab, _in_nav(nav, "breaks"), r"/breaks/[a-z0-9-]+/$", "rule page")
    pages["a team page"] = _a_team_page(tab, base)
    pages["a blueprint page"] = _a_blueprint_page(tab, base)
    return pages


def test_every_page_has_no_serious_or_critical_violations(tab, site, axe_source):
    pages = _pages(tab, site)
    found = {}
    for name, url in pages.items():
        tab.goto(url)
        problems = _violations(tab, axe_source)
        if problems:
            found[f"{name} ({url})"] = problems
    assert len(pages) >= 8, pages   # dashboard, breaks, owners, opportunities, ..., a rule, a team, a blueprint
    assert not found, "axe-core finds serious or critical violations:\n" + "\n".join(
        f"{page}:\n  " + "\n  ".join(problems) for page, problems in found.items())


def test_the_dashboard_and_a_blueprint_page_on_a_phone(browser, site, axe_source):  # noqa: F811
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(60_000)
    tab = context.new_page()
    try:
        for url in (site, _a_blueprint_page(tab, site)):
            tab.goto(url)
            problems = _violations(tab, axe_source)
            assert not problems, f"{url} on a phone:\n" + "\n".join(problems)
    finally:
        context.close()


def test_search_results_have_no_serious_or_critical_violations(tab, site, axe_source):
    # A team's name, typed into the blueprint search box: the results list pages of every kind.
    tab.goto(_a_team_page(tab, site))
    name = tab.locator("article h1").first.inner_text().replace("¶", "").strip()
    tab.goto(site)
    box = tab.locator(".pagefind-ui__search-input")
    # The box has a visible label, which names it (not only its placeholder or title).
    assert tab.locator(f'label[for="{box.get_attribute("id")}"]').inner_text().strip().startswith("Search")
    box.fill(name)
    tab.locator(".pagefind-ui__result-link").first.wait_for()
    tab.wait_for_function("() => !document.querySelector('.pagefind-ui__loading')")   # every result shown
    problems = _violations(tab, axe_source)
    assert tab.locator(".pagefind-ui__result-link").count() >= 1
    assert not problems, f"search results for {name!r}:\n" + "\n".join(problems)


def test_show_more_moves_the_focus_to_the_first_new_row(tab, portfolio_site, serve, axe_source):  # noqa: F811
    base = serve(portfolio_site)
    for url in _our_pages(tab, base):
        tab.goto(url)
        if tab.locator("button.bpg-more").is_visible():
            break
    else:
        pytest.fail(f"no page in the nav of {base} has a list longer than a page")
    rows = tab.locator(".bpg-list tbody tr")
    shown = rows.count()
    tab.focus("button.bpg-more")
    tab.keyboard.press("Enter")
    tab.wait_for_function("n => document.querySelectorAll('.bpg-list tbody tr').length > n", arg=shown)
    focused = tab.evaluate("n => document.activeElement === document.querySelectorAll('.bpg-list tbody tr')[n]",
                           shown)
    assert focused, f"after Show more on {tab.url}, the focus is on " + tab.evaluate(
        "document.activeElement.outerHTML.slice(0, 120)")
    # Tab goes on from the new row: to its first link, not back to the top of the page.
    tab.keyboard.press("Tab")
    assert tab.evaluate("n => document.querySelectorAll('.bpg-list tbody tr')[n].contains(document.activeElement)",
                        shown)
    problems = _violations(tab, axe_source)   # the rows it added, too
    assert not problems, f"{tab.url} after Show more:\n" + "\n".join(problems)
