"""The portfolio ranked worst first by priority (priority.py): every list's order, its reasons, and the teams.

Every list on the site ranks by the same numbers: a finding's priority, and for a blueprint, a
rule in a blueprint, a team, the sum of its findings'. Ties break by id (blueprint id, team name),
so a build's bytes do not depend on the order the blueprints were read in.
"""

from __future__ import annotations

from ..actions import framed, worded
from ..priority import Summary, summary_from
from ..words import number
from .layout import Layout, Rows, paged, paragraphs, slug
from .markup import grouped, join, link

__all__ = ["ranked", "blueprint_row", "blueprint_key", "all_blueprints_pages", "team_name", "team_path", "team_of", "fix_of", "finding_of",
           "summary_of", "NO_OWNER", "CUSTOMER_SIDE", "BLUEPRINT_HEADER"]


class _Marked(str):
    """A name shown as its text, but never equal to a team of that name (its kind is part of it)."""

    __slots__ = ()
    KIND = ""

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and str.__eq__(self, other)

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash((self.KIND, str(self)))


class _Group(_Marked):
    """A group that is not a team ("No owner")."""

    __slots__ = ()
    KIND = "group"


class _Lane(_Marked):
    """The customer's side of a handoff among teams: shown as "The customer" (a team called that would
    otherwise have its handoffs merged with theirs)."""

    __slots__ = ()
    KIND = "lane"


NO_OWNER = _Group("No owner")   # findings on customer steps, unowned steps, or no step: never dropped
CUSTOMER_SIDE = _Lane("The customer")   # "Customer" would read as a team of that name


def team_name(team: str | None) -> str:
    """The team as pages group by it (see markup.grouped), or NO_OWNER."""
    return NO_OWNER if team is None else grouped(team)


def team_of(c: dict, ref: int | None) -> str:
    """A team a contribution refers to (contributions.py): NO_OWNER for None, CUSTOMER_SIDE for -1."""
    return NO_OWNER if ref is None else CUSTOMER_SIDE if ref == -1 else c["texts"][ref]


def fix_of(texts: list[str], rule: str, fix) -> str:
    """A finding's fix from its contribution's texts (contributions.py: `findings`)."""
    if type(fix) is int:
        frame = framed(rule)   # the one text in its frame: a page lists tens of thousands
        return frame[0] + texts[fix] + frame[1] if frame else worded(rule, (texts[fix],))
    return worded(rule, map(texts.__getitem__, fix)) if type(fix) is list else texts[fix["text"]]


def finding_of(c: dict, number: int) -> tuple:
    """(rule, step, priority, team, fix, why) of a blueprint's finding, by number (contributions.py)."""
    found, texts, at = c["findings"], c["texts"], number - 1
    rule, step = texts[found["rule"][at]], found["step"][at]
    return (rule, None if step is None else texts[step], found["priority"][at], team_of(c, found["team"][at]),
            fix_of(texts, rule, found["fix"][at]), texts[found["why"][at]])


def team_path(layout: Layout, team: str) -> str:
    """A team's page; "No owner" has its own name, which no team's page can take (those start `team-`)."""
    return layout.path("owners/no-owner" if team == NO_OWNER else f"owners/team-{slug(team)}")


def summary_of(contribution: dict) -> Summary:
    """The sum of a blueprint's findings (see priority.Summary)."""
    return summary_from(contribution["summary"])


def ranked(contributions: list[dict]) -> list[tuple[dict, Summary]]:
    """Blueprints worst first: highest priority, then id."""
    return sorted(((c, summary_of(c)) for c in contributions), key=lambda item: (-item[1].priority, item[0]["id"]))


def blueprint_row(layout: Layout, page: str, item: tuple[dict, Summary]) -> list:
    c, summary = item
    return [link(layout.href(page, layout.path(c["id"])), c["title"]), summary.priority, c["why"], c["status"],
            f"{number(c['broken'])} of {number(c['handoffs'])}", c["longest"]]


def blueprint_key(item: tuple[dict, Summary]) -> str | None:
    """What a blueprint's row is made from: its contribution alone (see layout.Rows)."""
    return item[0].get("key")


BLUEPRINT_HEADER = ["Blueprint", "Priority", "Why", "Status", "Broken handoffs", "Longest time to resolution"]


def all_blueprints_pages(contributions: list[dict], layout: Layout) -> dict:
    rows = Rows(ranked(contributions), blueprint_row, key=blueprint_key)
    return paged(layout, layout.path("all"), "All blueprints",
                 ["# All blueprints\n", paragraphs(join([
                     "Every blueprint, worst first: the highest ",
                     link(layout.href(layout.path("all"), layout.rules_page, "priority-what-to-fix-first"), "priority"),
                     " (the sum of its breaks') first, ties by id."], ""))],
                 BLUEPRINT_HEADER, rows)
