"""The rankings hold in a real build of a generated portfolio: rule pages, team pages, the dashboard."""

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from blueprintgen.analysis import analyse
from blueprintgen.loader import load_paths
from blueprintgen.priority import ranked_findings
from clirun import invoke
from helpers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402

COUNT = 36


pytestmark = pytest.mark.slow   # a real build, as the site's other tests


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    """A generated portfolio of COUNT blueprints (with feelings and volumes), built by the real command line."""
    folder = tmp_path_factory.mktemp("ranked")
    generate.write_blueprints(str(folder / "blueprints"), COUNT)
    result = invoke("build", "-q", "-o", folder / "site", cwd=folder)
    assert result.exit_code == 0, result.output
    loaded = load_paths([str(folder / "blueprints")])
    assert loaded.problems == ()
    analyses = [analyse(b) for b in loaded.blueprints]
    return folder / "site", {a.blueprint.id: ranked_findings(a) for a in analyses}


def _rows(page: Path) -> list[str]:
    """The rows of a page's long list: the ones in its HTML, then the ones its JSON files add on "Show more"."""
    html = page.read_text()
    body = html.rsplit('<div class="bpg-list"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    for chunk in sorted(page.parent.glob("rows-*.json"), key=lambda p: int(p.stem.split("-")[1])):
        rows += [json.dumps(row) for row in json.loads(chunk.read_text())["rows"]]
    return rows


def _count(text: str) -> int:
    """A count as the pages show it: `30,146`."""
    assert re.fullmatch(r"\d{1,3}(,\d{3})*", text), text
    return int(text.replace(",", ""))


def _blueprint_id(row: str) -> str:
    return re.search(r'(bp\d{5}-[a-z0-9-]+)/', row)[1]


def test_the_first_row_of_each_rule_page_is_the_blueprint_with_the_highest_priority_for_that_rule(portfolio):
    site, findings = portfolio
    weight: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for blueprint_id, items in findings.items():
        for r in items:
            weight[r.finding.rule][blueprint_id] += r.priority
    pages = sorted((site / "blueprints" / "breaks").glob("*/index.html"))
    assert {page.parent.name for page in pages} == set(weight) and len(pages) >= 8
    for page in pages:
        rule = page.parent.name
        expected = sorted(weight[rule], key=lambda b: (-weight[rule][b], b))
        rows = _rows(page)
        assert [_blueprint_id(row) for row in rows] == expected, rule
        shown = [_count(re.findall(r"<td>([\d,]+)</td>", row)[1]) for row in rows[:10]]   # Breaks, then Priority
        assert shown == [weight[rule][b] for b in expected[:10]] and shown == sorted(shown, reverse=True)


def test_the_team_pages_add_up_to_the_portfolio(portfolio):
    site, findings = portfolio
    total = sum(len(items) for items in findings.values())
    home = (site / "index.html").read_text()
    assert re.search(rf'<span class="bpg-figure">{total:,}</span>\s*<span class="bpg-label">breaks</span>', home)
    owners = site / "blueprints" / "owners"
    teams = sorted(page for page in owners.glob("*/index.html"))
    counted = {}
    for page in teams:
        said = _count(re.search(r"([\d,]+) breaks? to fix", page.read_text())[1])
        assert len(_rows(page)) == said, page.parent.name   # the list holds every break the intro counts
        counted[page.parent.name] = said
    assert sum(counted.values()) == total
    assert counted["no-owner"] == sum(1 for items in findings.values() for r in items if r.team is None) > 0


def test_the_dashboard_fixes_first_the_findings_of_the_highest_priority(portfolio):
    site, findings = portfolio
    worst = sorted((r for items in findings.values() for r in items), key=lambda r: r.key)[:10]
    home = (site / "index.html").read_text()
    fix_first = home.split('<div class="bpg-table bpg-fix-first"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>(.*?)</tr>", fix_first, re.S)
    assert len(rows) == 10
    for row, r in zip(rows, worst):
        assert f"/#finding-{r.finding.number}" in row and f"{r.finding.blueprint}/" in row
        assert f'<td data-label="Priority">{r.priority:,}<br>' in row
        assert '<details class="bpg-yaml"><summary>In the blueprint</summary>' in row   # the YAML hint, one click away
    # The team table: every team's name in full, ranked by the priority of its breaks.
    teams = home.split('id="teams-who-must-fix-what"', 1)[1].split("</table>", 1)[0]
    priorities = [_count(p) for p in re.findall(r"</a></td><td>([\d,]+)</td>", teams)]
    assert priorities == sorted(priorities, reverse=True) and len(priorities) == 10


def test_counts_have_thousands_separators_plurals_agree_and_feelings_have_a_real_minus(portfolio):
    site, findings = portfolio
    pages = {page: page.read_text() for page in [site / "index.html", *(site / "blueprints").glob("*/index.html"),
                                                   *(site / "blueprints" / "owners").glob("*/index.html"),
                                                   *(site / "blueprints" / "breaks").glob("*/index.html")]}
    svgs = [svg.read_text() for svg in (site / "blueprints").rglob("*.svg")]
    total = sum(len(items) for items in findings.values())
    assert re.search(rf"portfolio\S*s {total:,}\.", pages[site / "blueprints" / "owners" / "index.html"])
    separated = 0
    for page, html in pages.items():
        text = re.sub(r"<[^>]+>", " ", html.split('<article', 1)[1].split("</article>", 1)[0])
        # No count of four digits or more without its separator (ids and dates are in links and attributes).
        assert not re.search(r"(?<![\w,.:/#−-])\d{4,}(?![\w,.:/-])", text), page
        assert not re.search(r"\b1 (blueprints|breaks|customers|steps|teams|broken handoffs)\b", text), page
        # A team's, a rule's, a blueprint's wait is its longest; only a single break says "of waiting".
        if page.parent.parent.name == "owners":   # the intro, By rule and Blueprints: above the single breaks
            assert "longest wait" in text and "of waiting" not in text.split("Breaks to fix, worst first", 1)[0], page
        separated += len(re.findall(r"\b\d{1,3}(?:,\d{3})+\b", text))
        assert not re.search(r"(emotion|feeling|moment)\s+-\d", text), page
    assert separated > 50   # priorities and customers in the thousands are on these pages
    assert svgs and not any(re.search(r"\(1 customers\)|Customer feels:? -\d", svg) for svg in svgs)
    assert any("(1 customer)" in svg for svg in svgs) or not any("1 customer" in html for html in pages.values())

