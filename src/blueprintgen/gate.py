"""The gate: which findings fail a check (to-be designs, new since a baseline) and which document."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .baseline import fingerprint
from .rules import SEVERITIES

__all__ = ["Gate", "SEVERITY_RANK", "gate_from_settings"]

SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Gate:
    """What a check fails on, and which findings it shows.

    `scope` to-be gates only to-be blueprints: an as-is blueprint describes a broken service on
    purpose, so its findings are documentation. `accepted` holds a baseline's fingerprint counts:
    that many occurrences are accepted, never fail. `base` holds the counts at a diff base: it only
    marks findings new or unchanged (SARIF baselineState), it accepts nothing.
    """

    fail_on: str = "high"
    scope: str = "to-be"
    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    accepted: dict[str, int] | None = None
    base: dict[str, int] | None = None
    # A baseline's blueprints by title (title -> the id its entries carry), for a blueprint whose id
    # changed with its file name (`git mv`): its accepted findings follow it.
    titles: dict[str, str] | None = None
    accepted_ids: frozenset[str] = frozenset()   # the blueprint ids the baseline has entries for
    documentation: bool = True   # False: findings the gate does not judge (as-is documentation) are left out

    def gates(self, status: str) -> bool:
        return self.scope == "all" or status == "to-be"

    def shows(self, rule: str) -> bool:
        return (self.select is None or rule in self.select) and rule not in self.ignore

    def annotate(self, record: dict) -> dict:
        """`record` (one blueprint's JSON record) with its findings judged.

        Each finding gets its `fingerprint` (unique within the report: repeats get `#2`, `#3`),
        `gated`, `fails` and, with a baseline or a diff base, `baseline_state` (new or unchanged)
        and `accepted`. Findings of rules left out by select/ignore are dropped.
        """
        gated = self.gates(record["status"])
        compare = self.accepted if self.accepted is not None else self.base
        # The id the baseline knows this blueprint by, when it has it only under its old file's id.
        was = self.titles.get(record.get("title")) if self.titles and record["id"] not in self.accepted_ids else None
        used: Counter = Counter()
        findings = []
        for finding in record["findings"]:
            if not self.shows(finding["rule"]):
                continue
            key = fingerprint({**finding, "blueprint": was} if was else finding)
            used[key] += 1
            judged = {**finding, "fingerprint": key if used[key] == 1 else f"{key}#{used[key]}", "gated": gated}
            if compare is not None:
                judged["baseline_state"] = "unchanged" if used[key] <= compare.get(key, 0) else "new"
            accepted = self.accepted is not None and judged["baseline_state"] == "unchanged"
            if self.accepted is not None:
                judged["accepted"] = accepted
            judged["fails"] = (gated and not accepted and self.fail_on != "never"
                               and SEVERITY_RANK[finding["severity"]] >= SEVERITY_RANK[self.fail_on])
            findings.append(judged)
        ignored = [f for f in record["ignored"] if self.shows(f["rule"])]
        designed = [d for d in record.get("designed", ()) if self.shows(d["rule"])]
        if not gated and not self.documentation:   # left out of the report, still seen (a baseline's are not fixed)
            findings, ignored, designed = [], [], []
        return {**record, "findings": findings, "ignored": ignored, "designed": designed, "seen": dict(used)}


def gate_from_settings(settings, **overrides) -> Gate:
    """The gate the project's settings describe; `overrides` are command-line choices (None: not given)."""
    values = {"fail_on": settings.fail_on, "scope": settings.gate}
    values.update({key: value for key, value in overrides.items() if value is not None})
    return Gate(**values)
