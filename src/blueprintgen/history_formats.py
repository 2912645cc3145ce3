"""The history document as text for people or JSON for tools; pure and deterministic."""

from __future__ import annotations

import json

from .escape import terminal

__all__ = ["format_history", "HOW_CHOSEN"]

HOW_CHOSEN = {
    "month": "the last commit of each month on the first-parent history of HEAD (by committer date)",
    "tag": "each tag on the first-parent history of HEAD, oldest first",
    "commit": "every commit on the first-parent history of HEAD, oldest first",
}
SEVERITY_COLUMNS = ("high", "medium", "low", "findings")


def format_history(document: dict, fmt: str) -> str:
    """The history in `fmt` (text or json), ending with a newline."""
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return "\n".join(terminal(line) for line in _text(document)) + "\n"


def _counted(row: dict) -> str:
    """`2 high, 1 medium, 0 low`."""
    return ", ".join(f"{row[severity]} {severity}" for severity in SEVERITY_COLUMNS[:3])


def _text(document: dict) -> list[str]:
    by, periods = document["by"], document["periods"]
    lines = [f"Findings by {by}: {HOW_CHOSEN[by]}; {len(periods)} {by}{'s' if len(periods) != 1 else ''}."]
    if not periods:
        return lines + ["No tag is on the first-parent history of HEAD." if by == "tag" else "No commits."]
    width = max(len(by), *(len(p["period"]) for p in periods))
    lines += ["", f"{by.capitalize():<{width}}  Commit        High  Medium   Low  Findings  Blueprints"]
    for p in periods:
        t = p["totals"]
        lines.append(f"{p['period']:<{width}}  {p['commit'][:12]}  {t['high']:>4}  {t['medium']:>6}  {t['low']:>4}  "
                     f"{t['findings']:>8}  {p['blueprint_count']:>10}")
    for p in periods:
        lines += ["", f"{p['period']} ({p['commit'][:12]}, {p['date'][:10]}): {_counted(p['totals'])}"]
        if p["settings_problem"]:
            lines.append(f"  not analysed: {p['settings_problem']}")
        lines += [f"  team {t['team']}: {_counted(t)}" for t in p["teams"]]
        lines += [f"  blueprint {b['id']}: {_counted(b)}" for b in p["blueprints"] if b["findings"]]
        clean = sum(1 for b in p["blueprints"] if not b["findings"])
        if clean:
            lines.append(f"  {clean} blueprint{'s' if clean != 1 else ''} with no findings")
        lines += [f"  invalid {line}" for line in p["invalid"]]
    return lines
