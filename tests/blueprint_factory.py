"""Generated test blueprints: seeded, deterministic YAML text, and a loader for it.

    blueprint_yaml(steps=12, seed=1, branching=0.3, looping=0.2)  -> YAML text
    linear_yaml / branching_yaml / looping_yaml / forty_yaml      -> common shapes
    hostile_yaml()                                                -> texts that try to break the diagram
    load(text) -> Blueprint                                       -> via the real loader; fails on problems
"""

from __future__ import annotations

import random

import yaml

from blueprintgen.loader import load_bytes
from blueprintgen.model import Blueprint

LANES = ("customer", "frontstage", "backstage", "support")
WORDS = (
    "customer calls the store again about her order refund booking appointment and asks why nobody "
    "answered the voicemail so the clerk checks system notes forwards ticket manager approves replacement "
    "courier delivers parcel team reviews claim sends email promise follow-up within two days"
).split()
OWNER_NAMES = ("Store clerk", "Contact centre agent", "Department manager", "Warehouse team",
               "Billing system", "Field technician")
STAGE_NAMES = ("Discover", "Buy", "Wait", "Problem", "Chase", "Resolve", "Aftercare")


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def blueprint_yaml(steps: int = 10, seed: int = 0, *, branching: float = 0.0, looping: float = 0.0,
                   stages: int = 4, evidence: float = 0.3, labels: float = 0.3, details: float = 0.25,
                   title: str | None = None, blueprint_id: str | None = None) -> str:
    """A valid blueprint of `steps` steps; `branching`/`looping` are the chances a step forks forward / back."""
    rng = random.Random(seed)
    owners = {f"o{n}": {"name": name} for n, name in enumerate(OWNER_NAMES[:4], start=1)}
    channels = {"phone": {"name": "Store phone line", "watched_by": "o1", "response": "4h"},
                "inbox": {"name": "Shared support inbox"},
                "portal": {"name": "Self-service portal", "watched_by": "o2"}}
    stage_names = list(STAGE_NAMES[:stages])
    ids = [f"s{index:02d}-{rng.choice(WORDS)}" for index in range(steps)]
    lanes = [rng.choices(LANES, weights=(4, 3, 2, 1))[0] for _ in range(steps)]
    data: dict = {
        "id": blueprint_id or f"generated-{steps}-{seed}",
        "title": title or f"Generated journey of {steps} steps (seed {seed})",
        "status": "as-is",
    }
    if stage_names:
        data["stages"] = stage_names
    data["owners"] = owners
    data["channels"] = channels
    promise_at = None
    forks = loops = 0
    data["steps"] = []
    for index, (step_id, lane) in enumerate(zip(ids, lanes)):
        step: dict = {"id": step_id, "lane": lane}
        if lane != "customer":
            step["owner"] = rng.choice(list(owners))
        if stage_names:
            step["stage"] = stage_names[index * len(stage_names) // steps]
        step["action"] = _sentence(rng, 3, 22)
        if rng.random() < evidence:
            step["evidence"] = _sentence(rng, 2, 8)
        if rng.random() < details:
            step["channel"] = rng.choice(list(channels))
        if rng.random() < details:
            step["wait"] = rng.choice(["30m", "4h", "2d", "1w"])
        if rng.random() < details and promise_at is None:
            step["promise"] = {"what": _sentence(rng, 3, 9), "within": rng.choice(["1d", "2d"])}
            promise_at = step_id
        elif promise_at and rng.random() < details:
            step["fulfils"] = promise_at
            promise_at = None
        if rng.random() < details:
            step["failure"] = {"what": _sentence(rng, 3, 10)}
        targets: list[int] = []
        if index == steps - 1:
            step["end"] = "resolved"
        else:
            # At least one fork and one loop when asked for, however the dice fall.
            if index + 2 < steps and (rng.random() < branching or (branching and not forks and index == steps - 3)):
                targets = [index + 1, rng.randint(index + 2, min(steps - 1, index + 6))]
                forks += 1
            if index > 0 and (rng.random() < looping or (looping and not loops and index == steps - 2)):
                targets = (targets or [index + 1]) + [rng.randint(max(0, index - 5), index - 1)]
                loops += 1
        if targets:
            step["next"] = [_edge(rng, ids[target], labels) for target in targets]
        elif index < steps - 1 and rng.random() < labels:
            step["next"] = [_edge(rng, ids[index + 1], 1.0)]
        data["steps"].append(step)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def _edge(rng: random.Random, target: str, labels: float):
    if rng.random() >= labels:
        return target
    edge: dict = {"to": target}
    if rng.random() < 0.6:
        edge["via"] = rng.choice(["phone", "inbox", "portal"])
    if rng.random() < 0.5:
        edge["within"] = rng.choice(["2h", "1d", "3d"])
    if rng.random() < 0.5 or len(edge) == 1:
        edge["carries"] = [_sentence(rng, 1, 4) for _ in range(rng.randint(1, 2))]
    return edge


def linear_yaml(steps: int = 8, seed: int = 1) -> str:
    return blueprint_yaml(steps, seed, blueprint_id=f"linear-{steps}-{seed}")


def branching_yaml(steps: int = 14, seed: int = 2) -> str:
    return blueprint_yaml(steps, seed, branching=0.35, blueprint_id=f"branching-{steps}-{seed}")


def looping_yaml(steps: int = 12, seed: int = 3) -> str:
    return blueprint_yaml(steps, seed, looping=0.3, blueprint_id=f"looping-{steps}-{seed}")


def forty_yaml(seed: int = 4) -> str:
    return blueprint_yaml(40, seed, branching=0.15, looping=0.1, stages=7, blueprint_id=f"forty-{seed}")


HOSTILE_TEXTS = (
    "<script>alert(1)</script>",
    '</TD><TD HREF="javascript:alert(1)">click</TD>',
    '\\N \\G \\\\ " \\l \\E \\T \\H',
    "a:b",
    "<svg onload=alert(1)> & &amp; &#60; ]]> <!-- --> <![CDATA[x]]>",
    "bidi \u202eevil\u202c and \u2066isolate\u2069 \u200ehidden\u200f marks",
    "control \x07 bell \x1b[31m escape",
    "trailing backslash \\",
)


def hostile_yaml(long: int = 10_000) -> str:
    """A blueprint whose every text field tries to escape into DOT, HTML or SVG."""
    texts = HOSTILE_TEXTS
    data = {
        "id": "hostile",
        "title": texts[0] + " " + texts[2],
        "stages": [texts[1], texts[3]],
        "owners": {"o1": {"name": texts[1]}, "o2": {"name": texts[4]}},
        "channels": {"c1": {"name": texts[0]}, "c2": {"name": texts[2], "watched_by": "o1"}},
        "steps": [
            {"id": "a", "lane": "customer", "stage": texts[1], "action": texts[0], "evidence": texts[1],
             "channel": "c1", "touchpoint": texts[2],
             "next": [{"to": "b", "via": "c2", "within": "2d", "carries": list(texts)}]},
            {"id": "b", "lane": "frontstage", "owner": "o1", "stage": texts[1], "action": texts[2],
             "promise": {"what": texts[4], "within": "1d"}, "failure": {"what": texts[5]}},
            {"id": "c", "lane": "backstage", "owner": "o2", "stage": texts[3], "action": "W" * long},
            {"id": "d", "lane": "support", "owner": "o1", "stage": texts[3],
             "action": " ".join(texts[5:] * 3) + " " + "word " * (long // 5), "fulfils": "b",
             "next": ["a"]},
            {"id": "e", "lane": "customer", "stage": texts[3], "action": texts[3], "end": "abandoned"},
        ],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def load(text: str, file: str = "generated.yaml") -> Blueprint:
    """Load generated YAML with the real loader; any problem is a bug in the generator."""
    loaded = load_bytes(text.encode("utf-8"), file, file.rsplit(".", 1)[0])
    assert not loaded.problems, "\n".join(map(str, loaded.problems))
    return loaded.blueprints[0]


DISCHARGE = """
id: discharge-mixed
title: Hospital discharge, written down out of order
stages: [Admission, Ward, Discharge, Home]
owners:
  nurse: {name: A&E nurse}
  doctor: {name: Ward doctor}
  team: {name: Discharge team}
  pharmacy: {name: Pharmacy system}
  council: {name: Council care desk}
steps:
  - {id: arrives, lane: customer, stage: Admission, action: Arrives at A&E after a fall.}
  - {id: triage, lane: frontstage, owner: nurse, stage: Admission, action: Assesses the fall and admits her.}
  - id: ward-round
    lane: frontstage
    owner: doctor
    stage: Ward
    action: Says she can go home once the medicines are ready.
    failure: {what: The medicines are not ordered., recovery: pharmacy-prepares}
    next: [{to: discharge-plan, within: 1d, carries: [medicines list]}]
  - {id: discharge-plan, lane: backstage, owner: team, stage: Discharge, action: Plans the care at home.}
  - {id: goes-home, lane: customer, stage: Discharge, action: Goes home with a letter.}
  - {id: calls-council, lane: customer, stage: Home, action: Calls the council because no carer came.}
  - id: council-desk
    lane: frontstage
    owner: council
    stage: Home
    action: Asks for the discharge letter before it books a visit.
    next: [sends-letter, council-visit]
  - {id: sends-letter, lane: customer, stage: Home, action: Sends the letter again., next: [council-desk]}
  - {id: council-visit, lane: frontstage, owner: council, stage: Home, action: Visits once; the carer is not booked.,
     next: [calls-council, settled]}
  - {id: settled, lane: customer, stage: Home, action: Has a carer every morning., end: resolved}
  - {id: pharmacy-prepares, lane: support, owner: pharmacy, stage: Ward, action: Prepares the medicines.,
     next: [discharge-plan]}
"""


def discharge_yaml() -> str:
    """A blueprint whose file lists a Ward step after the Home steps, with a recovery and two customer loops."""
    return DISCHARGE


def shuffled_yaml(steps: int = 16, seed: int = 5, moved: int = 3) -> str:
    """blueprint_yaml with every arrow written out and `moved` early steps listed last: the file mixes stages."""
    data = yaml.safe_load(blueprint_yaml(steps, seed, branching=0.3, looping=0.2, blueprint_id=f"shuffled-{seed}"))
    listed = data["steps"]
    for index, step in enumerate(listed[:-1]):
        if "next" not in step and "end" not in step:
            step["next"] = [listed[index + 1]["id"]]
    rng = random.Random(seed)
    picked = sorted(rng.sample(range(1, steps // 2), moved))
    data["steps"] = [step for index, step in enumerate(listed) if index not in picked] + [listed[i] for i in picked]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
