"""The JSON Schema agrees with `validate`: a real validator accepts every valid blueprint, and catches what it can."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from blueprint_factory import blueprint_yaml, hostile_yaml
from blueprintgen.config import ConfigError, settings_from_options
from blueprintgen.loader import load_bytes, load_paths
from blueprintgen.rules import options
from blueprintgen.schema import json_schema, settings_schema
from blueprintgen.settings import option_docs
from blueprintgen.yamltree import Mapping, Scalar, Sequence, read_tree
from helpers import BROKEN, EXAMPLES, ROOT


# Plain scalars as YAML 1.2's core schema reads them: how an editor's YAML server (yaml-language-server)
# hands a file to the schema. Everything else is a string.
_NULL = re.compile(r"~|null|Null|NULL|")
_TRUE, _FALSE = re.compile(r"true|True|TRUE"), re.compile(r"false|False|FALSE")
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")

# The broken files the schema catches: each breaks a rule JSON Schema can state (a key, a type, a pattern,
# a choice, a required key, or a rule between two keys of one object). The others need what a schema cannot
# see: references to ids elsewhere in the file or in other files, the YAML text itself (tags, anchors,
# duplicate keys, syntax), the file's bytes, or the order of the steps.
CAUGHT = {
    "bad-blueprint-id", "bad-cost", "bad-duration", "bad-lane", "bad-step-id", "emotion-on-staff-step",
    "emotion-out-of-range", "emotion-unknown-key", "emotion-without-score", "empty-steps", "end-and-next",
    "measure-unknown-key", "measure-without-name", "missing-action", "missing-title", "opportunity-bad-impact",
    "opportunity-without-what", "pain-mapping", "persona-unknown-key", "persona-without-name",
    "realises-without-redesigns", "top-level-list", "unknown-key", "unknown-rule", "withdraws-backstage", "wrong-type",
}
# Files an editor's YAML server refuses before any schema is applied.
NOT_YAML_DATA = {"anchor", "duplicate-key", "empty", "explicit-tag", "second-document", "syntax-error", "too-deep"}


def _value(node):
    if isinstance(node, Mapping):
        return {key.text: _value(value) for key, value in node.items}
    if isinstance(node, Sequence):
        return [_value(item) for item in node.items]
    text = node.text
    if not node.plain:
        return text
    if _NULL.fullmatch(text):
        return None
    if _TRUE.fullmatch(text) or _FALSE.fullmatch(text):
        return bool(_TRUE.fullmatch(text))
    if _INT.fullmatch(text):
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def as_editor_reads(text: str):
    """The file's data as YAML 1.2 core types, or None when the YAML itself is refused."""
    root, errors = read_tree(text)
    return None if errors or root is None else _value(root)


VALIDATOR = jsonschema.Draft202012Validator(json_schema())


def schema_errors(text: str) -> list[str]:
    data = as_editor_reads(text)
    assert data is not None
    return [error.message for error in VALIDATOR.iter_errors(data)]


def test_the_schema_itself_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(json_schema())


def test_committed_schema_is_the_generated_one():
    assert json.loads((ROOT / "schema" / "blueprint.schema.json").read_text()) == json_schema()


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_schema_accepts_every_example(path):
    assert load_paths([str(EXAMPLES)]).problems == ()
    assert schema_errors(path.read_text(encoding="utf-8")) == []


TYPED = """title: 2024
tags: [2024, 1.10, yes, true, ~x]
stages: [1, 2]
owners:
  007: {name: 007, team: 1.5, contact: true}
steps:
  - {id: 1, lane: customer, stage: 1, action: 1.10, emotion: -2, cost: 12.50, pain: 404}
  - {id: a, lane: frontstage, owner: 007, stage: 2, action: "yes", measures: [{name: 1, value: 12, target: 5.5}],
     emotion: ~, cost: 3 EUR, end: resolved, next: []}
persona: {name: 007, needs: [1, two]}
opportunities: [{id: 1, what: 2, steps: [1, a], impact: high}]
summary:
maintainer: ~
"""


def test_values_typed_as_numbers_or_booleans_are_valid_for_both():
    assert load_bytes(TYPED.encode(), "typed.yaml", "typed").problems == ()
    assert schema_errors(TYPED) == []


@pytest.mark.parametrize("seed", range(12))
def test_schema_accepts_generated_valid_blueprints(seed):
    text = blueprint_yaml(steps=15, seed=seed, branching=0.3, looping=0.2)
    assert load_bytes(text.encode(), "g.yaml", "g").problems == ()
    assert schema_errors(text) == []


def test_schema_accepts_the_hostile_but_valid_blueprint():
    text = hostile_yaml(long=500)
    assert load_bytes(text.encode(), "h.yaml", "h").problems == ()
    assert schema_errors(text) == []


def _caught() -> tuple[set[str], set[str]]:
    caught, unread = set(), set()
    for path in sorted(BROKEN.glob("*.yaml")):
        data = as_editor_reads(path.read_text(encoding="utf-8"))
        if data is None:
            unread.add(path.stem)
        elif not VALIDATOR.is_valid(data):
            caught.add(path.stem)
    return caught, unread


def test_which_broken_files_the_schema_catches():
    """Every broken file is refused by validate (test_loader); this records which ones an editor underlines."""
    caught, unread = _caught()
    assert unread == NOT_YAML_DATA
    assert caught == CAUGHT
    missed = {path.stem for path in BROKEN.glob("*.yaml")} - caught - unread
    # What only validate sees: references, uniqueness of ids, promises between steps, files together.
    assert missed == {
        "duplicate-opportunity-id", "duplicate-step-id", "fulfils-no-promise", "mixed-currencies",
        "opportunity-unknown-owner", "opportunity-unknown-step", "redesigns-unknown", "unknown-channel",
        "unknown-owner", "unknown-stage", "unknown-step", "unknown-watcher",
    }


@pytest.mark.parametrize("text, words", [
    ("title: T\nid: index\nsteps: [{id: a, lane: customer, action: x, end: resolved}]\n", "should not be valid"),
    ("title: T\nstages: [A, A]\nsteps: [{id: a, lane: customer, action: x, stage: A, end: resolved}]\n",
     "non-unique elements"),
    ("title: T\ntags: ['', x]\nsteps: [{id: a, lane: customer, action: x, end: resolved}]\n", "does not match"),
    ("title: T\nowners: {d: {name: D}}\nsteps: [{id: a, lane: customer, owner: d, action: x, end: resolved}]\n",
     "is not of type 'null'"),
    ("title: T\nredesigns: other\nsteps: [{id: a, lane: customer, action: x, end: resolved}]\n",
     "'status' is a required property"),
])
def test_rules_between_keys_that_the_schema_states(text, words):
    assert load_bytes(text.encode(), "t.yaml", "t").problems != ()
    errors = schema_errors(text)
    assert errors and any(words in error for error in errors), errors


# -- the settings -------------------------------------------------------------------------

SETTINGS = jsonschema.Draft202012Validator(settings_schema())


def test_the_settings_schema_is_valid_and_committed():
    jsonschema.Draft202012Validator.check_schema(settings_schema())
    assert json.loads((ROOT / "schema" / "settings.schema.json").read_text()) == settings_schema(), \
        "run: blueprintgen schema --settings > schema/settings.schema.json"


def test_the_settings_schema_has_every_option_the_settings_read():
    assert list(settings_schema()["properties"]) == list(option_docs())
    for name, option in options().items():
        assert settings_schema()["properties"][name]["description"].startswith(option.doc)


def test_the_settings_schema_accepts_the_repositorys_mkdocs_entry():
    config = as_editor_reads((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    (entry,) = [plugin["blueprints"] for plugin in config["plugins"] if isinstance(plugin, dict)]
    assert list(SETTINGS.iter_errors(entry)) == []
    settings_from_options(entry, "mkdocs.yml")


@pytest.mark.parametrize("options, valid", [
    ({"chain_limit": 4, "silence_limit": "3d", "severities": {"dead-end": "low", "context-lost": "off"}}, True),
    ({"chain_limit": "4", "dot_timeout": 2.5, "fail_on": "never", "gate": "all", "nav_section": False}, True),
    ({"chain_limit": None, "silence_limit": None}, True),
    ({"chain_limit": 0}, False),
    ({"chain_limit": 1001}, False),
    ({"chain_limit": 3.5}, False),
    ({"silence_limit": "a week"}, False),
    ({"severities": {"dead-ends": "low"}}, False),
    ({"chain_limt": 3}, False),
])
def test_the_settings_schema_agrees_with_the_settings(options, valid):
    assert SETTINGS.is_valid(options) is valid
    if valid:
        settings_from_options(options, "mkdocs.yml")
    else:
        with pytest.raises(ConfigError):
            settings_from_options(options, "mkdocs.yml")
