"""Every break by rule: the breaks index, a page per rule, and the rules page that explains each rule."""

from __future__ import annotations

from collections import defaultdict

from ..analysis import Analysis, Finding
from ..rules import RULES
from .layout import (Layout, Page, Rows, assemble, counted, front_matter, heading, paged, paragraphs,
                     severity_summary, table, with_code)
from .markup import join, link

__all__ = ["breaks_pages", "rules_page", "TOP_ENTRIES"]

TOP_ENTRIES = 3       # entries of each rule shown on the breaks index


def _by_rule(analyses: list[Analysis]) -> dict[str, list[tuple[Analysis, list[Finding]]]]:
    """For each rule, the blueprints it fires in (by id) with their findings of it."""
    found: dict[str, list[tuple[Analysis, list[Finding]]]] = defaultdict(list)
    for a in sorted(analyses, key=lambda a: a.blueprint.id):
        mine: dict[str, list[Finding]] = defaultdict(list)
        for f in a.findings:
            mine[f.rule].append(f)
        for rule, findings in mine.items():
            found[rule].append((a, findings))
    return found


def _rule_row(layout: Layout, page: str, item: tuple[Analysis, list[Finding]]) -> list:
    a, findings = item
    target = layout.path(a.blueprint.id)
    # A blueprint per row, its first findings of the rule as links: a row stays short however many there are.
    where = join(link(layout.href(page, target, f"finding-{f.number}"), f"#{f.number}") for f in findings[:3])
    if len(findings) > 3:
        where = join([where, f" and {len(findings) - 3} more"], "")
    return [link(layout.href(page, target), a.blueprint.title), len(findings), severity_summary(findings), where]


RULE_HEADER = ["Blueprint", "Breaks", "Severity", "Where"]


def breaks_pages(analyses: list[Analysis], layout: Layout) -> dict:
    index = layout.path("breaks")
    found = _by_rule(analyses)
    parts = ["# Breaks\n", paragraphs("Every break across all blueprints, by rule: the blueprints it fires in first, "
                                      "then each rule's own pages.")]
    parts.append(table(["Rule", "What breaks", "Breaks", "Blueprints"], [
        [link(layout.href(index, layout.path(f"breaks/{r.slug}")), r.slug, code=True), r.title,
         sum(len(fs) for _, fs in found[r.slug]), len(found[r.slug])] for r in RULES if found[r.slug]]))
    pages: dict[str, str] = {}
    for rule in RULES:
        if not found[rule.slug]:
            continue
        first = layout.path(f"breaks/{rule.slug}")
        how = link(layout.href(index, layout.rules_page, rule.slug), "How to fix")
        everything = link(layout.href(index, first), f"All {counted(len(found[rule.slug]), 'blueprint')} with {rule.slug}")
        parts += [heading(2, rule.slug, rule.slug), paragraphs(join([rule.explanation, " ", how], "")),
                  table(RULE_HEADER, [_rule_row(layout, index, item) for item in found[rule.slug][:TOP_ENTRIES]]),
                  paragraphs(everything)]
        intro = [heading(1, f"rule-{rule.slug}", f"Breaks: {rule.slug}"),
                 paragraphs(join([rule.explanation, " ",
                                  link(layout.href(first, layout.rules_page, rule.slug), "How to fix"),
                                  " · ", link(layout.href(first, index), "All rules")], ""))]
        pages.update(paged(layout, first, f"Breaks: {rule.slug}", intro, RULE_HEADER,
                           Rows(found[rule.slug], _rule_row)))
    pages[index] = assemble("Breaks", *parts)
    return pages


def rules_page() -> Page:
    parts = [front_matter("Rules"), "# Rules\n\nThe handoff rules blueprintgen checks.\n"]
    for rule in RULES:
        # Our own words (never a blueprint's), whose `backticks` are code: HTML from with_code.
        parts.append(f"\n## {rule.slug}\n\n**{rule.title}**, default severity **{rule.severity}**.\n\n"
                     f"{with_code(rule.explanation)}\n\n*Fix:* {with_code(rule.hint)}\n")
    return Page("".join(parts), {}, {})
