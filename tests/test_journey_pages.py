"""Journey-map layers on the generated pages: persona, lowest moments, steps, opportunities, portfolio pages."""

from pathlib import Path

import pytest

from blueprintgen.analysis import analyse
from blueprintgen.loader import load_bytes, load_paths
from blueprintgen.pages import Layout, site_pages

EXAMPLES = Path(__file__).parent.parent / "blueprints"
LAYOUT = Layout()


@pytest.fixture(scope="module")
def pages():
    loaded = load_paths([str(EXAMPLES)])
    assert loaded.problems == ()
    return site_pages([analyse(b) for b in loaded.blueprints], {}, LAYOUT)


def test_blueprint_page_has_persona_lowest_moments_and_opportunities(pages):
    page = pages["blueprints/facial-appointment-cancelled.md"]
    assert '<h2 id="persona">Persona: VIP card holder with prepaid facials</h2>' in page
    moments = page.split('<h3 id="lowest-moments">')[1].split("## ")[0]
    assert moments.index("no-follow-up") < moments.index("drop-in-other-store")   # lowest first
    assert "I was angered by the lack of communication by management" in moments
    assert '<h3 id="opportunity-owned-callback">' in page and "- Impact: high · effort: low" in page
    # Steps carry their layers, linking to the opportunity that names them.
    step = page.split('<h4 id="step-voicemail-cancels">')[1].split("<h4")[0]
    assert "- Opportunity: [When an appointment is cancelled" in step and "(#opportunity-owned-callback)" in step
    step = page.split('<h4 id="step-no-follow-up">')[1].split("<h4")[0]
    assert "- Customer feels: **-2**" in step and step.count("- Pain point:") == 2


def test_to_be_page_lists_the_opportunities_it_realises(pages):
    page = pages["blueprints/double-charge-refund-to-be.md"]
    realised = page.split("## Opportunities it realises")[1].split("## ")[0]
    assert "(double-charge-refund.md#opportunity-open-a-case)" in realised
    assert "(double-charge-refund.md#opportunity-owner-for-rectification)" in realised
    assert "discretionary" not in realised


def test_opportunities_page_has_the_matrix_with_links_and_counts_per_team(pages):
    page = pages["blueprints/opportunities.md"]
    matrix = page.split('<h2 id="matrix">')[1].split("<h2")[0]
    high_row = next(line for line in matrix.splitlines() if line.startswith("| **high impact**"))
    cells = high_row.split(" | ")
    assert cells[1] == "·"                                            # high effort: nothing
    assert "double-charge-refund.md#opportunity-open-a-case" in cells[2]    # medium effort
    assert "double-charge-refund.md#opportunity-owner-for-rectification" in cells[3]   # low effort
    teams = page.split('<h2 id="teams">')[1].split("<h2")[0]
    assert "| Store | 3 |" in teams


def test_personas_page_and_dashboard_lowest_emotion(pages):
    personas = pages["blueprints/personas.md"]
    assert "Dave, a patient with bad feet" in personas and "(ortho-shoes-prescription.md#persona)" in personas
    home = pages["index.md"]
    lowest = home.split("## Lowest customer emotion")[1].split("## ")[0]
    rows = [line for line in lowest.splitlines() if line.startswith("| [")]
    assert len(rows) == 5 and all("**-2**" in row for row in rows[:4]) and "**-1**" in rows[4]
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
    pages = site_pages([analyse(blueprint)], {}, LAYOUT)
    joined = "\n".join(pages.values())
    for raw in ("<script>", "<img", "<b>x", "<i>m", "<a href=javascript", "](javascript:"):
        assert raw not in joined, raw
