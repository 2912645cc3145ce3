"""The blueprint format, described once: drives validation and the JSON Schema."""

from __future__ import annotations

from dataclasses import dataclass

from .model import (ENDS, HIDDEN_LANES, HIGHEST_SCORE, ID_PATTERN, KEY_PATTERN, LANES, LEVELS, LOWEST_SCORE,
                    MAX_REPEATS, RESERVED_IDS, STAFF_LANES, STATUSES, Duration)
from .rules import RULES, Option, options
from .settings import FAIL_ON_CHOICES, GATE_CHOICES, MAX_DOT_TIMEOUT, SEVERITY_CHOICES, option_docs

__all__ = ["Field", "OBJECTS", "DURATION_PATTERN", "COST_PATTERN", "SCORE_PATTERN", "COUNT_PATTERN", "VOLUME_PATTERN", "MAX_VOLUME", "json_schema",
           "settings_schema"]

DURATION_PATTERN = r"^[0-9]+(\.[0-9]+)?(m|h|d|w)$"
# An amount with at most four decimals and an optional ISO 4217 currency code: `12.50 EUR`, `3`.
COST_PATTERN = r"^[0-9]+(\.[0-9]{1,4})?( [A-Z]{3})?$"
SCORE_PATTERN = r"^[+-]?[0-2]$"
# How many times a designed repeat may go round: a whole number from 1 to MAX_REPEATS (99).
COUNT_PATTERN = r"^[1-9][0-9]?$"
# How many customers pass a step: a whole number from 0 to MAX_VOLUME.
VOLUME_PATTERN = r"^[0-9]{1,9}$"
MAX_VOLUME = 999_999_999


@dataclass(frozen=True)
class Field:
    """One key of a blueprint object.

    kind is one of: text, id, duration, cost, emotion, count (a whole number from 1), volume (a whole number from 0), enum, texts (list of text),
    text-or-texts, ids (list of ids), ref:<owner|channel|stage|step>, refs:step (list of step ids),
    object:<name>, map:<name>, list:<name>, next, rule (the slug of a rule the registry holds).
    """

    kind: str
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()


OBJECTS: dict[str, dict[str, Field]] = {
    "blueprint": {
        "title": Field("text", "Name of the journey, as people say it.", required=True),
        "id": Field("id", "Stable id used in links and file names; default: the file name."),
        "summary": Field("text", "What happens in this journey, in a few sentences."),
        "status": Field("enum", "`as-is` (how it works today) or `to-be` (a redesign).", choices=STATUSES),
        "redesigns": Field("blueprint", "For a to-be blueprint: the id of the as-is blueprint it redesigns."),
        "maintainer": Field("text", "Who keeps this blueprint up to date."),
        "tags": Field("texts", "Words to group blueprints by."),
        "stages": Field("texts", "Ordered stage names: the columns of the blueprint."),
        "owners": Field("map:owner", "The people or teams who act, by key."),
        "channels": Field("map:channel", "The ways of reaching someone, by key."),
        "steps": Field("list:step", "The steps of the journey in time order.", required=True),
        "ignore": Field("list:ignore", "Findings silenced on purpose, each with a reason."),
        "persona": Field("object:persona", "Who this journey is for."),
        "opportunities": Field("list:opportunity", "Changes the team has found, with their impact and effort."),
        "realises": Field("ids", "For a to-be blueprint: the ids of the opportunities of the as-is blueprint it realises."),
    },
    "owner": {
        "name": Field("text", "The person's or team's name as shown on the site.", required=True),
        "team": Field("text", "The team the owner belongs to."),
        "contact": Field("text", "How to reach the owner."),
    },
    "channel": {
        "name": Field("text", "The channel's name (e.g. 'Store voicemail').", required=True),
        "watched_by": Field("ref:owner", "The owner who watches the channel; none means nobody does."),
        "response": Field("duration", "How fast the watcher answers (e.g. `4h`)."),
    },
    "step": {
        "id": Field("id", "Unique id of the step in this blueprint.", required=True),
        "lane": Field("enum", "Which lane the step is in.", required=True, choices=LANES),
        "action": Field("text", "What happens, in plain words.", required=True),
        "owner": Field("ref:owner", "Who does the step (expected on staff lanes)."),
        "stage": Field("ref:stage", "The stage (column) the step belongs to."),
        "touchpoint": Field("text", "Where the customer meets the service here."),
        "channel": Field("ref:channel", "The channel the step goes through."),
        "evidence": Field("text", "What the customer sees or keeps at this step."),
        "duration": Field("duration", "How long the step takes."),
        "wait": Field("duration", "How long the customer waits before this step."),
        "promise": Field("object:promise", "A commitment made to the customer here."),
        "fulfils": Field("ref:step", "The id of the step whose promise this step keeps."),
        "withdraws": Field("ref:step", "The id of the step whose promise this step tells the customer no longer holds."),
        "failure": Field("object:failure", "A known failure point at this step."),
        "end": Field("enum", "The journey ends here.", choices=ENDS),
        "next": Field("next", "What follows: a step id, a list of ids, or a list of handoffs."),
        "emotion": Field("emotion", "How the customer feels here, from -2 (very negative) to 2 (very positive), "
                         "or `{score, note}` with what they said or felt; customer steps only."),
        "pain": Field("text-or-texts", "A pain point at this step, or a list of them."),
        "measures": Field("list:measure", "Figures the team tracks at this step (KPIs)."),
        "cost": Field("cost", "What the step costs: an amount with an optional currency code (e.g. `12.50 EUR`)."),
    },
    "emotion": {
        "score": Field("score", "From -2 (very negative) to 2 (very positive).", required=True),
        "note": Field("text", "What the customer said or felt, in their words."),
    },
    "measure": {
        "name": Field("text", "What is measured (e.g. 'handling time').", required=True),
        "value": Field("text", "The figure today."),
        "target": Field("text", "The figure the team aims for."),
        "unit": Field("text", "The unit of value and target (e.g. 'min', '%')."),
        "volume": Field("volume", "How many customers pass this step in the period you count (e.g. `1200` a month): "
                        "findings here rank higher the more customers they reach."),
    },
    "persona": {
        "name": Field("text", "The persona's name.", required=True),
        "summary": Field("text", "Who they are, in a sentence or two."),
        "needs": Field("texts", "What they need from the service."),
    },
    "opportunity": {
        "id": Field("id", "Unique id of the opportunity, used by `realises:`.", required=True),
        "what": Field("text", "The change, in plain words.", required=True),
        "steps": Field("refs:step", "The ids of the steps it changes."),
        "impact": Field("enum", "How much it does for the customer.", choices=LEVELS),
        "effort": Field("enum", "How much work it is.", choices=LEVELS),
        "owner": Field("ref:owner", "Who takes it on."),
    },
    "promise": {
        "what": Field("text", "What was promised.", required=True),
        "within": Field("duration", "The deadline of the promise."),
        "until": Field("ref:step", "The id of the step the promise lasts until: it must be kept no later than that "
                       "step on every way there."),
    },
    "failure": {
        "what": Field("text", "What goes wrong here.", required=True),
        "recovery": Field("ref:step", "The id of the step that recovers from it."),
    },
    "edge": {
        "to": Field("ref:step", "The id of the step that follows.", required=True),
        "via": Field("ref:channel", "The channel the handoff goes through."),
        "within": Field("duration", "The deadline of the handoff."),
        "carries": Field("texts", "What information travels with the handoff."),
        "repeat": Field("object:repeat", "This arrow goes round a loop on purpose: why, and how many times at most "
                        "(to-be blueprints)."),
    },
    "repeat": {
        "why": Field("text", "Why the loop is part of the design.", required=True),
        "at_most": Field("count", f"How many times at most the loop goes round, from 1 to {MAX_REPEATS}.",
                         required=True),
    },
    "ignore": {
        "rule": Field("rule", "The rule to silence.", required=True),
        "step": Field("ref:step", "The step to silence it on (default: the whole blueprint)."),
        "reason": Field("text", "Why this finding is accepted.", required=True),
    },
}


# Every value is read as text as typed, but an editor reads YAML 1.2 and sees `2024` as a number and
# `true` as a boolean: a text may be any scalar. Keywords such as `pattern` apply to strings only.
_SCALAR = ["string", "number", "boolean"]
_TEXT = {"type": _SCALAR, "pattern": r"\S"}
# An id typed as a number (`id: 007`) reads as one; patterns check the ids typed as text.
_ID = {"type": _SCALAR, "pattern": f"^{ID_PATTERN.pattern}$", "minimum": 0, "multipleOf": 1}
_SCORES = list(range(LOWEST_SCORE, HIGHEST_SCORE + 1))

# What an editor's YAML server (yaml-language-server) shows, beyond what JSON Schema validators read: these
# keywords are annotations to a validator such as `jsonschema`, which ignores them.
# - `errorMessage`: the message shown when the schema it is in refuses a value (for a wrong type, a choice
#   or a pattern; a range such as `maximum` keeps the server's own message, so scores are a choice). When no
#   alternative of an anyOf fits, the server shows the first one's message; it rewrites one given for a single
#   `type` ("Expected ...") as it merges the alternatives, so such types are lists: `["string"]`.
# - `doNotSuggest`: the key is not offered as a completion (it is still checked).
# - `defaultSnippets`: values offered as completions, with `${1:...}` placeholders.
_SCORE_SAYS = (f"a whole number from {LOWEST_SCORE} (very negative) through 0 (neutral) to {HIGHEST_SCORE} "
               "(very positive)")
_EMOTION_MESSAGE = (f"`emotion` is {_SCORE_SAYS}, or `{{score, note}}` with the customer's words: "
                    "`emotion: {score: -2, note: I felt ignored}`")
_SCORE_MESSAGE = f"`score` is {_SCORE_SAYS}"
_TEXTS_MESSAGE = "`{key}` is a text, or a list of texts: write `{key}: what hurts`, or one `- ` line per point"


def _score(message: str) -> list[dict]:
    """A score typed as a number (`-2`), or as a quoted text (`'-2'`); each refusal says what a score is."""
    return [{"enum": _SCORES, "errorMessage": message},
            {"type": ["string"], "pattern": SCORE_PATTERN, "errorMessage": message}]


# Whole-number kinds: (pattern, minimum, maximum).
_WHOLE_NUMBERS = {"count": (COUNT_PATTERN, 1, MAX_REPEATS), "volume": (VOLUME_PATTERN, 0, MAX_VOLUME)}


def _field_schema(key: str, spec: Field) -> dict:
    kind, _, target = spec.kind.partition(":")
    if kind in ("text", "ref") and target != "step":
        return dict(_TEXT)
    if kind in ("id", "blueprint", "ref"):
        return dict(_ID)
    if kind == "duration":
        return {"type": "string", "pattern": DURATION_PATTERN}
    if kind == "cost":
        return {"type": ["string", "number"], "pattern": COST_PATTERN, "minimum": 0}
    if kind == "score":
        return {"anyOf": _score(_SCORE_MESSAGE)}
    if kind in _WHOLE_NUMBERS:
        pattern, low, high = _WHOLE_NUMBERS[kind]
        return {"type": ["integer", "string"], "pattern": pattern, "minimum": low, "maximum": high}
    if kind == "emotion":
        # The score first: when nothing fits, the server shows the first alternative's message.
        return {"anyOf": [*_score(_EMOTION_MESSAGE), {"$ref": "#/$defs/emotion"}],
                "defaultSnippets": [{"label": "{score, note}", "description": "A score with the customer's words.",
                                     "body": {"score": "^${1:-1}", "note": "${2:what they said or felt}"}}]}
    if kind == "enum":
        return {"enum": list(spec.choices)}
    if kind == "rule":
        return {"enum": [rule.slug for rule in RULES]}
    if kind == "texts":
        # `- ~` is the text '~'; an empty `- ` is refused, but JSON cannot tell them apart.
        return {"type": "array", "items": {"type": [*_SCALAR, "null"], "pattern": r"\S"}}
    if kind == "text-or-texts":
        # A condition, not an anyOf: an editor offers the values of an anyOf's types (`true`, `false`) as
        # completions, but not those of a condition's branches; the snippets are offered instead.
        message = _TEXTS_MESSAGE.format(key=key)
        return {"if": {"type": "array"},
                "then": {"items": {"type": [*_SCALAR, "null"], "pattern": r"\S", "errorMessage": message}},
                "else": {"type": [*_SCALAR, "null"], "pattern": r"\S", "errorMessage": message},
                "defaultSnippets": [{"label": "what hurts", "description": "One pain point.",
                                     "body": "${1:what hurts}"},
                                    {"label": "- what hurts", "description": "A list of pain points.",
                                     "body": ["${1:what hurts}", "${2:what else hurts}"]}]}
    if kind in ("ids", "refs"):
        return {"type": "array", "items": _ID}
    if kind == "object":
        return {"$ref": f"#/$defs/{target}"}
    if kind == "map":
        return {"type": "object", "propertyNames": {"pattern": f"^{KEY_PATTERN.pattern}$"},
                "additionalProperties": {"$ref": f"#/$defs/{target}"}}
    if kind == "list":
        return {"type": "array", "items": {"$ref": f"#/$defs/{target}"}, **({"minItems": 1} if spec.required else {})}
    if kind == "next":
        return {"anyOf": [_ID, {"type": "array", "items": {"anyOf": [_ID, {"$ref": "#/$defs/edge"}]}}]}
    raise ValueError(f"unknown field kind {spec.kind}")


def _property(key: str, spec: Field) -> dict:
    """A key's schema with its description; an optional key may be left empty (`summary:`), as validate allows."""
    schema = _field_schema(key, spec)
    if not spec.required:
        if isinstance(schema.get("type"), list):
            schema["type"] = [*schema["type"], "null"]
        elif isinstance(schema.get("type"), str):
            schema["type"] = [schema["type"], "null"]
        elif "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        elif "anyOf" in schema:
            # Last: the server shows the message of the first alternative when none fits, not "expected null".
            schema["anyOf"] = [*schema["anyOf"], {"type": "null"}]
        elif "if" not in schema:   # a condition's branches take null themselves
            schema = {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "description": spec.doc}


def _object_schema(fields: dict[str, Field]) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [key for key, spec in fields.items() if spec.required],
        "properties": {key: _property(key, spec) for key, spec in fields.items()},
    }


def _given(key: str) -> dict:
    """`if` part: the key is there with a value (an empty key counts as absent, as in validate)."""
    return {"required": [key], "properties": {key: {"not": {"type": "null"}}}}


# Keys that belong on some lanes only: the lanes that refuse each, and what the editor says there (as validate).
_LANE_KEYS = {
    "owner": (("customer",), lambda lane: "A step in the customer lane has no owner: remove `owner:`, or move the "
              f"step to a staff lane ({', '.join(STAFF_LANES)})"),
    "emotion": (STAFF_LANES, lambda lane: f"`emotion` is on a {lane} step, but only the customer's feelings are "
                "scored: move `emotion:` to the customer step where the customer feels it, or write the staff's "
                "trouble as `pain:`"),
    "withdraws": (HIDDEN_LANES, lambda lane: f"A {lane} step is out of the customer's sight, so it cannot tell the "
                  "customer that a promise no longer holds: put `withdraws:` on the frontstage (or customer) step "
                  "where the customer is told"),
}


def _lane_rule(key: str) -> dict:
    """`key` is refused on the lanes that refuse it, with the message of its lane, and offered on the others.

    The step's own schema marks the key `doNotSuggest`, so that an editor offers it only where this rule's
    `else` names it (a step on another lane, or with no lane yet); an empty key counts as absent, as in validate.
    """
    lanes, message = _LANE_KEYS[key]
    return {"if": {"required": ["lane"], "properties": {"lane": {"enum": list(lanes)}}},
            "then": {"allOf": [{"if": {"properties": {"lane": {"const": lane}}},
                                "then": {"properties": {key: {"type": "null", "doNotSuggest": True,
                                                              "errorMessage": message(lane)}}}}
                               for lane in lanes]},
            "else": {"properties": {key: {"description": OBJECTS["step"][key].doc}}}}


# What JSON Schema can say of a step beyond its keys: validate's rules between two keys.
_STEP_RULES = [
    {"if": _given("end"), "then": {"properties": {"next": {"anyOf": [
        {"type": ["null"], "errorMessage": "A step that ends the journey has nothing next: remove `next:` or `end:`"},
        {"type": "array", "maxItems": 0}]}}}},
    *(_lane_rule(key) for key in _LANE_KEYS),
]
_BLUEPRINT_RULES = [
    {"if": _given("redesigns"), "then": {"required": ["status"], "properties": {"status": {"const": "to-be"}}}},
    {"if": _given("realises"), "then": {"required": ["redesigns"], "properties": {"redesigns": {"not": {"type": "null"}}}}},
]


def json_schema() -> dict:
    """A JSON Schema (draft 2020-12) of the format, for editors' completion; it accepts every valid blueprint."""
    blueprint = _object_schema(OBJECTS["blueprint"])
    blueprint["properties"]["id"]["not"] = {"enum": sorted(RESERVED_IDS)}
    blueprint["properties"]["stages"]["uniqueItems"] = True
    blueprint["properties"]["tags"]["uniqueItems"] = True
    definitions = {name: _object_schema(fields) for name, fields in OBJECTS.items() if name != "blueprint"}
    definitions["step"]["allOf"] = _STEP_RULES
    for key in _LANE_KEYS:
        definitions["step"]["properties"][key]["doNotSuggest"] = True
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://blueprintgen.dev/schema/blueprint.schema.json",
        "title": "blueprintgen service blueprint",
        **blueprint,
        "allOf": _BLUEPRINT_RULES,
        "$defs": definitions,
    }


def settings_schema() -> dict:
    """A JSON Schema (draft 2020-12) of the settings, for editors: mkdocs.yml's `blueprints` plugin entry
    or pyproject.toml's `[tool.blueprintgen]`, with the options every rule of the registry declares.

    It gives the values in the spellings the docs use (`high`, not `HIGH`); an empty key keeps the default.
    """
    docs = option_docs()
    values = {
        "blueprints_dir": {"type": "string"},
        "severities": {"type": "object", "propertyNames": {"enum": [rule.slug for rule in RULES]},
                       "additionalProperties": {"enum": [*SEVERITY_CHOICES, False]}},
        **{name: _option_schema(option) for name, option in options().items()},
        "fail_on": {"enum": [*FAIL_ON_CHOICES, False]},
        "dot_timeout": {"type": ["number", "string"], "exclusiveMinimum": 0, "maximum": MAX_DOT_TIMEOUT,
                        "pattern": _NUMBER_TEXT},
        "gate": {"enum": list(GATE_CHOICES)},
        "baseline": {"type": "string"},
        "prefix": {"type": "string"},
        "nav_section": {"type": ["string", "boolean"]},
        "pagefind": {"type": "boolean"},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://blueprintgen.dev/schema/settings.schema.json",
        "title": "blueprintgen settings",
        "type": "object",
        "additionalProperties": False,
        "properties": {name: {"anyOf": [{"type": "null"}, values[name]], "description": docs[name]}
                       for name in docs},
    }


# A number written as text (`"3"`, or an `!ENV` value), which the settings read as the number.
_NUMBER_TEXT = r"^\s*[0-9]+(\.[0-9]+)?\s*$"


def _option_schema(option: Option) -> dict:
    """A rule option's schema: its type, its limits and its default."""
    if option.type is Duration:
        return {"type": "string", "pattern": DURATION_PATTERN, "default": option.default.text}
    if option.type is int:
        number = {"type": ["integer", "string"], "pattern": r"^\s*[0-9]+\s*$"}
    else:
        number = {"type": ["number", "string"], "pattern": _NUMBER_TEXT}
    return {**number, "minimum": option.minimum, "maximum": option.maximum, "default": option.default}
