"""Journey-map layers on the site: persona box, lowest moments, step layers, opportunities, and the
Personas and Opportunities pages; pure, HTML escaped by construction (markup.py).

Headings that carry a section's anchor (`persona`, `opportunity-<id>`) are HTML with our own ids,
so a search hit on a persona or an opportunity lands on its section.
"""

from __future__ import annotations

from ..words import counted, score
from .markup import Markup, html_value, join, link, render
from ..model import Blueprint, Step

__all__ = ["persona_box", "lowest_moments", "step_layers", "opportunities_section", "realised_section",
           "lowest_emotion_rows", "OPPORTUNITIES", "PERSONAS", "UNRATED"]

OPPORTUNITIES, PERSONAS = "opportunities", "personas"   # page names, reserved as blueprint ids
# The lowest moments listed on a blueprint page, and blueprints on the dashboard: enough to read at a glance.
MOMENTS_SHOWN = 5
DASHBOARD_SHOWN = 5
UNRATED = "not rated"


def _score(value: int) -> str:
    return score(value)


def _felt(score: int, note: str | None) -> Markup:
    return html_value(f"{_score(score)} — “{note}”" if note else _score(score))


def persona_box(blueprint: Blueprint) -> str:
    persona = blueprint.persona
    if persona is None:
        return ""
    return render("persona.html", persona=persona)


def lowest_moments(blueprint: Blueprint) -> str:
    """The customer's worst moments (below neutral), lowest first, with what they said."""
    felt = sorted((step.emotion.score, index, step) for index, step in enumerate(blueprint.steps)
                  if step.emotion and step.emotion.score < 0)
    if not felt:
        return ""
    items = [join([Markup("<strong>%s</strong>") % _score(score), " at ", link(f"#step-{step.id}", step.id), ": ",
                   step.action, f" — “{step.emotion.note}”" if step.emotion.note else ""], "")
             for score, _, step in felt[:MOMENTS_SHOWN]]
    more = len(felt) - MOMENTS_SHOWN
    return render("moments.html", items=items, more=more if more > 0 else 0)


def step_layers(blueprint: Blueprint, step: Step) -> list[tuple[str, object]]:
    """(name, value) items for a step's emotion, pain points, measures, cost and opportunities."""
    items: list[tuple[str, object]] = []
    if step.emotion:
        items.append(("Customer feels", _felt(step.emotion.score, step.emotion.note)))
    items.extend(("Pain point", pain) for pain in step.pain)
    for measure in step.measures:
        unit = f" {measure.unit}" if measure.unit else ""
        figures = [f"{label} {value}{unit}" for label, value in (("now", measure.value), ("target", measure.target))
                   if value]
        if measure.volume is not None:
            figures.append(counted(measure.volume, "customer"))
        items.append(("Measure", measure.name + (f" ({', '.join(figures)})" if figures else "")))
    if step.cost:
        items.append(("Cost", step.cost.text))
    for opportunity in blueprint.opportunities_by_step.get(step.id, ()):
        items.append(("Opportunity", link(f"#opportunity-{opportunity.id}", opportunity.what)))
    return items


def _owner(blueprint: Blueprint, key: str | None) -> str:
    owner = blueprint.owner_by_key.get(key) if key else None
    return owner.name if owner else "—"


def opportunities_section(blueprint: Blueprint) -> str:
    if not blueprint.opportunities:
        return ""
    items = [{"id": o.id, "what": o.what, "impact": o.impact or UNRATED, "effort": o.effort or UNRATED,
              "steps": join(link(f"#step-{s}", s) for s in o.steps) if o.steps else "—",
              "owner": _owner(blueprint, o.owner)} for o in blueprint.opportunities]
    return render("opportunities.html", opportunities=items)


def realised_section(blueprint: Blueprint, redesigned: Blueprint | None, href) -> str:
    """On a to-be page: the opportunities of the as-is blueprint that this design realises.

    `href(anchor)` is the link to that anchor on the as-is page.
    """
    if not blueprint.realises or redesigned is None:
        return ""
    by_id = {o.id: o for o in redesigned.opportunities}
    items = [join([link(href(f"opportunity-{o}"), by_id[o].what),
                   f" (impact {by_id[o].impact or UNRATED}, effort {by_id[o].effort or UNRATED})"], "")
             for o, _ in blueprint.realises if o in by_id]
    return render("links.html", items=items) if items else ""


def lowest_emotion_rows(contributions: list[dict], href) -> list[list]:
    """The dashboard's rows of the blueprints where the customer feels worst (contributions.py: `felt`);
    `href(id, anchor)`."""
    felt = sorted((c for c in contributions if c["felt"] is not None),
                  key=lambda c: (c["felt"][0], -c["felt"][1], c["id"]))
    rows = []
    for c in felt[:DASHBOARD_SHOWN]:
        lowest, _, step, said = c["felt"]
        rows.append([link(href(c["id"], ""), c["title"]), Markup("<strong>%s</strong>") % _score(lowest),
                     link(href(c["id"], f"step-{step}"), step), said])
    return rows
