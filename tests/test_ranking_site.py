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
        shown = [int(re.findall(r"<td>(\d+)</td>", row)[1]) for row in rows[:10]]   # Breaks, then Priority
        assert shown == [weight[rule][b] for b in expected[:10]] and shown == sorted(shown, reverse=True)


def test_the_team_pages_add_up_to_the_portfolio(portfolio):
    site, findings = portfolio
    total = sum(len(items) for items in findings.values())
    home = (site / "index.html").read_text()
    assert re.search(rf'<span class="bpg-figure">{total}</span>\s*<span class="bpg-label">breaks</span>', home)
    owners = site / "blueprints" / "owners"
    teams = sorted(page for page in owners.glob("*/index.html"))
    counted = {}
    for page in teams:
        said = int(re.search(r"(\d+) breaks? to fix", page.read_text())[1])
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
        assert f'<td data-label="Priority">{r.priority}<br>' in row
        assert '<details class="bpg-yaml"><summary>In the blueprint</summary>' in row   # the YAML hint, one click away
    # The team table: every team's name in full, ranked by the priority of its breaks.
    teams = home.split('id="teams-who-must-fix-what"', 1)[1].split("</table>", 1)[0]
    priorities = [int(p) for p in re.findall(r"</a></td><td>(\d+)</td>", teams)]
    assert priorities == sorted(priorities, reverse=True) and len(priorities) == 10
