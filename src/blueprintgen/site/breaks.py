"""Every break by rule: the breaks index, a page per rule, and the rules page that explains each rule."""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from ..priority import combined, reason
from ..rules import RULES
from ..words import number
from .layout import Layout, Page, Rows, assemble, counted, front_matter, heading, paged, paragraphs, table, with_code
from .markup import join, link, link_json, string_json

__all__ = ["breaks_pages", "rules_page", "by_rule", "rules_ranked", "RULES_HEADER", "TOP_ENTRIES"]

TOP_ENTRIES = 3       # entries of each rule shown on the breaks index

# A blueprint where a rule fires: its contribution, and its part for the rule (contributions.py: `rules`).
_Entry = tuple[dict, list]


def by_rule(contributions: list[dict]) -> dict[str, list[_Entry]]:
    """For each rule, the blueprints it fires in with their part for it: the blueprint whose findings
    of the rule have the highest priority first, ties by id."""
    found: dict[str, list[_Entry]] = defaultdict(list)
    for c in contributions:
        for rule, part in c["rules"].items():
            found[rule].append((c, part))
    for entries in found.values():
        entries.sort(key=lambda entry: (-entry[1][0], entry[0]["id"]))
    return found


def rules_ranked(found: dict[str, list[_Entry]]) -> list[tuple]:
    """(rule, breaks, blueprints, priority, why) of every rule that fires, the highest priority first, ties by slug."""
    rows = []
    for r in RULES:
        if found.get(r.slug):
            summary = combined(part[:7] for _, part in found[r.slug])
            rows.append((r, sum(summary.counts), len(found[r.slug]), summary.priority, reason(summary)))
    return sorted(rows, key=lambda row: (-row[3], -row[1], row[0].slug))


class _RuleRows:
    """A rule's blueprints as rows: for the page, and for its JSON files (as cell_json would give them)."""

    def __init__(self):
        self.hrefs: dict = {}   # (source links?, page) -> Layout.blueprint_hrefs

    def _parts(self, layout: Layout, page: str, item: _Entry) -> tuple:
        c, part = item
        hrefs = self.hrefs.get((layout.source_links, page))
        if hrefs is None:
            hrefs = self.hrefs[(layout.source_links, page)] = layout.blueprint_hrefs(page)
        return c, hrefs(c["id"]), part[1] + part[2] + part[3], part[0], c["texts"][part[7]], part[8:]

    def row(self, layout: Layout, page: str, item: _Entry) -> list:
        c, href, count, priority, why, worst = self._parts(layout, page, item)
        # A blueprint per row, its worst findings of the rule as links: a row stays short however many there are.
        where = join(link(f"{href}#finding-{n}", f"#{n}") for n in worst)
        if count > 3:
            where = join([where, f" and {number(count - 3)} more"], "")
        return [link(href, c["title"]), count, priority, why, where]

    def json_row(self, layout: Layout, page: str, item: _Entry) -> str:
        # The cells as cell_json gives them: [link, count, priority, why, {"parts": [link, ", ", ...]}].
        c, href, count, priority, why, worst = self._parts(layout, page, item)
        where = '{"parts":[' + ',", ",'.join(link_json(f"{href}#finding-{n}", f"#{n}") for n in worst) + "]}"
        if count > 3:
            where = f'{{"parts":[{where},{string_json(f" and {number(count - 3)} more")}]}}'
        return (f'[{link_json(href, c["title"])},"{number(count)}","{number(priority)}",{string_json(why or "—")},'
                f'{where}]')


def _rule_key(rule: str, item: _Entry) -> str | None:
    # A row shows its blueprint's contribution to one rule only (see layout.Rows: the contribution's key names it).
    key = item[0].get("key")
    return None if key is None else f"{key}#{rule}"


RULE_HEADER = ["Blueprint", "Breaks", "Priority", "Why", "Worst first"]
RULES_HEADER = ["Rule", "What breaks", "Breaks", "Blueprints", "Priority", "Why"]


def breaks_pages(contributions: list[dict], layout: Layout) -> dict:
    index = layout.path("breaks")
    found = by_rule(contributions)
    order = rules_ranked(found)
    parts = ["# Breaks\n", paragraphs("Every break across all blueprints, by rule, the rule with the highest priority "
                                      "first; under each, the blueprints where it matters most, then each rule's "
                                      "own pages.")]
    parts.append(table(RULES_HEADER, [
        [link(layout.href(index, layout.path(f"breaks/{r.slug}")), r.slug, code=True), r.title, count, blueprints,
         total, why] for r, count, blueprints, total, why in order]))
    pages: dict[str, str] = {}
    for rule, *_ in order:
        first = layout.path(f"breaks/{rule.slug}")
        how = link(layout.href(index, layout.rules_page, rule.slug), "How to fix")
        everything = link(layout.href(index, first), f"All {counted(len(found[rule.slug]), 'blueprint')} with {rule.slug}")
        top = _RuleRows()
        parts += [heading(2, rule.slug, rule.slug), paragraphs(join([rule.explanation, " ", how], "")),
                  table(RULE_HEADER, [top.row(layout, index, item) for item in found[rule.slug][:TOP_ENTRIES]]),
                  paragraphs(everything)]
        intro = [heading(1, f"rule-{rule.slug}", f"Breaks: {rule.slug}"),
                 paragraphs(join([rule.explanation, " ",
                                  link(layout.href(first, layout.rules_page, rule.slug), "How to fix"),
                                  " · ", link(layout.href(first, index), "All rules")], "")),
                 paragraphs(join(["The blueprints where it matters most first: the highest ",
                                  link(layout.href(first, layout.rules_page, "priority-what-to-fix-first"), "priority"),
                                  ", ties by id."], ""))]
        rows = _RuleRows()
        pages.update(paged(layout, first, f"Breaks: {rule.slug}", intro, RULE_HEADER,
                           Rows(found[rule.slug], rows.row, rows.json_row, partial(_rule_key, rule.slug))))
    pages[index] = assemble("Breaks", *parts)
    return pages


# What every "Priority" column on the site means (docs/rules.md works an example through).
PRIORITY_TEXT = """
## Priority: what to fix first

Every list on the site is ranked worst first by **priority**: for each break, *severity × felt × reach*.
Severity is 9 for high, 3 for medium, 1 for low. *Felt* is 1, plus 1 when the customer meets the step
(customer and frontstage lanes), plus how far below neutral they feel at that moment (1 or 2), plus 1, 2 or 3
for a wait before the step of under a day, under a week, or longer. *Reach* is the number of digits of the
customers who pass the step (a measure's `volume`: 1,200 customers give 4), or 1 when the blueprint does not
say. A blueprint's, a rule's and a team's priority is the sum of its breaks'; ties go by id.
"""


def rules_page() -> Page:
    parts = [front_matter("Rules"), "# Rules\n\nThe handoff rules blueprintgen checks.\n", PRIORITY_TEXT]
    for rule in RULES:
        # Our own words (never a blueprint's), whose `backticks` are code: HTML from with_code.
        parts.append(f"\n## {rule.slug}\n\n**{rule.title}**, default severity **{rule.severity}**.\n\n"
                     f"{with_code(rule.explanation)}\n\n*Fix:* {with_code(rule.hint)}\n")
    return Page("".join(parts), {}, {})
