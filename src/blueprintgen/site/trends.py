"""The Trends page: findings per month (or what git history lacks), a chart drawn at build time, and the dashboard's trend line."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import replace

from ..words import number
from .layout import Layout, Page, assemble, paragraphs, table, with_code
from .markup import join, link, render

__all__ = ["TRENDS", "site_history", "history_identity", "trends_page", "trend_line", "with_trend"]

TRENDS = "trends"
SHOWN = 24   # periods in the chart and its table: two years of months
NARROW = 6   # periods in the chart a phone shows instead: its labels stay readable, the newest in view
COLOURS = {"high": "#b71c1c", "medium": "#e65100", "low": "#f9a825"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def site_history(folder: str, settings) -> dict | str:
    """The history of the project the blueprints are in, by month, from the cache where it can be;
    or why there is none (NeedsHistory's reason: outside git, a shallow clone...), which the page explains."""
    from ..history_git import NeedsHistory
    from ..project import find_project
    from ..revisions import SideError
    from .history_command import portfolio_history

    project = find_project(paths=[folder])
    # Each commit's own blueprints folder, unless this build reads another one than the settings name.
    same = os.path.abspath(folder) == os.path.abspath(settings.blueprints_dir)
    try:
        # Only the months the page shows are analysed: a first build of a long history stays short.
        return portfolio_history(project, "month", () if same else (folder,), last=SHOWN)
    except NeedsHistory as error:
        return error.reason   # not its message: that names local folders, which a published page never does
    except SideError:
        return "unreadable"


def history_identity(history: dict | str) -> str:
    """What the pages made from the history depend on: a stored build is reused only for the same history."""
    return hashlib.sha256(json.dumps(history, sort_keys=True).encode("utf-8")).hexdigest()


def period_name(period: str, by: str = "month") -> str:
    """`2026-09` as `September 2026`; a tag or a commit as it is."""
    found = re.fullmatch(r"(\d{4})-(\d{2})", period) if by == "month" else None
    return f"{_MONTHS[int(found[2]) - 1]} {found[1]}" if found and 1 <= int(found[2]) <= 12 else period


def _shown(history: dict) -> list[dict]:
    return [p for p in history["periods"] if not p["settings_problem"]][-SHOWN:]


def trend_sentence(history: dict | str) -> str | None:
    """`−18% high breaks since September 2026 (22 → 18)`: the newest period against the first one shown."""
    periods = _shown(history) if isinstance(history, dict) else []
    if not periods:
        return None
    first, last = periods[0]["totals"]["high"], periods[-1]["totals"]["high"]
    since = period_name(periods[0]["period"], history["by"])
    if len(periods) == 1:
        return f"{last} high breaks in {since}, the first month of history"
    if first == 0:
        return f"No high breaks since {since}" if last == 0 else f"{last} high breaks now, none in {since}"
    change = round((last - first) * 100 / first)
    if change == 0:
        return f"No change in high breaks since {since} ({first} → {last})"
    sign = "−" if change < 0 else "+"
    return f"{sign}{abs(change)}% high breaks since {since} ({first} → {last})"


def _chart(history: dict, periods: list[dict], kind: str = "wide") -> dict:
    """The geometry of the stacked bars (high at the bottom, where the eye compares them): "wide" for
    every period shown, "narrow" (a phone) for the newest NARROW, drawn narrower so its text stays readable."""
    periods = periods if kind == "wide" else periods[-NARROW:]
    # The narrow one's larger text is still 11 px on a 390 px phone; its six labels do not touch.
    (width, font), height, left, top, bottom = ((640, 12) if kind == "wide" else (420, 13)), 250, 44, 12, 206
    right = width - 12
    most = max([1, *(p["totals"]["findings"] for p in periods)])
    scale = (bottom - top) / most
    slot = (right - left) / len(periods)
    bar_width = round(min(40.0, slot * 0.6), 1)
    every = -(-len(periods) // 10)   # at most ten labels under the bars
    bars = []
    for index, p in enumerate(periods):
        x, y, parts = round(left + slot * index + (slot - bar_width) / 2, 1), bottom, []
        for severity in ("high", "medium", "low"):
            size = round(p["totals"][severity] * scale, 1)
            if size:
                y = round(y - size, 1)
                parts.append({"y": y, "height": size, "colour": COLOURS[severity]})
        name = period_name(p["period"], history["by"])
        bars.append({"x": x, "middle": round(x + bar_width / 2, 1), "parts": parts,
                     # Counted back from the newest, which is always labelled: labels never crowd.
                     "label": p["period"] if (len(periods) - 1 - index) % every == 0 else "",
                     "title": f"{name}: {number(p['totals']['high'])} high, {number(p['totals']['medium'])} medium, "
                              f"{number(p['totals']['low'])} low"})
    ticks = [{"value": value, "y": round(bottom - value * scale, 1)} for value in sorted({0, most // 2, most})]
    legend = [{"x": left + 90 * at, "colour": COLOURS[s], "label": s} for at, s in enumerate(("high", "medium", "low"))]
    names = [period_name(p["period"], history["by"]) for p in (periods[0], periods[-1])]
    return {"kind": kind, "font": font, "width": width, "height": height, "left": left, "right": right, "bottom": bottom, "bar_width": bar_width,
            "bars": bars, "ticks": ticks, "legend": legend,
            "title": f"Findings by severity, {names[0]} to {names[1]}",
            "description": f"Stacked bars, one per {history['by']}{'' if kind == 'wide' else ', the newest'}: high "
                           "at the bottom, then medium, then low. "
                           f"{trend_sentence(history)}. The table below gives every figure.",
            "caption": f"Findings by severity per {history['by']} (the last commit of each month on the "
                       "main line of history)."}


def trends_page(history: dict | str, layout: Layout) -> Page:
    """The page: the trend in words, the chart and its table, and the teams at the newest period."""
    page = layout.path(TRENDS)
    if isinstance(history, str):
        return assemble("Trends", "# Trends\n", paragraphs(*map(with_code, _WITHOUT_HISTORY.get(
            history, _WITHOUT_HISTORY["unreadable"]))))
    periods = _shown(history)
    if not periods:
        return assemble("Trends", "# Trends\n", paragraphs("No commit with blueprints yet."))
    rows = [[period_name(p["period"], history["by"]), p["commit"][:12], p["totals"]["high"], p["totals"]["medium"],
             p["totals"]["low"], p["totals"]["findings"], p["blueprint_count"]] for p in periods]
    newest = periods[-1]
    before = {t["team"]: t["high"] for t in periods[0]["teams"]}
    teams = [[t["team"], t["high"], t["medium"], t["low"], t["findings"], _change(before.get(t["team"], 0), t["high"])]
             for t in newest["teams"]]
    return assemble("Trends", "# Trends\n", paragraphs(
        trend_sentence(history) + ".",
        with_code("Each month is its last commit on the main line of history (first parents from HEAD), judged "
                  "with the settings of that commit. `blueprintgen history` prints the same figures, per team and per "
                  "blueprint.")),
        render("trend_chart.html", charts=[_chart(history, periods, kind) for kind in ("wide", "narrow")]),
        "## Findings per month\n",
        # In a box of its own: the stylesheet lets its seven columns be as narrow as their figures.
        '<div class="bpg-trend-months" data-search-exclude>\n'
        + table(["Month", "Commit", "High", "Medium", "Low", "Findings", "Blueprints"], rows, exclude=True) + "</div>\n",
        "## Teams now\n",
        paragraphs(f"The findings each team owns in {period_name(newest['period'], history['by'])} (on the steps "
                   "it owns), most high first."),
        table(["Team", "High", "Medium", "Low", "Findings", f"High since {period_name(periods[0]['period'])}"], teams)
        if teams else paragraphs("No findings."),
        paragraphs(link(layout.href(page, layout.home), "Back to the dashboard")))


# What the page says when there is no history to read, by NeedsHistory's reason; `code` is shown as code.
_WITHOUT_HISTORY = {
    "not-git": ("Trends need the blueprints in a git repository: they are read from its history, month by month, "
                "and the folder this site was built from is not in one.",
                "Commit the blueprints to a git repository and build the site from a clone of it."),
    "shallow": ("This site was built from a shallow clone, which lacks the history trends are read from.",
                "Fetch the whole history before building: `git fetch --unshallow`. In a GitHub workflow, check out "
                "with `fetch-depth: 0` (actions/checkout)."),
    "no-commit": ("The git repository has no commit yet: trends start with the first commit.",),
    "unreadable": ("Trends are read from the git history of the blueprints, and it cannot be read here.",
                   "`blueprintgen history`, run in the same folder, says why."),
}


def _change(before: int, now: int) -> str:
    return f"{'+' if now > before else '−' if now < before else '±'}{abs(now - before)}"


def trend_line(history: dict | str, layout: Layout) -> str:
    """The dashboard's one line: the trend in words and a link to the Trends page; empty without history."""
    sentence = trend_sentence(history)
    if sentence is None:
        return ""
    return paragraphs(join([sentence, ". ", link(layout.href(layout.home, layout.path(TRENDS)), "Trends")], ""))


def with_trend(page: Page, block: str) -> Page:
    """The dashboard with the trend line under its title. Put in here, not in dashboard.py, so the
    dashboard's own parts and the trend stay apart."""
    if not block:
        return page
    found = re.search(r"^# .*\n", page.markdown, re.MULTILINE)
    if found is None:
        return page
    marker = "<!--bpg-block-trend-->"
    markdown = page.markdown[:found.end()] + "\n" + marker + "\n" + page.markdown[found.end():]
    return replace(page, markdown=markdown, blocks={**page.blocks, marker: block})
