"""Journey-map layers on the site: persona box, lowest moments, step layers, opportunities, Personas and
Opportunities pages, the dashboard's lowest-emotion list. Pure; every YAML text is escaped.

Kept apart from pages.py so the layers read the same whichever way pages are assembled. Headings that carry
user text are raw HTML with our own ids (MkDocs would copy Markdown heading text unescaped), so Material's
search splits sections on them and a hit on a pain point, persona or opportunity lands on its section.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict

from .analysis import Analysis
from .escape import markdown_text as md
from .model import LEVELS, Blueprint, Step

__all__ = ["persona_box", "lowest_moments", "step_layers", "opportunities_section", "realised_section",
           "opportunities_page", "personas_page", "lowest_emotion_table", "OPPORTUNITIES", "PERSONAS"]

OPPORTUNITIES, PERSONAS = "opportunities", "personas"   # page names, reserved as blueprint ids
# The lowest moments listed on a blueprint page, and blueprints on the dashboard: enough to read at a glance.
MOMENTS_SHOWN = 5
DASHBOARD_SHOWN = 5
# Opportunities listed in one matrix cell before the rest are counted.
CELL_SHOWN = 8
UNRATED = "not rated"


def _link(from_page: str, to_page: str, anchor: str = "") -> str:
    relative = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return f"{relative}#{anchor}" if anchor else relative


def _score(score: int) -> str:
    return f"{score:+d}" if score else "0"


def persona_box(blueprint: Blueprint) -> str:
    persona = blueprint.persona
    if persona is None:
        return ""
    summary = f"<p>{md(persona.summary)}</p>" if persona.summary else ""
    needs = "".join(f"<li>{md(need)}</li>" for need in persona.needs)
    needs = f"<p>Needs:</p><ul>{needs}</ul>" if needs else ""
    return (f'<div class="bpg-persona" markdown="0"><h2 id="persona">Persona: {md(persona.name)}</h2>'
            f"{summary}{needs}</div>\n")


def lowest_moments(blueprint: Blueprint) -> str:
    """The customer's worst moments (below neutral), lowest first, with what they said."""
    felt = [(step.emotion.score, index, step) for index, step in enumerate(blueprint.steps)
            if step.emotion and step.emotion.score < 0]
    if not felt:
        return ""
    items = []
    for score, _, step in sorted(felt)[:MOMENTS_SHOWN]:
        note = f" — “{md(step.emotion.note)}”" if step.emotion.note else ""
        items.append(f"- **{_score(score)}** at [{md(step.id)}](#step-{step.id}): {md(step.action)}{note}")
    more = len(felt) - MOMENTS_SHOWN
    tail = f"\n\n{more} more moments below neutral are in the steps." if more > 0 else ""
    return ('<h3 id="lowest-moments">Lowest moments</h3>\n\n'
            "Where the customer feels worst, from the emotion curve in the diagram.\n\n" + "\n".join(items) + tail + "\n")


def step_layers(blueprint: Blueprint, step: Step) -> list[str]:
    """Bullet lines for a step's emotion, pain points, measures, cost and opportunities."""
    lines = []
    if step.emotion:
        note = f" — “{md(step.emotion.note)}”" if step.emotion.note else ""
        lines.append(f"- Customer feels: **{_score(step.emotion.score)}**{note}")
    lines.extend(f"- Pain point: {md(pain)}" for pain in step.pain)
    for measure in step.measures:
        unit = f" {md(measure.unit)}" if measure.unit else ""
        figures = [f"{label} {md(value)}{unit}" for label, value in (("now", measure.value), ("target", measure.target))
                   if value]
        lines.append(f"- Measure: {md(measure.name)}" + (f" ({', '.join(figures)})" if figures else ""))
    if step.cost:
        lines.append(f"- Cost: {md(step.cost.text)}")
    for opportunity in blueprint.opportunities_by_step.get(step.id, ()):
        lines.append(f"- Opportunity: [{md(opportunity.what)}](#opportunity-{opportunity.id})")
    return lines


def _owner(blueprint: Blueprint, key: str | None) -> str:
    owner = blueprint.owner_by_key.get(key) if key else None
    return md(owner.name) if owner else "—"


def opportunities_section(blueprint: Blueprint) -> str:
    if not blueprint.opportunities:
        return ""
    parts = ["## Opportunities\n"]
    for opportunity in blueprint.opportunities:
        steps = ", ".join(f"[{md(step)}](#step-{step})" for step in opportunity.steps) or "—"
        parts.append(f'<h3 id="opportunity-{opportunity.id}">{md(opportunity.what)}</h3>\n\n'
                     f"- Impact: {opportunity.impact or UNRATED} · effort: {opportunity.effort or UNRATED}\n"
                     f"- Steps: {steps}\n- Owner: {_owner(blueprint, opportunity.owner)}\n")
    return "\n".join(parts)


def realised_section(blueprint: Blueprint, redesigned: Blueprint | None, page: str, as_is_page: str) -> str:
    """On a to-be page: the opportunities of the as-is blueprint that this design realises."""
    if not blueprint.realises or redesigned is None:
        return ""
    by_id = {o.id: o for o in redesigned.opportunities}
    items = [f"- [{md(by_id[o].what)}]({_link(page, as_is_page, 'opportunity-' + o)}) "
             f"(impact {by_id[o].impact or UNRATED}, effort {by_id[o].effort or UNRATED})"
             for o, _ in blueprint.realises if o in by_id]
    return "## Opportunities it realises\n\n" + "\n".join(items) + "\n"


def _team(blueprint: Blueprint, key: str | None) -> str:
    owner = blueprint.owner_by_key.get(key) if key else None
    return (owner.team or owner.name) if owner else "No owner"


def opportunities_page(analyses: list[Analysis], page: str, blueprint_page) -> str:
    """Every opportunity in an impact × effort matrix, counts per team, then one section per blueprint."""
    levels = (*reversed(LEVELS), None)
    cells: dict[tuple, list[str]] = defaultdict(list)
    teams: Counter = Counter()
    sections = []
    for a in sorted(analyses, key=lambda a: a.blueprint.id):
        b = a.blueprint
        if not b.opportunities:
            continue
        target = blueprint_page(b.id)
        rows = []
        for o in b.opportunities:
            link = f"[{md(o.what)}]({_link(page, target, 'opportunity-' + o.id)})"
            cells[(o.impact, o.effort)].append(link)
            teams[_team(b, o.owner)] += 1
            rows.append(f"| {link} | {o.impact or UNRATED} | {o.effort or UNRATED} | {md(_team(b, o.owner))} |")
        sections.append(f'<h3 id="from-{b.id}">{md(b.title)}</h3>\n\n| Opportunity | Impact | Effort | Team |\n'
                        "|---|---|---|---|\n" + "\n".join(rows) + "\n")
    if not sections:
        return ("---\ntitle: Opportunities\n---\n\n# Opportunities\n\n"
                "No blueprint names an opportunity yet (see `opportunities:` in the format).\n")

    def cell(impact, effort) -> str:
        links = cells[(impact, effort)]
        more = f"<br>… {len(links) - CELL_SHOWN} more" if len(links) > CELL_SHOWN else ""
        return "<br>".join(links[:CELL_SHOWN]) + more if links else "·"

    efforts = [e for e in levels if e is not None or any(k[1] is None for k in cells)]
    impacts = [i for i in levels if i is not None or any(k[0] is None for k in cells)]
    header = "| Impact \\ effort | " + " | ".join(f"{e or UNRATED} effort" for e in efforts) + " |\n"
    header += "|---" * (len(efforts) + 1) + "|\n"
    matrix = "".join(f"| **{i or UNRATED} impact** | " + " | ".join(cell(i, e) for e in efforts) + " |\n"
                     for i in impacts)
    team_rows = "".join(f"| {md(team)} | {count} |\n" for team, count in sorted(teams.items(), key=lambda t: (-t[1], t[0])))
    return "".join([
        "---\ntitle: Opportunities\n---\n\n# Opportunities\n\n",
        "What the teams could change, across all blueprints: high impact for low effort is top left.\n\n",
        '<h2 id="matrix">Impact × effort</h2>\n\n', header, matrix,
        '\n<h2 id="teams">Opportunities per team</h2>\n\n| Team | Opportunities |\n|---|---|\n', team_rows,
        '\n<h2 id="by-blueprint">By blueprint</h2>\n\n', "\n".join(sections),
    ])


def personas_page(analyses: list[Analysis], page: str, blueprint_page) -> str:
    """The journeys each persona goes through."""
    journeys: dict[str, list[Blueprint]] = defaultdict(list)
    for a in analyses:
        if a.blueprint.persona:
            journeys[a.blueprint.persona.name].append(a.blueprint)
    parts = ["---\ntitle: Personas\n---\n\n# Personas\n\nWho the journeys are for, and the journeys of each.\n"]
    for index, name in enumerate(sorted(journeys, key=str.lower), start=1):
        items = []
        for b in sorted(journeys[name], key=lambda b: (b.title, b.id)):
            summary = f": {md(b.persona.summary)}" if b.persona.summary else ""
            items.append(f"- [{md(b.title)}]({_link(page, blueprint_page(b.id), 'persona')}) ({b.status}){summary}")
        parts.append(f'\n<h2 id="persona-{index}">{md(name)}</h2>\n\n' + "\n".join(items) + "\n")
    if not journeys:
        parts.append("\nNo blueprint names a persona yet (see `persona:` in the format).\n")
    return "".join(parts)


def lowest_emotion_table(analyses: list[Analysis], page: str, blueprint_page) -> str:
    """The dashboard's list of the blueprints where the customer feels worst."""
    felt = sorted((a for a in analyses if a.metrics.lowest_emotion is not None),
                  key=lambda a: (a.metrics.lowest_emotion, -a.metrics.steps_below_neutral, a.blueprint.id))
    if not felt:
        return ""
    rows = []
    for a in felt[:DASHBOARD_SHOWN]:
        step = a.blueprint.step_by_id[a.metrics.lowest_emotion_step]
        note = md(step.emotion.note) if step.emotion.note else md(step.action)
        target = blueprint_page(a.blueprint.id)
        rows.append(f"| [{md(a.blueprint.title)}]({_link(page, target)}) | **{_score(a.metrics.lowest_emotion)}** | "
                    f"[{md(step.id)}]({_link(page, target, 'step-' + step.id)}) | {note} |")
    return ("\n## Lowest customer emotion\n\n| Blueprint | Lowest | Step | What the customer said |\n|---|---|---|---|\n"
            + "\n".join(rows) + "\n")
