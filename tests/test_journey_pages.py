"""Journey-map layers on the generated pages: persona, lowest moments, steps, opportunities, portfolio pages."""

import re

import pytest

from blueprintgen.analysis import analyse
from blueprintgen.loader import load_bytes, load_paths
from blueprintgen.site.pages import Layout, blueprint_page, portfolio_pages, redesigns
from helpers import EXAMPLES

LAYOUT = Layout(source_links=True)


def site_pages(analyses) -> dict[str, str]:
    """Every page as the full HTML-in-Markdown an engine without our plugin would get."""
    by_id, redesigned_by = redesigns(analyses)
    pages = {LAYOUT.path(a.blueprint.id): blueprint_page(a, True, LAYOUT, by_id, redesigned_by) for a in analyses}
    pages.update(portfolio_pages(analyses, LAYOUT))
    return {path: page.full() for path, page in pages.items() if hasattr(page, "full")}


@pytest.fixture(scope="module")
def pages():
    loaded = load_paths([str(EXAMPLES)])
    assert loaded.problems == ()
    return site_pages([analyse(b) for b in loaded.blueprints])


def _section(page: str, start: str, end: str = "<h2") -> str:
    return page.split(start, 1)[1].split(end, 1)[0]


def test_blueprint_page_has_persona_lowest_moments_and_opportunities(pages):
    page = pages["blueprints/facial-appointment-cancelled.md"]
    assert '<h2 id="persona">Persona: VIP card holder with prepaid facials</h2>' in page
    moments = _section(page, '<h3 id="lowest-moments">', "</div>")
    assert moments.index("no-follow-up") < moments.index("drop-in-other-store")   # lowest first
    assert "I was angered by the lack of communication by management" in moments
    assert '<h3 id="opportunity-owned-callback">' in page and "<li>Impact: high · effort: low</li>" in page
    # Steps carry their layers, linking to the opportunity that names them.
    step = _section(page, '<h4 id="step-voicemail-cancels">', "<h4")
    assert '<li>Opportunity: <a href="#opportunity-owned-callback">When an appointment is cancelled' in step
    step = _section(page, '<h4 id="step-no-follow-up">', "<h4")
    assert "<li>Customer feels: \u22122" in step and step.count("<li>Pain point:") == 2


def test_to_be_page_lists_the_opportunities_it_realises(pages):
    page = pages["blueprints/double-charge-refund-to-be.md"]
    realised = page.split("## Opportunities it realises", 1)[1].split("## ", 1)[0]
    assert 'href="double-charge-refund.md#opportunity-open-a-case"' in realised
    assert 'href="double-charge-refund.md#opportunity-owner-for-rectification"' in realised
    assert "discretionary" not in realised


def test_opportunities_page_has_the_matrix_with_links_and_counts_per_team(pages):
    page = pages["blueprints/opportunities.md"]
    matrix = _section(page, "## Impact × effort", "## ")
    # Effort across the top from low to high, so the caption's "quick wins are top left" holds.
    assert "<th>low effort</th><th>medium effort</th><th>high effort</th>" in matrix
    assert "quick wins (high impact, low effort) are top left" in matrix
    high_row = next(row for row in re.findall(r"<tr>.*?</tr>", matrix, re.S) if "<th>high impact</th>" in row)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", high_row, re.S)
    assert high_row.count('class="bpg-quick-win"') == 1 and '<td class="bpg-quick-win"><strong>Quick wins' in high_row
    assert "double-charge-refund.md#opportunity-owner-for-rectification" in cells[0]   # low effort: a quick win
    assert "double-charge-refund.md#opportunity-open-a-case" in cells[1]          # medium effort
    assert cells[2] == "·"                                                       # high effort: nothing
    # Each item names its blueprint.
    assert "</a> — Double charge refund that never arrives" in cells[0]
    # The quick wins come first on the page (on a phone, the first thing read), the heaviest first.
    quick = _section(page, "## Quick wins", "## Impact")
    assert page.index("## Quick wins") < page.index("## Impact × effort")
    found = re.findall(r'#opportunity-([a-z0-9-]+)"', quick)
    assert "owner-for-rectification" in found and "open-a-case" not in found
    teams = page.split("## Opportunities per team", 1)[1]
    assert re.search(r"<td>Store</td><td>3</td>", teams)


def test_personas_page_and_dashboard_lowest_emotion(pages):
    personas = pages["blueprints/personas.md"]
    assert "Dave, a patient with bad feet" in personas
    assert 'href="ortho-shoes-prescription.md#persona"' in personas
    home = pages["index.md"]
    lowest = home.split("## Lowest customer emotion", 1)[1].split("## ", 1)[0]
    rows = re.findall(r"<tr><td>.*?</tr>", lowest, re.S)
    assert len(rows) == 5 and all("<strong>\u22122</strong>" in row for row in rows[:4]) and "<strong>\u22121</strong>" in rows[4]
    assert "I felt ignored and walked out" in lowest


def test_layer_text_never_becomes_html():
    text = b"""title: T
persona: {name: "<script>alert(1)</script>", needs: ["<b>x</b>"]}
owners: {d: {name: D}}
steps:
  - {id: a, lane: customer, action: x, emotion: {score: -2, note: "<img src=x onerror=alert(1)>"}, pain: "[link](javascript:alert(1))"}
  - {id: b, lane: frontstage, owner: d, action: y, end: resolved, measures: [{name: "<i>m</i>"}]}
opportunities: [{id: o, what: "<a href=javascript:x>go</a>", steps: [a]}]
"""
    blueprint, = load_bytes(text, "t.yaml", "t").blueprints
    joined = "\n".join(site_pages([analyse(blueprint)]).values())
    # The page's one <img> is the diagram's file (class bpg-diagram-file); the note's stays text.
    for raw in ("<script>", "<img src=x", "<b>x", "<i>m", "<a href=javascript", 'href="javascript'):
        assert raw not in joined, raw
    assert "&lt;script&gt;" in joined


def test_a_team_called_customer_keeps_its_broken_handoffs_apart_from_the_customers():
    text = """\
title: Callback
owners:
  agent: {name: Agent, team: Customer}
  desk: {name: Desk, team: Billing}
channels:
  inbox: {name: Shared inbox}
steps:
  - id: calls
    lane: customer
    action: Calls about the bill
    next: [{to: answers, via: inbox}]
  - id: answers
    lane: frontstage
    owner: agent
    action: Answers the call
  - id: checks
    lane: backstage
    owner: desk
    action: Checks the bill
    end: resolved
"""
    loaded = load_bytes(text.encode(), "callback.yaml", "callback")
    assert loaded.problems == ()
    analysis = analyse(loaded.blueprints[0])
    broken = [h for h in analysis.handoffs if h.broken_by]
    # The customer -> the team called Customer, and that team -> Billing.
    assert {(h.edge.source, h.edge.to) for h in broken} >= {("calls", "answers"), ("answers", "checks")}
    pages = site_pages([analysis])
    team = next(page for path, page in pages.items() if path.startswith("blueprints/owners/team-customer"))
    owned = re.search(r"(\d+) steps? owned and (\d+) broken handoffs?", team)
    assert owned and owned.group(1) == "1" and int(owned.group(2)) >= 1
    # In the heat map the team (a link to its page) and the customer's side (plain) are two rows.
    owners = pages["blueprints/owners.md"]
    heat = owners.split("Broken handoffs between teams", 1)[1].split("</thead>", 1)[1].split("</table>", 1)[0]
    assert re.search(r'<tr><th><span title="Customer"><a [^>]*>Customer</a>', heat)
    assert '<tr><th><span title="The customer">The customer</span>' in heat


def test_tags_and_teams_typed_differently_but_shown_the_same_share_one_page():
    def blueprint(blueprint_id: str, tag: str, team: str):
        text = (f"title: {blueprint_id}\ntags: [\"{tag}\"]\nowners:\n  a: {{name: A, team: \"{team}\"}}\n"
                "steps:\n  - id: s\n    lane: frontstage\n    owner: a\n    action: Helps\n    end: resolved\n")
        loaded = load_bytes(text.encode(), f"{blueprint_id}.yaml", blueprint_id)
        assert loaded.problems == ()
        return analyse(loaded.blueprints[0])
    # Composed and decomposed é (two machines), a stray space: the same tag and team to a reader.
    pages = site_pages([blueprint("one", "Café", "Ops Team"), blueprint("two", "Cafe\u0301", "Ops  Team "),
                        blueprint("three", " Café", "Ops Team")])
    tag_pages = [path for path in pages if path.startswith("blueprints/tags/")]
    team_pages = [path for path in pages if path.startswith("blueprints/owners/")]
    assert len(tag_pages) == 1 and len(team_pages) == 1, (tag_pages, team_pages)
    for page in (pages[tag_pages[0]], pages[team_pages[0]]):
        assert all(f"{name}.md" in page for name in ("one", "two", "three"))
    assert "Café" in pages[tag_pages[0]] and "Cafe\u0301" not in pages[tag_pages[0]]   # shown composed


# -- tags that differ by case or punctuation ---------------------------------------------------

def test_tags_that_differ_by_case_or_punctuation_get_their_own_pages():
    from blueprintgen.analysis import analyse
    from blueprintgen.loader import load_bytes
    from blueprintgen.site.pages import Layout, blueprint_page, contribution, tags_pages

    text = ('title: T\ntags: [Retail, retail, "a b", "a-b", "a.b"]\n'
            "steps:\n  - {id: a, lane: customer, action: x, end: resolved}\n")
    blueprint, = load_bytes(text.encode(), "t.yaml", "t").blueprints
    layout = Layout(source_links=True)
    pages = tags_pages([contribution(analyse(blueprint), layout)], layout)
    tag_pages = sorted(path for path in pages if path.startswith("blueprints/tags/") and path.endswith(".md"))
    assert len(tag_pages) == 5                                  # one page each, none shared
    page = blueprint_page(analyse(blueprint), False, layout, {}, {}).full()
    links = re.findall(r'href="(tags/[^"]+\.md)"', page)
    assert sorted(f"blueprints/{link}" for link in links) == tag_pages   # every tag links to its own page



def test_one_customer_is_singular_and_no_opportunity_names_the_key_as_code():
    text = b"""title: Alone
owners: {d: {name: D}}
steps:
  - {id: a, lane: customer, action: Asks, emotion: -1, measures: [{name: asks, volume: 1}]}
  - {id: b, lane: frontstage, owner: d, action: Answers, end: resolved, measures: [{name: all, volume: 1200}]}
"""
    blueprint, = load_bytes(text, "t.yaml", "t").blueprints
    pages = site_pages([analyse(blueprint)])
    page = next(page for path, page in pages.items() if path.endswith("/alone.md") or path.endswith("/t.md"))
    assert "asks (1 customer)" in page and "all (1,200 customers)" in page and "1 customers" not in page
    assert "Customer feels: \u22121" in page
    assert "(see <code>opportunities:</code> in the format)" in pages["blueprints/opportunities.md"]
