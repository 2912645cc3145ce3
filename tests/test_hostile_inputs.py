"""Hostile blueprint files: every one is refused with one exact, positioned, readable line.

The table below has ONE CASE PER ROW. Each row is one file (or link, or folder) and the
exact lines `blueprintgen validate` must print for it: FILE:LINE:COL: error: message
(hint: ...). Every row must also exit 1 without a traceback, in well under 5 seconds,
with a bounded memory peak, and never quote more of the file than the offending key or
value (at most 60 characters of it).

Where the product's current message is unclear, the row asserts the message it should
give; see the notes on those rows.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest

from blueprintgen.analysis import analyse
from blueprintgen.diagram import blueprint_dot
from blueprintgen.escape import clean
from blueprintgen.loader import load_bytes, load_paths
from blueprintgen.graphviz import RenderError, render
from blueprintgen.yamltree import MAX_DEPTH, MAX_FILE_BYTES, read_tree
from clirun import invoke
from helpers import blueprintgen, needs_graphviz

SECONDS = 5.0
PEAK_BYTES = 200 * 1024 * 1024
QUOTE_LIMIT = 60
LONG = 5000          # characters of a hostile value; a message shows at most QUOTE_LIMIT of them
PWNED = "@PWNED@"    # replaced by a path in tmp_path that must never be created

# Hints the loader gives, spelled out once.
TAG_HINT = "(hint: remove the tag; every value is read as plain text)"
ALIAS_HINT = "(hint: anchors and aliases are not supported; write the value out in full)"
DEPTH_HINT = "(hint: a blueprint needs only a few levels; flatten the structure)"
ID_HINT = ("(hint: use lowercase letters, digits and '-', starting with a letter or digit, "
           "at most 64 characters)")
DURATION_HINT = ("(hint: write a number and a unit: m (minutes), h (hours), d (days) or w (weeks), "
                 "e.g. `30m`, `4h`, `2d`)")
RESERVED_HINT = "(hint: choose another id; reserved: 404, all, assets, breaks, diagrams, index, opportunities, owners, personas, rules, search, tags, trends)"
LINK_HINT = "(hint: replace the link with the blueprint file itself)"
STEP_KEYS = ("id, lane, action, owner, stage, touchpoint, channel, evidence, duration, wait, promise, "
             "fulfils, withdraws, failure, end, next, emotion, pain, measures, cost")
LANES = "customer, frontstage, backstage, support"

# A valid blueprint to break one thing in. Line numbers in the rows below count from here:
#  1 title  2 stages  3 owners  4 desk  5 channels  6 mail  7 steps  8 - id: a  9 lane  10 action
#  11 - id: b  12 lane  13 owner  14 action  15 end
VALID = """\
title: Returning a parcel
stages: [Drop-off]
owners:
  desk: {name: Returns desk}
channels:
  mail: {name: Returns inbox, watched_by: desk}
steps:
  - id: a
    lane: customer
    action: Brings the parcel.
  - id: b
    lane: frontstage
    owner: desk
    action: Refunds the customer.
    end: resolved
"""
ONE_STEP = "steps:\n  - {id: a, lane: customer, action: x, end: resolved}\n"


def valid(old: str | None = None, new: str = "", before: str = "", after: str = "") -> str:
    """VALID with `old` replaced by `new` (exactly once), `before` prepended and `after` appended."""
    text = VALID
    if old is not None:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return before + text + after


def bomb(levels: int = 9) -> str:
    """Billion laughs: 10**levels copies of 'lol' once the aliases are expanded."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Row:
    """One hostile input: how to make it and the exact lines validate prints for it.

    kind: file (write `content`), big (`content` then grow the file, sparse, to 50 MiB),
    dir (a folder named like a blueprint, given as PATH), loop (a link to itself, given
    as PATH), outside (a link in the folder to a blueprint outside it; PATH is the folder).
    `expected` lines are "LINE:COL: error: ..." without the file, which is prepended.
    """

    id: str
    content: str | bytes = ""
    expected: tuple[str, ...] = ()
    name: str | None = None
    kind: str = "file"
    note: str = ""

    @property
    def filename(self) -> str:
        return self.name or f"{self.id}.yaml"

    def data(self, pwned: Path | None = None) -> bytes:
        data = self.content if isinstance(self.content, bytes) else self.content.encode("utf-8")
        return data.replace(PWNED.encode(), str(pwned or "/nonexistent/pwned").encode())


def R(id, content="", *expected, **kw) -> Row:
    return Row(id, content, tuple(kw.pop("expected", expected)), **kw)


ROWS = [
    # -- YAML tags: nothing is ever constructed; the tag is named as the designer typed it ----------
    R("python-object-apply", f'title: !!python/object/apply:os.system ["touch {PWNED}"]\n{ONE_STEP}',
      f"1:8: error: explicit tag '!!python/object/apply:os.system' is not allowed {TAG_HINT}",
      note="regression, once: names the resolved 'tag:yaml.org,2002:python/object/apply:os.system', not what was typed"),
    R("python-name", f"title: !!python/name:os.system\n{ONE_STEP}",
      f"1:8: error: explicit tag '!!python/name:os.system' is not allowed {TAG_HINT}",
      note="regression, once: names the resolved tag:yaml.org,2002: form"),
    R("python-object-new", f"title: T\n{ONE_STEP}maintainer: !!python/object/new:subprocess.Popen [[touch, {PWNED}]]\n",
      f"4:13: error: explicit tag '!!python/object/new:subprocess.Popen' is not allowed {TAG_HINT}",
      note="regression, once: names the resolved tag:yaml.org,2002: form"),
    R("tag-str", f"title: !!str Returning a parcel\n{ONE_STEP}",
      f"1:8: error: explicit tag '!!str' is not allowed {TAG_HINT}",
      note="regression, once: names the resolved tag:yaml.org,2002: form"),
    R("tag-int-in-list", f"title: T\ntags: [retail, !!int 3]\n{ONE_STEP}",
      f"2:16: error: explicit tag '!!int' is not allowed {TAG_HINT}",
      note="regression, once: names the resolved tag:yaml.org,2002: form"),
    R("tag-custom", f"title: !custom T\n{ONE_STEP}",
      f"1:8: error: explicit tag '!custom' is not allowed {TAG_HINT}"),
    R("tag-on-mapping", valid("  desk: {name: Returns desk}", "  desk: !!map {name: Returns desk}"),
      f"4:9: error: explicit tag '!!map' is not allowed {TAG_HINT}",
      note="regression, once: names the resolved tag:yaml.org,2002: form"),
    R("tag-long", f"title: !{'t' * LONG} T\n{ONE_STEP}",
      f"1:8: error: explicit tag '!{'t' * (QUOTE_LIMIT - 2)}…' is not allowed {TAG_HINT}"),
    # -- anchors and aliases: refused at the first one, nothing is expanded -----------------------
    R("anchor", valid("title: Returning a parcel", "title: &t Returning a parcel"),
      f"1:8: error: anchor '&t' is not allowed {ALIAS_HINT}"),
    R("alias", valid("    action: Brings the parcel.", "    action: *t"),
      f"10:13: error: alias '*t' is not allowed {ALIAS_HINT}"),
    R("merge-key", valid("  desk: {name: Returns desk}", "  desk: {<<: *base}"),
      f"4:14: error: alias '*base' is not allowed {ALIAS_HINT}"),
    R("billion-laughs", bomb(), f"1:5: error: anchor '&a0' is not allowed {ALIAS_HINT}"),
    R("anchor-long-name", f"title: &{'n' * LONG} T\n{ONE_STEP}",
      f"1:8: error: anchor '&{'n' * (QUOTE_LIMIT - 1)}…' is not allowed {ALIAS_HINT}"),
    # -- nesting (limit 64, the top-level mapping included) ----------------------------------------
    R("nesting-65-flow", "title: T\nsteps: " + "[" * 64 + "]" * 64 + "\n",
      f"2:71: error: nesting deeper than {MAX_DEPTH} levels {DEPTH_HINT}"),
    R("nesting-65-block", "title: T\n" + "".join("  " * depth + "k:\n" for depth in range(64)) + "  " * 64 + "k: v\n",
      f"66:129: error: nesting deeper than {MAX_DEPTH} levels {DEPTH_HINT}"),
    # -- the file itself ---------------------------------------------------------------------------
    R("over-1-mib", b"title: T\n" + b"#" * MAX_FILE_BYTES,
      "1:1: error: the file is larger than 1024 KiB (hint: split the journey into several blueprints)"),
    R("fifty-mib-sparse", b"title: T\n", "1:1: error: the file is larger than 1024 KiB "
      "(hint: split the journey into several blueprints)", kind="big"),
    R("empty", b"", "1:1: error: the file is empty (hint: write a blueprint: at least `title:` and `steps:`)"),
    R("only-comments", b"# yaml-language-server: $schema=x\n\n   \n",
      "1:1: error: the file is empty (hint: write a blueprint: at least `title:` and `steps:`)"),
    R("latin-1", "title: Caf\u00e9 refund\n".encode("latin-1") + ONE_STEP.encode(),
      "1:11: error: the file is not valid UTF-8 (hint: save the file with UTF-8 encoding)"),
    R("utf-16", "title: T\n".encode("utf-16"),
      "1:4: error: the file is binary (it contains a NUL byte) (hint: blueprints are UTF-8 text files)"),
    R("binary-png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
      "3:1: error: the file is binary (it contains a NUL byte) (hint: blueprints are UTF-8 text files)"),
    R("top-level-list", "- title: T\n- steps: []\n",
      "1:1: error: a blueprint must be a mapping of keys at the top level, not a list "
      "(hint: start the file with `title: ...` and `steps:`)"),
    R("top-level-scalar", "Returning a parcel\n",
      "1:1: error: a blueprint must be a mapping of keys at the top level, not the text 'Returning a parcel' "
      "(hint: start the file with `title: ...` and `steps:`)"),
    R("top-level-long-scalar", "x" * LONG + "\n",
      f"1:1: error: a blueprint must be a mapping of keys at the top level, not the text '{'x' * (QUOTE_LIMIT - 1)}…' "
      "(hint: start the file with `title: ...` and `steps:`)"),
    R("second-document", valid(after="---\ntitle: Another\n"),
      "16:1: error: a second YAML document is not allowed (hint: keep one blueprint per file; remove the '---' line)"),
    R("folder-named-yaml", name="x.yaml", kind="dir",
      expected=("1:1: error: this is a folder, not a blueprint file (hint: give a .yaml file or a folder of them)",),
      note="regression, once: a folder given as PATH is searched; an empty one passes with '0 blueprint(s) valid', exit 0"),
    R("symlink-loop", kind="loop",
      expected=(f"1:1: error: the symbolic link loops back on itself {LINK_HINT}",),
      note="regression, once: click.Path(exists=True) rejects it first: exit 2, \"Path '...' does not exist\""),
    R("symlink-outside", kind="outside",
      expected=(f"1:1: error: the symbolic link points outside the blueprint folder {LINK_HINT}",)),
    # -- duplicate and unknown keys --------------------------------------------------------------
    R("duplicate-key", valid(before="title: Another title\n"),
      "2:1: error: duplicate key 'title' (first at line 1, column 1) "
      "(hint: remove one of them; YAML would silently keep only the last)"),
    R("duplicate-nested-key", valid("  desk: {name: Returns desk}", "  desk: {name: Returns desk, name: Desk}"),
      "4:30: error: duplicate key 'name' (first at line 4, column 10) "
      "(hint: remove one of them; YAML would silently keep only the last)"),
    R("duplicate-step-id", valid("  - id: b", "  - id: a"),
      "11:9: error: duplicate step id 'a' (first at line 8, column 9) (hint: give each step its own id)"),
    R("duplicate-stage", valid("stages: [Drop-off]", "stages: [Drop-off, Drop-off]"),
      "2:20: error: duplicate stage 'Drop-off' (hint: each stage appears once; remove this one)"),
    R("unknown-key", valid(before="summray: Parcels come back.\n"),
      "1:1: error: unknown key 'summray' in the blueprint (hint: did you mean 'summary'?)"),
    R("unknown-step-key", valid("    lane: customer", "    lane: customer\n    evidnce: Receipt"),
      "10:5: error: unknown key 'evidnce' in steps[0] (hint: did you mean 'evidence'?)"),
    R("unknown-key-long", valid(after=f"? {'k' * LONG}\n: v\n"),
      f"16:3: error: unknown key '{'k' * (QUOTE_LIMIT - 1)}…' in the blueprint (hint: known keys: title, id, "
      "summary, status, redesigns, maintainer, tags, stages, owners, channels, steps, ignore, persona, opportunities, realises)"),
    R("key-not-text", valid(before="? [a, b]\n: c\n"),
      "1:3: error: a key must be plain text, not a list or mapping (hint: write keys as simple words followed by ':')"),
    # -- wrong types and missing values ----------------------------------------------------------
    R("title-is-a-list", valid("title: Returning a parcel", "title: [Returning, a parcel]"),
      "1:8: error: title must be text, not a list "
      "(hint: write a single line of text, quoted if it contains ': ' or starts with a symbol)"),
    R("steps-is-text", "title: T\nsteps: Bring the parcel\n",
      "2:8: error: steps must be a list, not the text 'Bring the parcel' (hint: write one `- ` entry per item)"),
    R("step-is-text", "title: T\nsteps:\n  - Bring the parcel\n",
      f"3:5: error: steps[0] must be a mapping of keys, not the text 'Bring the parcel' "
      f"(hint: write it as `key: value` lines; keys: {STEP_KEYS})"),
    R("tags-is-text", valid(before="tags: retail\n"),
      "1:7: error: tags must be a list (hint: write it as a list: `tags: [first, second]`)"),
    R("action-is-mapping", valid("    action: Brings the parcel.", "    action: {what: Brings the parcel}"),
      "10:13: error: steps[0].action must be text, not a mapping "
      "(hint: write a single line of text, quoted if it contains ': ' or starts with a symbol)"),
    R("empty-title", valid("title: Returning a parcel", "title: ''"),
      "1:8: error: title must not be empty (hint: write the text, or remove the key)"),
    R("missing-title", valid("title: Returning a parcel\n", ""),
      "1:1: error: the blueprint has no 'title' (hint: add `title:`, name of the journey, as people say it)"),
    R("step-without-id", "title: T\nsteps:\n  - {lane: customer, action: x}\n  - {id: b, lane: customer, action: y, end: resolved}\n",
      "3:5: error: steps[0] has no 'id' (hint: add `id:`, unique id of the step in this blueprint)",
      note="regression, once: crashes with AttributeError in loader._read_next (implicit edge of a step with no id)"),
    R("step-with-empty-id", "title: T\nsteps:\n  - {id: , lane: customer, action: x}\n  - {id: b, lane: customer, action: y, end: resolved}\n",
      "3:5: error: steps[0] has no 'id' (hint: add `id:`, unique id of the step in this blueprint)",
      note="regression, once: crashes with AttributeError in loader._read_next"),
    R("empty-steps", "title: T\nsteps: []\n",
      "2:8: error: steps must not be empty (hint: add at least one step with `id`, `lane` and `action`)"),
    R("bad-lane", valid("    lane: customer", "    lane: Customer"),
      f"9:11: error: steps[0].lane 'Customer' is not one of: {LANES} (hint: did you mean 'customer'?)"),
    R("bad-lane-long", valid("    lane: customer", f"    lane: {'z' * LONG}"),
      f"9:11: error: steps[0].lane '{'z' * (QUOTE_LIMIT - 1)}…' is not one of: {LANES}"),
    R("control-characters-in-value", valid("    lane: customer", '    lane: "\\e[2J\\e]0;pwned\\a\\u202ecustomer"'),
      f"9:11: error: steps[0].lane '\ufffd[2J\ufffd]0;pwned\ufffd\ufffdcustomer' is not one of: {LANES}"),
    R("raw-control-character", valid("title: Returning a parcel", "title: Returning a\x07parcel"),
      "1:19: error: the file contains the control character U+0007, which YAML does not allow "
      "(hint: delete it; most editors do not show it)",
      note="regression, once: 1:1 and a two-line PyYAML message: 'YAML error: unacceptable character #x0007: ...\\n  in "
           "\"<unicode string>\", position 18'"),
    R("bad-end", valid("    end: resolved", "    end: done"),
      "15:10: error: steps[1].end 'done' is not one of: resolved, abandoned (hint: did you mean 'abandoned'?)"),
    R("bad-status", valid(before="status: asis\n"),
      "1:9: error: status 'asis' is not one of: as-is, to-be (hint: did you mean 'as-is'?)"),
    R("customer-step-with-owner", valid("    lane: customer", "    lane: customer\n    owner: desk"),
      "10:12: error: steps[0] is in the customer lane, so it has no owner "
      "(hint: remove `owner:`, or move the step to a staff lane (frontstage, backstage, support))"),
    R("end-and-next", valid("    end: resolved", "    end: resolved\n    next: a"),
      "16:11: error: steps[1] has both `end: resolved` and `next:` "
      "(hint: a step that ends the journey has nothing next; remove `next:` or `end:`)"),
    # -- every kind of reference -----------------------------------------------------------------
    R("unknown-next-step", valid("    action: Brings the parcel.", "    action: Brings the parcel.\n    next: c"),
      "11:11: error: steps[0].next[0] refers to unknown step 'c' (hint: known steps: a, b)"),
    R("unknown-next-to", valid("    action: Brings the parcel.", "    action: Brings the parcel.\n    next: [{to: bb}]"),
      "11:17: error: steps[0].next[0].to refers to unknown step 'bb' (hint: did you mean 'b'?)"),
    R("unknown-owner", valid("    owner: desk", "    owner: dsk"),
      "13:12: error: steps[1].owner refers to unknown owner 'dsk' (hint: did you mean 'desk'?)"),
    R("unknown-owner-long", valid("    owner: desk", f"    owner: {'q' * LONG}"),
      f"13:12: error: steps[1].owner refers to unknown owner '{'q' * (QUOTE_LIMIT - 1)}…' (hint: known owners: desk)"),
    R("unknown-watcher", valid("watched_by: desk", "watched_by: nobody"),
      "6:43: error: channels.mail.watched_by refers to unknown owner 'nobody' (hint: known owners: desk)"),
    R("unknown-stage-hostile-known", valid("stages: [Drop-off]", f'stages: [Drop-off, "\\e[2J{"S" * LONG}"]',
                                           after="    stage: Pick-up\n"),
      f"16:12: error: steps[1].stage refers to unknown stage 'Pick-up' "
      f"(hint: known stages: \ufffd[2J{'S' * (QUOTE_LIMIT - 5)}…, Drop-off)",
      note="regression, once: the hint lists every known stage raw: 5,004 characters with the ESC"),
    R("unknown-step-among-many", "title: T\nsteps:\n  - {id: s00, lane: customer, action: x, next: zzz}\n"
      + "".join(f"  - {{id: s{i:02d}, lane: customer, action: x}}\n" for i in range(1, 30)),
      "3:48: error: steps[0].next[0] refers to unknown step 'zzz' "
      "(hint: known steps: s00, s01, s02, s03, s04, s05, s06, s07, … (22 more))",
      note="regression, once: the hint lists all 30 ids; unbounded (and quadratic) on big files"),
    R("unknown-channel", valid("    end: resolved", "    channel: fax\n    end: resolved"),
      "15:14: error: steps[1].channel refers to unknown channel 'fax' (hint: known channels: mail)"),
    R("unknown-via", valid("    action: Brings the parcel.", "    action: Brings the parcel.\n    next: [{to: b, via: mial}]"),
      "11:25: error: steps[0].next[0].via refers to unknown channel 'mial' (hint: did you mean 'mail'?)"),
    R("unknown-stage", valid("    end: resolved", "    stage: Pick-up\n    end: resolved"),
      "15:12: error: steps[1].stage refers to unknown stage 'Pick-up' (hint: known stages: Drop-off)"),
    R("unknown-recovery", valid("    action: Brings the parcel.",
                                "    action: Brings the parcel.\n    failure: {what: Lost, recovery: zz}"),
      "11:37: error: steps[0].failure.recovery refers to unknown step 'zz' (hint: known steps: a, b)"),
    R("unknown-fulfils", valid("    end: resolved", "    fulfils: zz\n    end: resolved"),
      "15:14: error: steps[1].fulfils refers to unknown step 'zz' (hint: known steps: a, b)"),
    R("fulfils-without-promise", valid("    end: resolved", "    fulfils: a\n    end: resolved"),
      "15:14: error: step 'b' fulfils step 'a', which makes no promise "
      "(hint: add a `promise:` to step 'a', or point `fulfils:` at the step that made it)"),
    R("unknown-ignore-step", valid(after="ignore:\n  - {rule: dead-end, step: zz, reason: Known.}\n"),
      "17:28: error: ignore[0].step refers to unknown step 'zz' (hint: known steps: a, b)"),
    R("unknown-ignore-rule", valid(after="ignore:\n  - {rule: dead-ends, reason: Known.}\n"),
      "17:12: error: ignore[0].rule 'dead-ends' is not one of: dead-end, broken-promise, vague-promise, "
      "late-promise, missing-owner, unwatched-channel, no-deadline, context-lost, silent-backstage, long-silence, "
      "unrecovered-failure, customer-chases, handoff-chain, unreachable-step, unused-ignore (hint: did you mean "
      "'dead-end'?)"),
    R("unknown-redesigns", valid(before="status: to-be\nredesigns: no-such-blueprint\n"),
      "2:12: error: redesigns unknown blueprint 'no-such-blueprint' "
      "(hint: check the id of the as-is blueprint, and check it together with this one)"),
    R("redesigns-from-as-is", valid(before="redesigns: other\n"),
      "1:12: error: only a to-be blueprint can redesign another (hint: add `status: to-be`, or remove `redesigns:`)"),
    # -- ids: never a path, never a page of the site --------------------------------------------
    R("id-dot-dot", valid(before="id: ../x\n"), f"1:5: error: id '../x' is not a valid id {ID_HINT}"),
    R("id-absolute", valid(before="id: /abs\n"), f"1:5: error: id '/abs' is not a valid id {ID_HINT}"),
    R("id-slash", valid(before="id: a/b\n"), f"1:5: error: id 'a/b' is not a valid id {ID_HINT}"),
    R("id-backslash", valid(before="id: a\\b\n"), f"1:5: error: id 'a\\b' is not a valid id {ID_HINT}"),
    R("id-uppercase", valid(before="id: CON\n"), f"1:5: error: id 'CON' is not a valid id {ID_HINT}"),
    R("id-leading-hyphen", valid(before="id: -x\n"), f"1:5: error: id '-x' is not a valid id {ID_HINT}"),
    R("id-65-characters", valid(before=f"id: {'a' * 65}\n"), f"1:5: error: id '{'a' * 59}…' is not a valid id {ID_HINT}"),
    R("id-unicode", valid(before="id: caf\u00e9\n"), f"1:5: error: id 'caf\u00e9' is not a valid id {ID_HINT}"),
    R("id-newline", valid(before='id: "a\\nb"\n'), f"1:5: error: id 'a\ufffdb' is not a valid id {ID_HINT}"),
    R("redesigns-bad-id", valid(before="status: to-be\nredesigns: ../as-is\n"),
      f"2:12: error: redesigns '../as-is' is not a valid id {ID_HINT}"),
    R("step-id-bad", valid("  - id: a\n", "  - id: Step_A\n", after=""),
      f"8:9: error: steps[0].id 'Step_A' is not a valid id {ID_HINT}"),
    *[R(f"reserved-{word}", valid(before=f"id: '{word}'\n"),
        f"1:5: error: the id '{word}' is reserved for a page of the site {RESERVED_HINT}")
      for word in ("index", "breaks", "owners", "rules", "tags", "assets", "search", "404")],
    R("reserved-file-name", valid(), name="search.yaml",
      expected=(f"1:1: error: the id 'search' is reserved for a page of the site {RESERVED_HINT}",)),
    R("file-name-not-an-id", valid(), name="My Refund.yaml",
      expected=("1:1: error: the file name 'My Refund' is not a valid blueprint id "
                "(hint: add `id:` with lowercase letters, digits and '-', or rename the file)",)),
    # -- durations -------------------------------------------------------------------------------
    *[R(f"duration-{label}", valid("    action: Brings the parcel.", f"    action: Brings the parcel.\n    wait: {value}"),
        f"11:11: error: steps[0].wait '{value}' is not a duration {DURATION_HINT}")
      for label, value in (("words", "2 days"), ("capital", "2D"), ("negative", "-1h"), ("exponent", "1e3h"),
                           ("no-leading-digit", ".5h"), ("month", "1mo"), ("inf", ".inf"))],
    R("duration-huge-number", valid("    action: Brings the parcel.",
                                    f"    action: Brings the parcel.\n    wait: {'9' * 400}w"),
      f"11:11: error: steps[0].wait '{'9' * 59}…' is not a duration {DURATION_HINT}",
      note="regression, once: crashes with OverflowError (float('9'*400) is inf; round(inf) in loader.duration)"),
]

def _by_id(rows):
    ids = [row.id for row in rows]
    assert len(ids) == len(set(ids)), "row ids must be unique"
    return rows


ROWS = _by_id(ROWS)


def _make(row: Row, folder: Path, outside: Path, pwned: Path) -> tuple[Path, Path]:
    """Create the row's input in `folder`; return (PATH to give validate, the file problems name)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / row.filename
    if row.kind == "file":
        path.write_bytes(row.data(pwned))
        return path, path
    if row.kind == "big":
        path.write_bytes(row.data(pwned))
        with open(path, "r+b") as handle:
            handle.truncate(50 * 1024 * 1024)   # sparse: costs no disk, must not be read whole
        return path, path
    if row.kind == "dir":
        path.mkdir()
        return path, path
    if row.kind == "loop":
        path.symlink_to(path.name)
        return path, path
    if row.kind == "outside":
        outside.mkdir(parents=True, exist_ok=True)
        target = outside / "secret.yaml"
        target.write_text(f"title: Secret\n{ONE_STEP}", encoding="utf-8")
        path.symlink_to(target)
        return folder, path
    raise AssertionError(row.kind)


def _validate(path: Path, cwd: Path):
    """Run `blueprintgen validate PATH` in `cwd`; return (result, seconds, peak traced bytes)."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = invoke("validate", path, cwd=cwd, catch_exceptions=True)
    finally:
        seconds = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, seconds, peak


def _quotes(line: str) -> list[str]:
    """The values a message quotes between single quotes."""
    return re.findall(r"'([^']*)'", line)


def _assert_refused(result, seconds: float, peak: int, expected: list[str], note: str = "") -> None:
    output = result.output
    assert "Traceback" not in output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"validate raised {result.exception!r} {note}") from result.exception
    assert result.stdout.splitlines() == expected, note
    assert result.exit_code == 1, output
    assert seconds < SECONDS, f"took {seconds:.1f} s"
    assert peak < PEAK_BYTES, f"peak {peak / 2**20:.0f} MiB"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_each_hostile_input_gives_its_exact_line(row, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # no mkdocs.yml: default settings
    pwned = tmp_path / "pwned"
    path, file = _make(row, tmp_path / "blueprints", tmp_path / "outside", pwned)
    result, seconds, peak = _validate(path, tmp_path)
    assert not pwned.exists(), "a YAML tag ran code"
    _assert_refused(result, seconds, peak, [f"{file}:{line}" for line in row.expected], row.note)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_messages_quote_at_most_the_offending_value(row, tmp_path):
    """Whatever a file holds, a message shows at most 60 characters of any value, and no controls."""
    for line in row.expected:
        for quoted in _quotes(line):
            assert len(quoted.removeprefix("&").removeprefix("*")) <= QUOTE_LIMIT, quoted
        assert clean(line) == line and "\x1b" not in line


def test_a_folder_of_every_hostile_file_gives_one_clear_line_each(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "blueprints"
    pwned = tmp_path / "pwned"
    expected = []
    for row in ROWS:
        if row.kind == "dir":
            continue   # a folder inside the blueprint folder is searched, as it should be
        _, file = _make(row, folder, tmp_path / "outside", pwned)
        for line in row.expected:
            number, column, rest = line.split(":", 2)
            expected.append((str(file), int(number), int(column), rest))
    result, seconds, peak = _validate(folder, tmp_path)
    assert not pwned.exists()
    lines = [f"{file}:{number}:{column}:{rest}" for file, number, column, rest in sorted(expected)]
    _assert_refused(result, seconds, peak, lines)
    files_with_lines = {line.split(":", 1)[0] for line in result.stdout.splitlines()}
    assert len(files_with_lines) == len([row for row in ROWS if row.kind != "dir"])


def test_tags_never_construct_anything(tmp_path):
    pwned = tmp_path / "pwned"
    for text in (f'title: !!python/object/apply:os.system ["touch {pwned}"]\n',
                 f"title: !!python/object/new:subprocess.check_call [[touch, {pwned}]]\n",
                 f'title: !!python/object/apply:builtins.exec ["open({str(pwned)!r}, \\"w\\")"]\n'):
        loaded = load_bytes(text.encode(), "t.yaml", "t")
        assert loaded.blueprints == () and len(loaded.problems) == 1
        assert not pwned.exists()


def test_the_depth_limit_is_64_levels_counting_the_top_level_mapping():
    deepest = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    root, errors = read_tree(deepest)
    assert errors == [] and root is not None
    _, errors = read_tree("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n")
    assert [(e.line, e.column, e.message) for e in errors] == [(1, 4 + MAX_DEPTH - 1, "nesting deeper than 64 levels")]


def test_a_file_of_exactly_one_mib_is_still_read(tmp_path):
    text = f"title: T\n{ONE_STEP}".encode()
    path = tmp_path / "full.yaml"
    path.write_bytes(text + b"#" * (MAX_FILE_BYTES - len(text)))
    assert path.stat().st_size == MAX_FILE_BYTES
    loaded = load_paths([str(path)])
    assert loaded.problems == () and len(loaded.blueprints) == 1


@pytest.mark.parametrize("text", [
    b"title: T\nsteps: " + b"[" * 30000 + b"]" * 30000 + b"\n",
    b"title: T\nsteps: " + b"{a: " * 30000 + b"}" * 30000 + b"\n",
    b"title: T\nsteps:\n" + b"- " * 30000 + b"x\n",
], ids=["brackets", "braces", "dashes"])
def test_thirty_thousand_levels_do_not_crash_the_process(text, tmp_path):
    """libyaml's recursive composer would overflow the C stack (exit 139); we never use it."""
    path = tmp_path / "deep.yaml"
    path.write_bytes(text)
    completed = blueprintgen("validate", path, cwd=tmp_path, timeout=60)
    assert completed.returncode == 1, (completed.returncode, completed.stderr[-2000:])
    assert "Traceback" not in completed.stderr
    lines = completed.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}:")
    assert lines[0].endswith(f": error: nesting deeper than {MAX_DEPTH} levels {DEPTH_HINT}")


# -- a full megabyte of hostile content: bounded time and memory ------------------------------------

_MEASURE = r"""
import json, sys, time, tracemalloc
from blueprintgen.loader import load_paths
path = sys.argv[1]
started = time.monotonic()
loaded = load_paths([path])
seconds = time.monotonic() - started
peak = None
if seconds < float(sys.argv[2]):
    tracemalloc.start()
    load_paths([path])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
print(json.dumps({"seconds": seconds, "peak": peak, "count": len(loaded.problems),
                  "first": str(loaded.problems[0]) if loaded.problems else None}))
"""


def _megabyte(head: str, line, tail: str = "") -> bytes:
    """`head`, then `line(i)` for i = 0, 1, ... as long as the file stays within 1 MiB, then `tail`."""
    parts, size, index = [head.encode()], len(head) + len(tail), 0
    while True:
        item = line(index).encode()
        if size + len(item) > MAX_FILE_BYTES:
            break
        parts.append(item)
        size += len(item)
        index += 1
    return b"".join(parts) + tail.encode()


MEGABYTES = [
    # Past 100,000 values (a 40-step blueprint has about 500) reading stops with one line.
    ("many-list-items", lambda: _megabyte("title: T\nsteps:\n", lambda i: "- x\n"),
     "100000:3: error: more than 100,000 values in one file (hint: split the journey into several blueprints)"),
    ("many-flow-items", lambda: _megabyte("title: T\nsteps: [", lambda i: "x,", "]"),
     "2:200003: error: more than 100,000 values in one file (hint: split the journey into several blueprints)"),
    ("many-duplicate-keys", lambda: _megabyte(f"title: T\n{ONE_STEP}", lambda i: "a: b\n"),
     "5:1: error: duplicate key 'a' (first at line 4, column 1)"),
    ("many-valid-steps", lambda: _megabyte("title: T\nsteps:\n",
                                           lambda i: f"  - {{id: s{i}, lane: customer, action: x}}\n"),
     "16669:10: error: more than 100,000 values in one file"),
    ("many-unknown-references", lambda: _megabyte("title: T\nsteps:\n",
                                                  lambda i: f"  - {{id: s{i}, lane: customer, action: x, next: q{i}}}\n"),
     "12502:42: error: more than 100,000 values in one file"),
]


@pytest.mark.slow
@pytest.mark.parametrize("make, first", [m[1:] for m in MEGABYTES], ids=[m[0] for m in MEGABYTES])
def test_a_megabyte_of_hostile_content_loads_in_bounded_time_and_memory(make, first, tmp_path):
    """Within the 1 MiB limit, nothing may be quadratic or unbounded: < 5 s and < 200 MB traced peak.

    Measured in a child process that is stopped after 30 s, so a blow-up fails instead of hanging.
    """
    path = tmp_path / "big.yaml"
    path.write_bytes(make())
    assert path.stat().st_size <= MAX_FILE_BYTES
    try:
        completed = subprocess.run([sys.executable, "-c", _MEASURE, str(path), str(SECONDS)], cwd=tmp_path,
                                   capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("loading a 1 MiB file took more than 30 s")
    assert completed.returncode == 0, completed.stderr[-2000:]
    measured = json.loads(completed.stdout)
    if first is None:
        assert measured["count"] == 0, measured["first"]
    else:
        assert measured["first"].startswith(f"{path}:{first}")
    assert measured["seconds"] < SECONDS, f"loading took {measured['seconds']:.1f} s"
    assert measured["peak"] < PEAK_BYTES, f"peak {measured['peak'] / 2**20:.0f} MiB"


# -- text stays text ----------------------------------------------------------------------------

def test_text_fields_keep_exactly_what_was_typed():
    text = """\
title: NO
summary: 1.10
maintainer: 2024-01-01
tags: [yes, ~x, 0x1F, .inf, .NaN, 0o17, +1, 1_000, Off, 12:30:00, 1e3, "null", '~', NULL, Null]
stages: [No, 2024-01-01]
owners:
  desk: {name: 0x1F, team: .inf, contact: +44 20 7946 0000}
channels:
  mail: {name: ~x, watched_by: desk, response: 1.5h}
steps:
  - id: '1'
    lane: customer
    stage: No
    action: yes
    touchpoint: Off
    evidence: 12:30:00
    next: [{to: '2', via: mail, carries: [~, null, NULL, 1.0, 'true']}]
  - id: '2'
    lane: frontstage
    owner: desk
    stage: 2024-01-01
    action: .inf
    promise: {what: 1e3, within: 2d}
    failure: {what: =}
    end: resolved
"""
    loaded = load_bytes(text.encode(), "text.yaml", "text")
    assert loaded.problems == ()
    b, = loaded.blueprints
    first, second = b.steps
    assert (b.title, b.summary, b.maintainer) == ("NO", "1.10", "2024-01-01")
    assert b.tags == ("yes", "~x", "0x1F", ".inf", ".NaN", "0o17", "+1", "1_000", "Off", "12:30:00", "1e3",
                      "null", "~", "NULL", "Null")   # each tag once: a tag listed twice is an error
    assert b.stages == ("No", "2024-01-01")
    assert (b.owners[0].name, b.owners[0].team, b.owners[0].contact) == ("0x1F", ".inf", "+44 20 7946 0000")
    assert (b.channels[0].name, b.channels[0].response.text, b.channels[0].response.minutes) == ("~x", "1.5h", 90)
    assert (first.id, first.stage, first.action, first.touchpoint, first.evidence) == ("1", "No", "yes", "Off", "12:30:00")
    assert first.next[0].carries == ("~", "null", "NULL", "1.0", "true")
    assert (second.id, second.stage, second.action) == ("2", "2024-01-01", ".inf")
    assert (second.promise.what, second.failure.what) == ("1e3", "=")


# -- output never leaves its folder, and never carries terminal controls ---------------------------

def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_render_writes_only_inside_the_output_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blueprints = tmp_path / "blueprints"
    blueprints.mkdir()
    (blueprints / "ok.yaml").write_text(VALID, encoding="utf-8")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    out = tmp_path / "deep" / "out"
    out.mkdir(parents=True)
    (out / "ok.dot").symlink_to(victim)          # a planted link must be replaced, not written through
    before = _tree(tmp_path)
    result = invoke("render", blueprints, "-o", out, "--format", "dot", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "keep me\n"
    assert not (out / "ok.dot").is_symlink() and (out / "ok.dot").read_text().startswith("digraph")
    assert _tree(tmp_path) - before == set()    # nothing new anywhere: ok.dot replaced the link in place
    assert sorted(p.name for p in out.iterdir()) == ["ok.dot"]


@pytest.mark.parametrize("blueprint_id", ["../escape", "/tmp/escape", "a/b", "..", "index"])
def test_render_refuses_ids_that_would_leave_the_output_folder(blueprint_id, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blueprints = tmp_path / "blueprints"
    blueprints.mkdir()
    (blueprints / "ok.yaml").write_text(f"id: '{blueprint_id}'\n{VALID}", encoding="utf-8")
    before = _tree(tmp_path)
    result = invoke("render", blueprints, "-o", tmp_path / "out", "--format", "dot", cwd=tmp_path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"{blueprints / 'ok.yaml'}:1:5: error: ")
    assert _tree(tmp_path) == before
    assert not Path("/tmp/escape.dot").exists()


def test_check_output_carries_no_terminal_controls_from_a_blueprint(tmp_path, monkeypatch):
    """Owner and channel names end up in finding messages; ESC, BEL and bidi overrides must not."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "controls.yaml"
    path.write_text("""\
title: "Refund \\e[2J"
owners:
  o1: {name: "Desk \\e]0;pwned\\a \\u202eevil"}
  o2: {name: Back office}
channels:
  inbox: {name: "Inbox \\e[8m"}
steps:
  - {id: a, lane: frontstage, owner: o1, action: Takes the request., channel: inbox}
  - {id: b, lane: backstage, owner: o2, action: Refunds., end: resolved}
""", encoding="utf-8")
    assert load_paths([str(path)]).problems == ()
    for fmt in ("text", "github"):
        result = invoke("check", path, "--format", fmt, "--fail-on", "never", cwd=tmp_path)
        assert result.exit_code == 0, result.output
        assert "Desk" in result.stdout
        assert clean(result.stdout) == result.stdout, repr([c for c in result.stdout if clean(c) != c])


INVISIBLE = '"\\u202e\\u200e\\e"'   # in YAML: RIGHT-TO-LEFT OVERRIDE, LEFT-TO-RIGHT MARK, ESC
INVISIBLE_FIELDS = {
    "title": ("title: Returning a parcel", f"title: {INVISIBLE}"),
    "stage": ("stages: [Drop-off]", f"stages: [{INVISIBLE}]"),
    "owner-name": ("  desk: {name: Returns desk}", f"  desk: {{name: {INVISIBLE}}}"),
    "action": ("    action: Brings the parcel.", f"    action: {INVISIBLE}"),
    "evidence": ("    action: Brings the parcel.", f"    action: Brings the parcel.\n    evidence: {INVISIBLE}"),
}


@needs_graphviz
@pytest.mark.parametrize("field", sorted(INVISIBLE_FIELDS))
def test_text_of_only_invisible_characters_is_refused_or_drawn(field):
    """Text that is empty once control and bidi characters are removed must not break the diagram.

    Either the loader refuses it with a position, or Graphviz draws it. Today the loader accepts
    it and the diagram has an empty <B></B> or <FONT></FONT>, which Graphviz rejects: render and
    the whole site build fail with a Graphviz syntax error that names no file, line or field.
    """
    old, new = INVISIBLE_FIELDS[field]
    text = valid(old, new)
    if field == "stage":
        text = text.replace("    end: resolved", f"    stage: {INVISIBLE}\n    end: resolved")
    loaded = load_bytes(text.encode(), "invisible.yaml", "invisible")
    if loaded.problems:
        assert all(p.line > 1 or field == "title" for p in loaded.problems), loaded.problems
        return
    blueprint, = loaded.blueprints
    failure = None
    try:
        render(blueprint_dot(analyse(blueprint)), "svg", timeout=20)
    except RenderError as error:
        failure = str(error)
    assert failure is None, f"a valid blueprint cannot be drawn: {failure[:300]}"


def test_a_fifo_named_like_a_blueprint_does_not_hang_validate(tmp_path):
    """Opening a FIFO blocks until someone writes to it; validate must report it instead."""
    folder = tmp_path / "blueprints"
    folder.mkdir()
    fifo = folder / "pipe.yaml"
    os.mkfifo(fifo)
    try:
        completed = blueprintgen("validate", folder, cwd=tmp_path, timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail("validate hangs on a FIFO named pipe.yaml")
    assert completed.returncode == 1 and "Traceback" not in completed.stderr
    assert completed.stdout.startswith(f"{fifo}:1:1: error: ")


# -- texts longer than Graphviz takes: validate, render and build agree ----------------------------

@pytest.mark.parametrize("long", ["x" * 17_000, "word " * 3_500, "\u6f22" * 5_520, "<&>\"'" * 3_000],
                         ids=["one-word", "words", "cjk", "escaped"])
def test_texts_longer_than_graphviz_takes_are_drawn_shortened(long, tmp_path):
    """Graphviz refuses a label over 16,384 bytes ("longer than 16384?"); the card shows the start of
    such a text with an ellipsis, the tooltip a longer start, and the page (tested elsewhere) all of it."""
    data = {"title": long, "owners": {"desk": {"name": long}},
            "steps": [{"id": "a", "lane": "customer", "action": long, "evidence": long, "next": "b",
                       "promise": {"what": long}},
                      {"id": "b", "lane": "frontstage", "owner": "desk", "action": long, "fulfils": "a",
                       "failure": {"what": long}, "end": "resolved"}]}
    path = tmp_path / "long.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")
    validated = invoke("validate", path)
    assert validated.exit_code == 0, validated.output
    blueprint, = load_paths([str(path)]).blueprints
    svg = render(blueprint_dot(analyse(blueprint)), "svg", timeout=60).decode("utf-8")
    assert "\u2026" in svg
    rendered = invoke("render", path, "-o", tmp_path / "out")
    assert rendered.exit_code == 0, rendered.output
