"""Fingerprints of findings, and the baseline file of accepted findings."""

from __future__ import annotations

import os
import re
from collections import Counter

__all__ = ["BaselineError", "fingerprint", "fingerprints", "read_baseline", "baseline_document", "write_baseline",
           "absent", "outside", "renamed_titles"]

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
        text = data.decode("utf-8")
        document = json.loads(text, object_pairs_hook=_unique_keys)
        entries = document["findings"]
        if not isinstance(entries, dict) or document.get("version") != VERSION:
            raise ValueError
    except _DuplicateKey as error:
        line, column = _position(text, json.dumps(error.key, ensure_ascii=False), error.seen)
        raise BaselineError(f"{path}:{line}:{column}: error: the key '{error.key}' appears twice in the same "
                            "object; a baseline written by blueprintgen has each once (hint: keep one, or make the "
                            f"file again with `blueprintgen baseline {path}`)") from None
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError) as error:
        # RecursionError: `[[[[…` nested deeper than the JSON reader goes.
        line = getattr(error, "lineno", 1)
        column = getattr(error, "colno", 1)
        raise BaselineError(f"{path}:{line}:{column}: error: this is not a blueprintgen baseline (version {VERSION}) "
                            f"(hint: make it again with `blueprintgen baseline {path}`)") from None
    for key, entry in entries.items():
        texts = [key, *(value for value in entry.values() if isinstance(value, str))] if isinstance(entry, dict) \
            else [key]
        if _well_formed(entry) and not any(_LONE_SURROGATE.search(t) for t in texts):
            continue
        # A hand-edited or merged baseline: point at the entry, so it can be mended or dropped.
        line, column = _position(text, json.dumps(key), 1)
        if line == 1 and column == 1:
            line, column = _position(text, json.dumps(key, ensure_ascii=False), 1)
        if _well_formed(entry):
            raise BaselineError(f"{path}:{line}:{column}: error: the baseline entry holds a `\\u` escape that "
                                "stands for no character (a lone surrogate) (hint: make the file again with "
                                f"`blueprintgen baseline {path}`, or remove the entry)")
        raise BaselineError(f"{path}:{line}:{column}: error: the baseline entry is not complete: it needs "
                            "`blueprint` and `rule` texts, `step` and `target` texts or null, and a `count` "
                            f"of 1 or more (hint: make the file again with `blueprintgen baseline {path}`, "
                            "or remove the entry)")
    return entries


class _DuplicateKey(ValueError):
    def __init__(self, key: str, seen: int):
        super().__init__(key)
        self.key, self.seen = key, seen


def _unique_keys(pairs):
    """json's object hook: a key given twice is an error (json would silently keep the last)."""
    found = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key, 2)
        found[key] = value
    return found


def _position(text: str, needle: str, occurrence: int) -> tuple[int, int]:
    """(line, column) of the `occurrence`-th `needle` in `text`; (1, 1) when it is not there."""
    at = -1
    for _ in range(occurrence):
        at = text.find(needle, at + 1)
        if at < 0:
            return 1, 1
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


# A `\udc80`-style escape that stands for no character: it could not be shown or written.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _well_formed(entry) -> bool:
    """An entry as `baseline_document` writes it (what the report and --prune read of it)."""
    return (isinstance(entry, dict) and isinstance(entry.get("blueprint"), str) and isinstance(entry.get("rule"), str)
            and all(entry.get(name) is None or isinstance(entry[name], str) for name in ("step", "target", "title"))
            and type(entry.get("count")) is int and entry["count"] > 0)


def baseline_document(findings, keep: dict[str, dict] | None = None, untouched: dict[str, dict] | None = None) -> str:
    """The baseline file's text for `findings` (plain finding records): sorted, deterministic JSON.

    With `keep` (the entries of an existing baseline), only entries that are still found stay,
    with counts no higher than before: `--prune` never accepts anything new. `untouched` entries
    (of blueprints this run did not check) are kept as they are.
    """
    counts = fingerprints(findings)
    entries = dict(untouched or {})
    for finding in findings:
        key = fingerprint(finding)
        count = counts[key] if keep is None else min(counts[key], keep.get(key, {}).get("count", 0))
        if count:
            entries[key] = {"blueprint": finding["blueprint"], "rule": finding["rule"],
                            "step": finding.get("step"), "target": finding.get("target"), "count": count}
            if finding.get("title"):   # so the entry follows the blueprint when its file (and id) is renamed
                entries[key]["title"] = finding["title"]
    document = {"version": VERSION, "tool": "blueprintgen",
                "about": "Accepted findings: `blueprintgen check --baseline FILE` reports them as accepted and "
                         "fails only on new ones. Remake with `blueprintgen baseline FILE`; "
                         "drop fixed ones with `--prune`.",
                "findings": dict(sorted(entries.items()))}
    import json

    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write_baseline(path: str, text: str) -> None:
    """Write the file atomically: a reader never sees half a file (also `check -o`).

    A symbolic link is written through, into the file it names; what is not a regular file
    (/dev/stdout, a named pipe) is written to as it is: it cannot be replaced, and must not be.
    """
    import stat
    import tempfile   # here: `check` imports this module for `fingerprint`, and tempfile is slow to import

    target = os.path.realpath(path)
    temporary = None
    try:
        try:
            mode = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            with open(target, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            return
        handle, temporary = tempfile.mkstemp(prefix=".baseline-", dir=os.path.dirname(target))
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise BaselineError(f"{path}:1:1: error: cannot write the baseline file: {error.strerror} "
                            "(hint: check that its folder exists and is writable)") from None
    finally:
        if temporary is not None:   # a full disk: no half-written file is left next to it
            try:
                os.unlink(temporary)
            except OSError:
                pass


def absent(accepted: dict[str, dict], seen: Counter, judged=None, checked: set[str] | None = None) -> list[dict]:
    """Entries of the baseline that are found fewer times than accepted (fixed), with how many.

    Only entries this run could have found: of a rule `judged(rule)` says was run (--select and
    --ignore), and of a blueprint in `checked` (the ids checked; None: all).
    """
    fixed = []
    for key, entry in sorted(accepted.items()):
        if (judged is not None and not judged(entry["rule"])) or (checked is not None
                                                                  and entry["blueprint"] not in checked):
            continue
        gone = entry["count"] - seen.get(key, 0)
        if gone > 0:
            fixed.append({**entry, "fingerprint": key, "count": gone})
    return fixed


def outside(entries: dict[str, dict], checked: set[str]) -> dict[str, dict]:
    """The entries of blueprints not among `checked` (ids): what a run over some paths leaves alone."""
    return {key: entry for key, entry in entries.items() if entry["blueprint"] not in checked}


def renamed_titles(entries: dict[str, dict]) -> dict[str, str]:
    """title -> blueprint id, for the titles only one blueprint of the baseline has (see Gate.titles)."""
    ids: dict[str, set[str]] = {}
    for entry in entries.values():
        if entry.get("title"):
            ids.setdefault(entry["title"], set()).add(entry["blueprint"])
    return {title: next(iter(found)) for title, found in ids.items() if len(found) == 1}
