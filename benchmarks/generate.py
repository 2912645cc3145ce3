"""Synthetic but realistic service blueprints for the benchmark: seeded, deterministic YAML.

    blueprint_yaml(index)                -> the YAML text of blueprint number `index`
    write_blueprints(folder, count)      -> writes blueprints 0..count-1 as <id>.yaml
    large_yaml(steps, seed)              -> one big branching, looping blueprint (analysis scaling)

Blueprint number `index` is the same text whatever `count` is, so one page can be compared
across sizes of the site. Each blueprint has 20-40 steps in four lanes, 5-8 owners with
teams, 3-6 channels (some nobody watches, some with a response time), promises (some kept
by a later step, some with a deadline), failures (some with a recovery step), evidence,
touchpoints, waits, stages, forks and loops, and arrows with `via`, `within` and `carries`; the customer's
feelings on some customer steps, and how many customers pass (a measure's `volume`).
About one blueprint in eight is a to-be redesign of an earlier as-is one.

Written for the benchmark alone (it does not import the tests).
"""

from __future__ import annotations

import os
import random

import yaml

LANES = ("customer", "frontstage", "backstage", "support")
LANE_WEIGHTS = (4, 3, 2, 1)

SUBJECTS = ("refund", "replacement parcel", "repair booking", "insurance claim", "broadband fault",
            "prescription order", "appointment", "warranty return", "double charge", "missing delivery",
            "account lock-out", "meter reading", "boiler service", "lost luggage", "hearing-aid fitting")
PLACES = ("the store counter", "the phone line", "the self-service portal", "the chat widget",
          "the shared inbox", "the clinic reception", "the depot", "the branch", "the mobile app")
CUSTOMER_ACTS = (
    "Calls {place} to ask about the {subject} and explains the whole story again",
    "Fills in the web form for the {subject} and attaches the receipt",
    "Waits at home for the promised call-back about the {subject}",
    "Visits {place} because nobody answered the emails about the {subject}",
    "Checks the bank statement and sees the {subject} has not been sorted",
    "Posts a complaint about the {subject} on social media after a week of silence",
    "Receives a text message saying the {subject} is being looked into",
    "Gives up on {place} and tries another branch for the {subject}",
    "Reads the confirmation email for the {subject} and keeps the case number",
)
STAFF_ACTS = (
    "Logs the {subject} in the case system and tags it for the back office",
    "Promises to look into the {subject} and call back, but writes nothing down",
    "Forwards the {subject} to the team inbox without a note of what was already tried",
    "Approves the {subject} after checking the order history and the payment record",
    "Asks the customer to repeat the details of the {subject} that are already on file",
    "Books a visit for the {subject} in the field schedule and sends a confirmation",
    "Escalates the {subject} to the manager because it is above the agent's limit",
    "Reviews the {subject} in the weekly queue meeting and assigns an owner",
    "Checks stock for the {subject} and reserves a unit at {place}",
    "Tells the customer the outcome of the {subject} and closes the case",
)
SUPPORT_ACTS = (
    "The billing system issues the {subject} overnight in the batch run",
    "The warehouse picks and packs the {subject} and hands it to the courier",
    "The scheduling tool assigns the {subject} to the next free slot",
    "The CRM sends an automatic reminder about the {subject} to the team",
)
EVIDENCE = ("Receipt with the order number", "Voicemail with no reply", "Auto-reply email",
            "Bank statement showing two charges", "Text message with a case number",
            "Booking confirmation", "Courier tracking page that has not changed", "Printed job sheet")
PROMISES = ("We will call you back about the {subject}", "The {subject} will be sorted by the end of the week",
            "I'll ask my manager and get back to you about the {subject}", "You will get an email when the {subject} is done")
FAILURES = ("The note about the {subject} is lost between shifts", "The {subject} sits in an inbox nobody reads",
            "The system rejects the {subject} without telling anyone", "The courier cannot find the address for the {subject}")
CARRIES = ("the case number", "the order history", "what the customer was promised", "photos of the damage",
           "the customer's preferred contact time", "the notes of the last call")
OWNER_POOL = (("Store associate", "Sales floor"), ("Contact centre agent", "Customer service"),
              ("Team leader", "Customer service"), ("Refund desk", "Back office"),
              ("Warehouse team", "Logistics"), ("Field technician", "Field service"),
              ("Billing system", "Finance IT"), ("Branch manager", "Retail operations"),
              ("Claims handler", "Claims"), ("Social media team", "Marketing"))
CHANNEL_POOL = (("Store phone line", "phone"), ("Shared support inbox", "inbox"),
                ("Self-service portal", "portal"), ("Live chat", "chat"),
                ("Voicemail box", "voicemail"), ("Staff headset", "headset"))
STAGE_POOL = ("Discover", "Buy", "Problem", "Report", "Wait", "Chase", "Resolve", "Aftercare")
TAG_POOL = ("retail", "refunds", "callbacks", "field-service", "billing", "healthcare", "travel",
            "utilities", "telecoms", "insurance", "in-store", "online", "promises", "escalation")
DURATIONS = ("30m", "2h", "4h", "1d", "2d", "3d", "1w")


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _edge(rng: random.Random, target: str, channels: list[str]) -> dict | str:
    """An arrow: a bare id, or an object with some of via / within / carries."""
    if rng.random() < 0.45:
        return target
    edge: dict = {"to": target}
    if rng.random() < 0.5:
        edge["via"] = rng.choice(channels)
    if rng.random() < 0.5:
        edge["within"] = rng.choice(DURATIONS)
    if rng.random() < 0.5:
        edge["carries"] = rng.sample(CARRIES, rng.randint(1, 3))
    return edge


def _journey(rng: random.Random, steps: int, owners: list[str], channels: list[str], stages: list[str],
             subject: str, branching: float, looping: float, prefix: str = "") -> list[dict]:
    ids = [f"{prefix}s{index:03d}" for index in range(steps)]
    lanes = [rng.choices(LANES, weights=LANE_WEIGHTS)[0] for _ in range(steps)]
    lanes[0] = "customer"
    lanes[-1] = "frontstage"
    out: list[dict] = []
    promise_open: str | None = None
    actions: list[str] = []
    for step_id, lane in zip(ids, lanes):
        pool = CUSTOMER_ACTS if lane == "customer" else SUPPORT_ACTS if lane == "support" else STAFF_ACTS
        actions.append(rng.choice(pool))
        verb = actions[-1].split()[1 if lane == "support" else 0]
        out.append({"id": f"{step_id}-{_slug(verb)}", "lane": lane})
    for index, step in enumerate(out):
        lane = step["lane"]
        words = {"subject": subject, "place": rng.choice(PLACES)}
        if lane != "customer" and rng.random() < 0.93:   # a few staff steps have no owner
            step["owner"] = rng.choice(owners)
        if stages:
            step["stage"] = stages[min(len(stages) - 1, index * len(stages) // steps)]
        step["action"] = actions[index].format(**words) + "."
        if lane == "customer" and rng.random() < 0.4:
            step["touchpoint"] = words["place"].capitalize()
        if rng.random() < 0.3:
            step["channel"] = rng.choice(channels)
        if rng.random() < 0.35:
            step["evidence"] = rng.choice(EVIDENCE)
        if rng.random() < 0.25:
            step["wait"] = rng.choice(DURATIONS)
        if lane != "customer" and rng.random() < 0.2:
            step["duration"] = rng.choice(DURATIONS)
        if lane == "frontstage" and promise_open is None and index < steps - 3 and rng.random() < 0.35:
            promise = {"what": rng.choice(PROMISES).format(**words) + "."}
            if rng.random() < 0.6:
                promise["within"] = rng.choice(DURATIONS)
            step["promise"] = promise
            promise_open = step["id"]
        elif promise_open and lane != "customer" and rng.random() < 0.4:
            step["fulfils"] = promise_open    # a later step on the main line: reachable
            promise_open = None
        elif promise_open and rng.random() < 0.05:
            promise_open = None               # this one stays broken
        if rng.random() < 0.2 and index < steps - 2:
            failure = {"what": rng.choice(FAILURES).format(**words) + "."}
            if rng.random() < 0.5:
                failure["recovery"] = out[rng.randint(index + 1, steps - 1)]["id"]
            step["failure"] = failure
        if index == steps - 1:
            step["end"] = "resolved"
            continue
        targets: list[int] = []
        if index + 2 < steps and rng.random() < branching:
            targets = [index + 1, rng.randint(index + 2, min(steps - 1, index + 7))]
        if index > 1 and rng.random() < looping:
            targets = (targets or [index + 1]) + [rng.randint(max(0, index - 6), index - 1)]
        if targets:
            step["next"] = [_edge(rng, out[t]["id"], channels) for t in targets]
        elif rng.random() < 0.35:
            step["next"] = [_edge(rng, out[index + 1]["id"], channels)]
        # otherwise the implicit flow to the following step
    return out


def blueprint_data(index: int, steps: tuple[int, int] = (20, 40)) -> dict:
    """Blueprint number `index` as plain data (seeded by its index only), of `steps` (fewest, most) steps."""
    rng = random.Random(1_000_003 * (index + 1))
    subject = rng.choice(SUBJECTS)
    place = rng.choice(PLACES)
    picked = rng.sample(OWNER_POOL, rng.randint(5, 8))
    owners = {_slug(name)[:24] + f"-{k}": {"name": name, "team": team} for k, (name, team) in enumerate(picked)}
    for owner in owners.values():
        if rng.random() < 0.3:
            owner["contact"] = rng.choice(PLACES).capitalize()
    owner_keys = list(owners)
    channels: dict = {}
    for name, key in rng.sample(CHANNEL_POOL, rng.randint(3, 6)):
        channel: dict = {"name": name}
        if rng.random() < 0.65:                 # the rest nobody watches
            channel["watched_by"] = rng.choice(owner_keys)
            if rng.random() < 0.6:
                channel["response"] = rng.choice(DURATIONS)
        channels[key] = channel
    stage_count = rng.randint(3, 7)
    stages = list(STAGE_POOL[:stage_count])
    status = "to-be" if index % 8 == 7 else "as-is"
    blueprint_id = f"bp{index:05d}-{_slug(subject)}"
    data: dict = {
        "id": blueprint_id,
        "title": f"{subject.capitalize()} at {place} ({'redesign' if status == 'to-be' else 'today'}, #{index})",
        "summary": (f"A customer needs help with a {subject}. The journey goes through {place}, "
                    f"{len(owners)} teams and several channels, and shows where the handoffs break."),
        "status": status,
    }
    if status == "to-be":
        # Redesigns the as-is blueprint just before it (index - 1 is never a multiple of 8 minus 1).
        prev = random.Random(1_000_003 * index)
        data["redesigns"] = f"bp{index - 1:05d}-{_slug(prev.choice(SUBJECTS))}"
    data["maintainer"] = "Service design team"
    data["tags"] = rng.sample(TAG_POOL, rng.randint(1, 4))
    data["stages"] = stages
    data["owners"] = owners
    data["channels"] = channels
    count = rng.randint(*steps)
    data["steps"] = _journey(rng, count, owner_keys, list(channels), stages, subject,
                             branching=0.15, looping=0.08)
    _feelings_and_volumes(random.Random(7_000_009 * (index + 1)), data["steps"])
    if rng.random() < 0.25:
        step = rng.choice(data["steps"])
        data["ignore"] = [{"rule": "no-deadline", "step": step["id"],
                           "reason": "Handled by the service-level agreement of the team."}]
    return data


def _feelings_and_volumes(rng: random.Random, steps: list[dict]) -> None:
    """The customer's feelings (on some customer steps) and how many customers pass (at the first step,
    fewer later on), so the priority has something to weigh. A random source of their own: the
    journey's shape is the same as without them."""
    volume = rng.choice((40, 300, 1200, 8000, 25000))
    steps[0]["measures"] = [{"name": "customers a month", "volume": volume}]
    for step in steps[1:]:
        if step["lane"] == "customer" and rng.random() < 0.45:
            step["emotion"] = rng.choice((-2, -1, -1, 0, 1))
        if step["lane"] == "customer" and rng.random() < 0.1:
            volume = max(1, volume // rng.choice((2, 3, 10)))
            step["measures"] = [{"name": "customers still here", "volume": volume}]


def blueprint_yaml(index: int, steps: tuple[int, int] = (20, 40)) -> str:
    header = "# yaml-language-server: $schema=../schema/blueprint.schema.json\n"
    return header + yaml.safe_dump(blueprint_data(index, steps), sort_keys=False, allow_unicode=True, width=100)


def blueprint_id(index: int) -> str:
    return blueprint_data(index)["id"]


def write_blueprints(folder: str, count: int, steps: tuple[int, int] = (20, 40)) -> list[str]:
    """Write blueprints 0..count-1 of `steps` (fewest, most) steps into `folder`; returns the file paths."""
    os.makedirs(folder, exist_ok=True)
    paths = []
    for index in range(count):
        data = blueprint_data(index, steps)
        path = os.path.join(folder, f"{data['id']}.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(blueprint_yaml(index, steps))
        paths.append(path)
    return paths


def large_yaml(steps: int, seed: int = 7) -> str:
    """One big blueprint with many paths: frequent forks that rejoin, and some loops back."""
    rng = random.Random(seed)
    picked = OWNER_POOL[:8]
    owners = {f"o{k}": {"name": name, "team": team} for k, (name, team) in enumerate(picked)}
    channels = {"phone": {"name": "Phone line", "watched_by": "o1", "response": "4h"},
                "inbox": {"name": "Shared inbox"},
                "portal": {"name": "Portal", "watched_by": "o2"}}
    stages = list(STAGE_POOL)
    data = {"id": f"large-{steps}", "title": f"A large journey of {steps} steps", "stages": stages,
            "owners": owners, "channels": channels,
            "steps": _journey(rng, steps, list(owners), list(channels), stages, "refund",
                              branching=0.35, looping=0.05)}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def compact_yaml(steps: int, seed: int = 11) -> str:
    """One blueprint of `steps` short steps (it stays under the 1 MiB file limit at 5,000): the four
    lanes, eight owners, forks that rejoin, a few loops back, a promise now and then."""
    rng = random.Random(seed)
    lanes = ("customer", "frontstage", "backstage", "support")
    lines = [f"id: compact-{steps}", f"title: A journey of {steps} short steps", "owners:"]
    lines += [f"  o{k}: {{name: Owner {k}}}" for k in range(8)]
    lines.append("steps:")
    for i in range(steps):
        lane = lanes[0] if i % 4 == 0 else lanes[rng.randrange(1, 4)]
        lines += [f"  - id: s{i}", f"    lane: {lane}", f"    action: Step {i}."]
        if lane != "customer":
            lines.append(f"    owner: o{rng.randrange(8)}")
        if lane == "frontstage" and rng.random() < 0.05:
            lines.append(f"    promise: {{what: An answer soon., within: {rng.randrange(1, 5)}d}}")
        if i == steps - 1:
            lines.append("    end: resolved")
        elif rng.random() < 0.2 and i + 3 < steps:
            lines.append(f"    next: [s{i + 1}, s{i + rng.randrange(2, 4)}]")
        elif rng.random() < 0.02 and i > 10:
            lines.append(f"    next: [s{i + 1}, s{i - rng.randrange(2, 10)}]")
    return "\n".join(lines) + "\n"


def ladder_yaml(rungs: int) -> str:
    """Two rails of frontstage steps, each step owned by someone new, crossing at every rung: the
    shape that made handoff-chain quadratic (issue 27), with `chain_limit: 1000` as a pull request may set it."""
    lines = ["id: ladder", "title: A ladder of handoffs", "owners:"]
    lines += [f"  o{k}: {{name: Owner {k}}}" for k in range(2 * rungs)]
    lines += ["steps:", "  - id: start", "    lane: customer", "    action: Starts.", "    next: [a0, b0]"]
    for rung in range(rungs):
        for rail, other, k in (("a", "b", 2 * rung), ("b", "a", 2 * rung + 1)):
            after = [f"{rail}{rung + 1}", f"{other}{rung + 1}"] if rung + 1 < rungs else ["done"]
            lines += [f"  - id: {rail}{rung}", "    lane: frontstage", f"    owner: o{k}", "    action: Passes it on.",
                      f"    next: [{', '.join(after)}]"]
    lines += ["  - id: done", "    lane: customer", "    action: Done.", "    end: resolved"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line: write COUNT generated blueprints into FOLDER."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="benchmarks/generate.py",
        description="Write COUNT synthetic, deterministic service blueprints into FOLDER "
                    "(the portfolio the benchmark builds).",
        epilog="example: python benchmarks/generate.py /tmp/portfolio/blueprints 100")
    parser.add_argument("folder", help="the folder to write <id>.yaml files into (created if missing)")
    parser.add_argument("count", type=int, help="how many blueprints to write (0 or more)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("COUNT must be 0 or more")
    written = write_blueprints(args.folder, args.count)
    print(f"{len(written)} blueprint(s) written to {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
