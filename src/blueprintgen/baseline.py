"""Fingerprints of findings, and the baseline file of accepted findings."""

from __future__ import annotations

import os
from collections import Counter

__all__ = ["BaselineError", "fingerprint", "fingerprints", "read_baseline", "baseline_document", "write_baseline",
           "absent"]

VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or written; the message names the file and the fix."""


def fingerprint(finding: dict) -> str:
    """What identifies a finding across edits: blueprint, rule, step, and the arrow's target or promise.

    Lines and wording are left out on purpose, so moving a step or rewording its action keeps the
    fingerprint; renaming the step or the blueprint id makes it a new finding.
    """
    return ":".join((finding["blueprint"], finding["rule"], finding.get("step") or "", finding.get("target") or ""))


def fingerprints(findings) -> Counter:
    """How many findings share each fingerprint (two arrows to one step via one channel share one)."""
    return Counter(fingerprint(f) for f in findings)


def read_baseline(path: str) -> dict[str, dict]:
    """fingerprint -> entry ({blueprint, rule, step, target, count}) of the baseline file at `path`."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(64 * 1024 * 1024 + 1)
    except FileNotFoundError:
        raise BaselineError(f"{path}:1:1: error: the baseline file does not exist "
                            f"(hint: make it with `blueprintgen baseline {path}`)") from None
    except OSError as error:
        raise BaselineError(f"{path}:1:1: error: cannot read the baseline file: {error.strerror} "
                            "(hint: check that it is a readable file)") from None
    import json   # here: `check` without a baseline file never needs it

    try:
        document = json.loads(data.decode("utf-8"))
        entries = document["findings"]
        if not isinstance(entries, dict) or document.get("version") != VERSION:
            raise ValueError
        for key, entry in entries.items():
            if not (isinstance(entry, dict) and isinstance(entry.get("count"), int) and entry["count"] > 0):
                raise ValueError(key)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        line = getattr(error, "lineno", 1)
        column = getattr(error, "colno", 1)
        raise BaselineError(f"{path}:{line}:{column}: error: this is not a blueprintgen baseline (version {VERSION}) "
                            f"(hint: make it again with `blueprintgen baseline {path}`)") from None
    return entries


def baseline_document(findings, keep: dict[str, dict] | None = None) -> str:
    """The baseline file's text for `findings` (plain finding records): sorted, deterministic JSON.

    With `keep` (the entries of an existing baseline), only entries that are still found stay,
    with counts no higher than before: `--prune` never accepts anything new.
    """
    counts = fingerprints(findings)
    entries = {}
    for finding in findings:
        key = fingerprint(finding)
        count = counts[key] if keep is None else min(counts[key], keep.get(key, {}).get("count", 0))
        if count:
            entries[key] = {"blueprint": finding["blueprint"], "rule": finding["rule"],
                            "step": finding.get("step"), "target": finding.get("target"), "count": count}
    document = {"version": VERSION, "tool": "blueprintgen",
                "about": "Accepted findings: `blueprintgen check --baseline FILE` reports them as accepted and "
                         "fails only on new ones. Remake with `blueprintgen baseline FILE`; "
                         "drop fixed ones with `--prune`.",
                "findings": dict(sorted(entries.items()))}
    import json

    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write_baseline(path: str, text: str) -> None:
    """Write the baseline atomically: a reader never sees half a file."""
    import tempfile   # here: `check` imports this module for `fingerprint`, and tempfile is slow to import

    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(prefix=".baseline-", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        raise BaselineError(f"{path}:1:1: error: cannot write the baseline file: {error.strerror} "
                            "(hint: check that its folder exists and is writable)") from None


def absent(accepted: dict[str, dict], seen: Counter) -> list[dict]:
    """Entries of the baseline that are found fewer times than accepted (fixed), with how many."""
    fixed = []
    for key, entry in sorted(accepted.items()):
        gone = entry["count"] - seen.get(key, 0)
        if gone > 0:
            fixed.append({**entry, "fingerprint": key, "count": gone})
    return fixed
