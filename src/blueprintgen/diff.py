"""What a change does to the customer: two sides' analyses compared blueprint by blueprint; pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields, is_dataclass

from .analysis import Analysis
from .baseline import fingerprint
from .gate import Gate
from .loader import Problem, is_blueprint_name
from .model import Position
from .report import record
from .rules import SEVERITIES

__all__ = ["compare", "introduces_failure", "METRICS", "STEP_FIELDS"]

# (key in the diff's metrics, label in the Markdown table), in the order a reviewer reads them.
METRICS = (
    ("steps", "Steps"), ("owners", "Owners"), ("handoffs", "Handoffs"),
    ("customer_contacts", "Customer contacts"), ("channel_switches", "Channel switches"),
    ("promises_kept", "Promises kept"), ("promises_broken", "Promises broken"),
    ("longest_time_to_resolution_minutes", "Longest time to resolution"),
    ("lowest_emotion", "Lowest emotion"), ("steps_below_neutral", "Steps below neutral"),
    ("pain_points", "Pain points"), ("cost_on_longest_path", "Cost to resolution"),
    ("breaks_high", "High breaks"), ("breaks_medium", "Medium breaks"), ("breaks_low", "Low breaks"),
)
STEP_FIELDS = ("lane", "owner", "action")


def _metrics(analysis: Analysis, findings: list[dict]) -> dict:
    raw = dict(analysis.metrics.__dict__)
    out = {key: raw.get(key) for key, _ in METRICS if key in raw}
    # Older analyses call the longest wait-plus-duration path `longest_wait_minutes`.
    out["longest_time_to_resolution_minutes"] = raw.get("longest_time_to_resolution_minutes",
                                                        raw.get("longest_wait_minutes"))
    severities = Counter(f["severity"] for f in findings)
    for severity in SEVERITIES:
        out[f"breaks_{severity}"] = severities[severity]
    return {key: out.get(key) for key, _ in METRICS}


def _handoffs(analysis: Analysis) -> set[str]:
    return {f"{h.edge.source} \u2192 {h.edge.to}" for h in analysis.handoffs}


def _step_changes(before: Analysis, after: Analysis) -> dict:
    old = {s.id: s for s in before.blueprint.steps}
    new = {s.id: s for s in after.blueprint.steps}
    changed = []
    for step_id in sorted(old.keys() & new.keys()):
        fields = {name: {"before": getattr(old[step_id], name), "after": getattr(new[step_id], name)}
                  for name in STEP_FIELDS if getattr(old[step_id], name) != getattr(new[step_id], name)}
        if fields:
            changed.append({"id": step_id, **fields})
    return {"added": sorted(new.keys() - old.keys()), "removed": sorted(old.keys() - new.keys()), "changed": changed}


def _unmatched(findings: list[dict], others: list[dict]) -> list[dict]:
    """The findings of `findings` that `others` has no match for, by fingerprint (the blueprint's id
    left out: the two are the same blueprint) and count, never by line."""
    remaining = Counter(_without_blueprint(f) for f in others)
    unmatched = []
    for finding in findings:
        key = _without_blueprint(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            unmatched.append(finding)
    return unmatched


def _matched(findings: list[dict], others: list[dict]) -> list[dict]:
    """The findings of `findings` that `others` has a match for (see _unmatched)."""
    unmatched = _unmatched(findings, others)
    left = Counter(_without_blueprint(f) for f in unmatched)
    matched = []
    for finding in reversed(findings):   # _unmatched leaves the last ones unmatched
        key = _without_blueprint(finding)
        if left[key] > 0:
            left[key] -= 1
        else:
            matched.append(finding)
    return matched[::-1]


def _shape(analysis: Analysis) -> tuple:
    """What a reviewer would call the blueprint's content: everything it holds but positions and
    its file (a moved line or a renamed file is not a change to the journey). Every field counts,
    so emotions, pain points, costs, measures, the persona and opportunities do too."""
    return _content(analysis.blueprint)


_NOT_CONTENT = frozenset({"position", "redesigns_position", "file"})


def _content(value):
    if isinstance(value, Position):
        return None
    if is_dataclass(value):
        return tuple((f.name, _content(getattr(value, f.name))) for f in fields(value) if f.name not in _NOT_CONTENT)
    if isinstance(value, (tuple, list)):
        return tuple(_content(item) for item in value)
    return value


def _judged(analysis: Analysis, gate: Gate) -> list[dict]:
    return gate.annotate(record(analysis))["findings"]


def _designs(analysis: Analysis | None, gate: Gate) -> list[dict]:
    """The loops a blueprint says repeat by design (see analysis.Designed), as report records."""
    return gate.annotate(record(analysis))["designed"] if analysis else []


def compare(base: list[Analysis], base_problems: list[Problem], head: list[Analysis], head_problems: list[Problem],
            gate: Gate, labels: tuple[str, str] = ("base", "head"), *, rechecked: list[Analysis] | None = None,
            base_gate: Gate | None = None, settings: list[dict] = (), renames: dict[str, str] | None = None) -> dict:
    """The diff document: per blueprint (matched by id, then as a rename), what changed.

    Each side is analysed with its own settings. `rechecked` is head's blueprints analysed with
    base's settings (and found where base's settings look): a finding head's settings no longer
    report but base's still would is "no longer checked", never fixed, and one base's settings
    would report that is new fails by base's gate (`base_gate`) too, so a change cannot switch the
    gate off. `settings` lists the setting changes; `renames` maps a base file to its head file
    (git's rename detection) for blueprints whose id changed with their file name.
    """
    before = {a.blueprint.id: a for a in base}
    after = {a.blueprint.id: a for a in head}
    again = {a.blueprint.id: a for a in rechecked} if rechecked is not None else None
    moved = _renamed(before, after, renames or {})
    for old_id, new_id in moved.items():
        before[new_id] = before.pop(old_id)
    invalid_before = _invalid(base_problems, before, after)
    invalid_after = _invalid(head_problems, after, before)
    _folder_problems(invalid_before, after, before)
    _folder_problems(invalid_after, before, after)
    entries = []
    for blueprint_id in sorted(before.keys() | after.keys() | invalid_before.keys() | invalid_after.keys()):
        rechecked_one = again.get(blueprint_id) if again is not None else after.get(blueprint_id)
        entries.append(_entry(blueprint_id, before.get(blueprint_id), after.get(blueprint_id),
                              invalid_before.get(blueprint_id), invalid_after.get(blueprint_id), gate,
                              rechecked_one, base_gate or gate))
    return {"base": labels[0], "head": labels[1], "gate": {"fail_on": gate.fail_on, "scope": gate.scope},
            "settings": list(settings), "blueprints": entries}


def _renamed(before: dict[str, Analysis], after: dict[str, Analysis], renames: dict[str, str]) -> dict[str, str]:
    """base id -> head id for blueprints whose id changed with their file: by git's rename detection
    first, then by content (everything but the id and positions the same)."""
    gone = {i: a for i, a in before.items() if i not in after}
    new = {i: a for i, a in after.items() if i not in before}
    by_file = {a.blueprint.file: i for i, a in new.items()}
    moved = {}
    for old_id, analysis in sorted(gone.items()):
        new_id = by_file.get(renames.get(analysis.blueprint.file, ""))
        if new_id is not None and new_id not in moved.values():
            moved[old_id] = new_id
    shapes: dict[tuple, list[str]] = {}
    for new_id, analysis in sorted(new.items()):
        if new_id not in moved.values():
            shapes.setdefault(_content_without_id(analysis), []).append(new_id)
    for old_id, analysis in sorted(gone.items()):
        if old_id in moved:
            continue
        same = shapes.get(_content_without_id(analysis))
        if same:
            moved[old_id] = same.pop(0)
    return moved


def _content_without_id(analysis: Analysis) -> tuple:
    return tuple(item for item in _content(analysis.blueprint) if item[0] != "id")


def _without_blueprint(finding: dict) -> str:
    """A finding's fingerprint with its blueprint left out: a renamed blueprint keeps its findings."""
    return fingerprint({**finding, "blueprint": ""})


def _folder_problems(invalid: dict[str, list[dict]], other: dict[str, Analysis], side: dict[str, Analysis]) -> None:
    """A problem with a whole folder on one side (a link, a submodule) is the problem of every blueprint
    the other side has in it: they are unknown there, not removed (nor their breaks fixed)."""
    for key, problems in list(invalid.items()):
        folder = problems[0]["file"]
        if key != folder or is_blueprint_name(folder):
            continue
        inside = [i for i, a in other.items() if i not in side and a.blueprint.file.startswith(folder + "/")]
        for blueprint_id in inside:
            invalid.setdefault(blueprint_id, []).extend(problems)
        if inside:
            del invalid[key]


def _invalid(problems: list[Problem], side: dict[str, Analysis], other: dict[str, Analysis]) -> dict[str, list[dict]]:
    """An invalid file's problems by the id they are shown under.

    An invalid file has no id we can trust. It is the blueprint that was in the same file on the
    other side (a blueprint broken by the change is that blueprint, not one removed and one new);
    else the id the file name gives; else, when that id is taken by another file, the file itself.
    """
    other_files = {a.blueprint.file: blueprint_id for blueprint_id, a in other.items()}
    named = {p.file: p.file.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
             for p in problems if p.file not in other_files}
    shared = Counter(named.values())
    by_id: dict[str, list[dict]] = {}
    for p in problems:
        key = other_files.get(p.file)
        if key is None:
            key = named[p.file]
            if shared[key] > 1 or key in side or key in other:
                key = p.file
        by_id.setdefault(key, []).append({"file": p.file, "line": p.line, "column": p.column,
                                          "message": p.message, "hint": p.hint})
    return by_id


def _entry(blueprint_id: str, old: Analysis | None, new: Analysis | None, old_invalid, new_invalid,
           gate: Gate, again: Analysis | None = None, base_gate: Gate | None = None) -> dict:
    """One blueprint's part of the diff: how it changed, the findings the change moves, its measures, steps and handoffs."""
    known = new or old
    old_findings = _judged(old, gate) if old else []
    new_findings = _judged(new, gate) if new else []
    moved = _moved(old_findings, new_findings, new, again, base_gate or gate)
    # A break the change claims as a designed repeat is not fixed: it is listed as now designed.
    designed = {"added": _unmatched(_designs(new, gate), _designs(old, gate)),
                "removed": _unmatched(_designs(old, gate), _designs(new, gate))}
    moved.fixed = _unmatched(moved.fixed, designed["added"])
    change = _change(old, new, old_invalid, new_invalid, again, moved, new_findings)
    if change == "invalid":
        designed = {"added": [], "removed": []}
    entry = {
        "id": blueprint_id,
        "title": known.blueprint.title if known else blueprint_id,
        "status": known.blueprint.status if known else None,
        "file": known.blueprint.file if known else (new_invalid or old_invalid)[0]["file"],
        "change": change,
        "introduced": moved.introduced + moved.hidden,
        "fixed": moved.fixed,
        "no_longer_checked": moved.unchecked,
        "designed": designed,
        "removed_breaks": moved.removed_breaks,
        "metrics": {"before": _metrics(old, old_findings) if old else None,
                    "after": _metrics(new, new_findings) if new else None},
        **_steps_and_handoffs(old, new, change),
    }
    if old is not None and new is not None and old.blueprint.file != new.blueprint.file:
        entry["renamed_from"] = old.blueprint.file
    if old_invalid:
        entry["invalid_at_base"] = old_invalid
    if new_invalid:
        entry["invalid_at_head"] = new_invalid
    return entry


@dataclass
class _Moved:
    """A blueprint's findings as the change moves them."""

    introduced: list[dict]
    fixed: list[dict]
    unchecked: list[dict] = field(default_factory=list)   # reported no more only because the settings changed
    hidden: list[dict] = field(default_factory=list)      # new, and reported only by base's settings
    removed_breaks: int = 0                               # left with a removed blueprint: not fixed


def _moved(old_findings: list[dict], new_findings: list[dict], new: Analysis | None, again: Analysis | None,
           base_gate: Gate) -> _Moved:
    """The findings the change introduces and fixes, matched by fingerprint, not line."""
    moved = _Moved(_unmatched(new_findings, old_findings), _unmatched(old_findings, new_findings))
    if again is not None and again is not new:
        # Head's blueprint as base's settings see it: what only the settings changed is not the journey's.
        seen_again = _judged(again, base_gate)
        moved.unchecked, moved.fixed = _matched(moved.fixed, seen_again), _unmatched(moved.fixed, seen_again)
        moved.hidden = [{**f, "hidden_by_settings": True}
                        for f in _unmatched(_unmatched(seen_again, old_findings), new_findings) if f.get("fails")]
    return moved


def _change(old: Analysis | None, new: Analysis | None, old_invalid, new_invalid, again: Analysis | None,
            moved: _Moved, new_findings: list[dict]) -> str:
    """What the change did to the blueprint (added, removed, changed, …); `moved` as that kind of change counts it."""
    if new_invalid or old_invalid:
        # A side that cannot be read has no findings to compare: nothing is fixed by the change. A
        # blueprint the change made valid brings all its findings in, as a new one would (else a
        # failing break in it would pass the gate); one it left invalid fails as invalid instead.
        moved.introduced = new_findings if new is not None and not new_invalid else []
        moved.fixed, moved.unchecked = [], []
        return "invalid"
    if old is None:
        return "added"
    if new is None and again is not None:
        return "unchecked"   # still there, but no longer where head's settings look
    if new is None:
        # A removed blueprint fixes nothing: its breaks leave with it, and say so on their own line.
        moved.removed_breaks, moved.fixed = len(moved.fixed), []
        return "removed"
    if old.blueprint.file != new.blueprint.file or _shape(old) != _shape(new) or moved.introduced or moved.fixed \
            or moved.unchecked or moved.hidden:
        return "changed"
    return "unchanged"


def _steps_and_handoffs(old: Analysis | None, new: Analysis | None, change: str) -> dict:
    """The steps and handoffs added, removed and changed."""
    if change in ("invalid", "unchecked"):   # an invalid or unchecked side's steps are unknown, not removed
        return {"steps": {"added": [], "removed": [], "changed": []}, "handoffs": {"added": [], "removed": []}}
    steps = _step_changes(old, new) if old and new else {
        "added": [s.id for s in new.blueprint.steps] if new else [],
        "removed": [s.id for s in old.blueprint.steps] if old else [], "changed": []}
    handoffs = {"added": sorted(_handoffs(new) - (_handoffs(old) if old else set())) if new else [],
                "removed": sorted(_handoffs(old) - (_handoffs(new) if new else set())) if old else []}
    return {"steps": steps, "handoffs": handoffs}


def introduces_failure(document: dict) -> bool:
    """Whether the change introduces a finding the gate fails on, or leaves a blueprint invalid at head."""
    return any(f.get("fails") for b in document["blueprints"] for f in b["introduced"]) or \
        any("invalid_at_head" in b for b in document["blueprints"])
