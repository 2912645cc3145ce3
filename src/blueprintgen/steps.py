"""Reading a blueprint's steps: lane, owner, what comes next, promises, failures, feelings, measures and cost."""

from __future__ import annotations

from .fields import Reader, References, reference
from .model import HIDDEN_LANES, STAFF_LANES, Edge, Emotion, Failure, Measure, Position, Promise, Repeat, Step
from .schema import OBJECTS
from .yamltree import Mapping, Node, Scalar, shown

__all__ = ["read_steps"]

_LANES = OBJECTS["step"]["lane"].choices
_ENDS = OBJECTS["step"]["end"].choices


def read_steps(reader: Reader, nodes: list[Node], refs: References) -> tuple[Step, ...]:
    """Steps in file order, with their edges resolved (explicit and implicit)."""
    raw = [(node, reader.fields(node, "step", f"steps[{index}]")) for index, node in enumerate(nodes)]
    ids: dict[str, Scalar] = {}
    for index, (node, found) in enumerate(raw):
        if found is None:
            continue
        step_id = reader.identifier(found.get("id"), f"steps[{index}].id")
        if step_id is None:
            continue
        if step_id in ids:
            first = ids[step_id]
            reader.problem(found["id"], f"duplicate step id '{shown(step_id)}' (first at line {first.line}, "
                           f"column {first.column})", "give each step its own id")
        else:
            ids[step_id] = found["id"]
    read: list[tuple[Step, dict[str, Node]]] = []
    step_ids = set(ids)
    for index, (node, found) in enumerate(raw):
        if found is None:
            continue
        following = raw[index + 1][1] if index + 1 < len(raw) else None
        step = _read_step(reader, node, found, index, refs, step_ids, following)
        if step is not None:
            read.append((step, found))
    _check_currencies(reader, read)
    _check_promises(reader, read)
    _check_repeats(reader, read)
    return tuple(step for step, _ in read)


def _read_step(reader: Reader, node: Mapping, found: dict[str, Node], index: int, refs: References,
               step_ids: set[str], following: dict[str, Node] | None) -> Step | None:
    where = f"steps[{index}]"
    step_id = found.get("id").text if isinstance(found.get("id"), Scalar) else None
    get = found.get
    lane = reader.choice(get("lane"), where, _LANES, "lane")
    action = reader.text(get("action"), where, "action")
    owner = reference(reader, get("owner"), where, refs.owners, "owner", key="owner")
    if owner and lane == "customer":
        reader.problem(found["owner"], f"{where} is in the customer lane, so it has no owner",
                       f"remove `owner:`, or move the step to a staff lane ({', '.join(STAFF_LANES)})")
    end = reader.choice(get("end"), where, _ENDS, "end")
    # Read every field before giving up on the step, so all its problems are reported.
    stage = reference(reader, get("stage"), where, refs.stages, "stage", None, "stage")
    touchpoint = reader.text(get("touchpoint"), where, "touchpoint")
    channel = reference(reader, get("channel"), where, refs.channels, "channel", key="channel")
    evidence = reader.text(get("evidence"), where, "evidence")
    duration = reader.duration(get("duration"), where, "duration")
    wait = reader.duration(get("wait"), where, "wait")
    promise = _read_promise(reader, get("promise"), where, step_ids, step_id)
    fulfils = reference(reader, get("fulfils"), where, step_ids, "step", None, "fulfils")
    withdraws = reference(reader, get("withdraws"), where, step_ids, "step", None, "withdraws")
    if withdraws and lane in HIDDEN_LANES:
        reader.problem(found["withdraws"], f"{where} is in the {lane} lane, out of the customer's sight, so it "
                       f"cannot tell the customer that a promise no longer holds",
                       "put `withdraws:` on the frontstage (or customer) step where the customer is told")
    failure = _read_failure(reader, get("failure"), where, step_ids)
    edges = _read_next(reader, found, where, step_id, refs, step_ids, following, end)
    emotion = _read_emotion(reader, get("emotion"), where, lane)
    pain = reader.text_or_texts(get("pain"), where, "pain")
    measures = _read_measures(reader, get("measures"), where)
    cost = reader.cost(get("cost"), where, "cost")
    if step_id is None or lane is None or action is None:
        return None
    return Step(step_id, lane, action, owner, stage, touchpoint, channel, evidence, duration, wait, promise,
                fulfils, failure, end, edges, Position(reader.file, node.line, node.column), withdraws,
                emotion, pain, measures, cost)


def _read_emotion(reader: Reader, node: Node | None, where: str, lane: str | None) -> Emotion | None:
    if node is None:
        return None
    if lane in STAFF_LANES:
        # The curve is the customer's; a staff member's trouble is a pain point.
        reader.problem(node, f"{where}.emotion is on a {lane} step, but only the customer's feelings are scored",
                       "move `emotion:` to the customer step where the customer feels it, or write the staff's "
                       "trouble as `pain:`")
    if isinstance(node, Mapping):
        found = reader.fields(node, "emotion", f"{where}.emotion")
        if not found:
            return None
        score = reader.score(found.get("score"), f"{where}.emotion", "score")
        note = reader.text(found.get("note"), f"{where}.emotion", "note")
    else:
        score, note = reader.score(node, where, "emotion"), None
    if score is None or lane in STAFF_LANES:
        return None
    return Emotion(score, note, reader.position(node))


def _read_measures(reader: Reader, node: Node | None, where: str) -> tuple[Measure, ...]:
    measures = []
    for index, item in enumerate(reader.items(node, where, "measures")):
        at = f"{where}.measures[{index}]"
        found = reader.fields(item, "measure", at)
        if found is None:
            continue
        name = reader.text(found.get("name"), at, "name")
        value, target, unit = (reader.text(found.get(key), at, key) for key in ("value", "target", "unit"))
        volume = reader.volume(found.get("volume"), at, "volume")
        if name:
            measures.append(Measure(name, value, target, unit, volume))
    return tuple(measures)


def _check_currencies(reader: Reader, read: list[tuple[Step, dict[str, Node]]]) -> None:
    """Costs can only be added up in one currency."""
    first: tuple[Step, Node] | None = None
    for step, found in read:
        if step.cost is None or step.cost.currency is None:
            continue
        if first is None:
            first = (step, found["cost"])
        elif step.cost.currency != first[0].cost.currency:
            reader.problem(found["cost"], f"step '{step.id}' costs {step.cost.currency}, but step '{first[0].id}' "
                           f"costs {first[0].cost.currency} (line {first[1].line})",
                           "write every cost of a blueprint in one currency, so they can be added up")


def _check_promises(reader: Reader, read: list[tuple[Step, dict[str, Node]]]) -> None:
    """A step fulfils or withdraws only a promise another step made; a promise lasts until a later step."""
    promised = {step.id for step, _ in read if step.promise}
    for step, found in read:
        if step.fulfils and step.fulfils not in promised:
            reader.problem(found["fulfils"], f"step '{step.id}' fulfils step '{step.fulfils}', which makes no promise",
                           f"add a `promise:` to step '{step.fulfils}', or point `fulfils:` at the step that made it")
        if step.withdraws and step.withdraws not in promised:
            reader.problem(found["withdraws"],
                           f"step '{step.id}' withdraws the promise of step '{step.withdraws}', which makes no promise",
                           f"add a `promise:` to step '{step.withdraws}', "
                           "or point `withdraws:` at the step that made it")


def _check_repeats(reader: Reader, read: list[tuple[Step, dict[str, Node]]]) -> None:
    """A designed repeat is on an arrow of a loop: the arrow's target leads back to its source."""
    succ: dict[str, list[str]] = {}
    for step, _ in read:
        succ.setdefault(step.id, []).extend(edge.to for edge in step.next)
    for step, _ in read:
        for edge in step.next:
            if edge.repeat is not None and not _leads_to(succ, edge.to, edge.source):
                reader.problem(edge.repeat.position, f"the arrow from '{edge.source}' to '{edge.to}' says it "
                               f"repeats, but it is on no loop: no way leads from '{edge.to}' back to '{edge.source}'",
                               "put `repeat:` on the arrow that goes back to an earlier step of the loop, or remove it")


def _leads_to(succ: dict[str, list[str]], start: str, goal: str) -> bool:
    seen, queue = {start}, [start]
    for here in queue:   # the list grows while we walk it
        if here == goal:
            return True
        for there in succ.get(here, ()):
            if there not in seen:
                seen.add(there)
                queue.append(there)
    return False


def _read_promise(reader: Reader, node: Node | None, where: str, step_ids: set[str],
                  step_id: str | None) -> Promise | None:
    found = None if node is None else reader.fields(node, "promise", f"{where}.promise")
    if not found:
        return None
    what = reader.text(found.get("what"), f"{where}.promise", "what")
    within = reader.duration(found.get("within"), f"{where}.promise", "within")
    until = reference(reader, found.get("until"), f"{where}.promise", step_ids, "step", None, "until")
    if until is not None and until == step_id:
        reader.problem(found["until"], f"{where}.promise.until is the promising step '{until}' itself, so the "
                       "promise would end as it is made",
                       "give `until:` the later step by which the promise must be kept, e.g. the step where the "
                       "customer gets back what the promise stood in for")
        until = None
    return Promise(what, within, reader.position(node), until) if what else None


def _read_failure(reader: Reader, node: Node | None, where: str, step_ids: set[str]) -> Failure | None:
    found = None if node is None else reader.fields(node, "failure", f"{where}.failure")
    if not found:
        return None
    what = reader.text(found.get("what"), f"{where}.failure", "what")
    recovery = reference(reader, found.get("recovery"), f"{where}.failure", step_ids, "step", None, "recovery")
    return Failure(what, recovery, reader.position(node)) if what else None


def _read_next(reader: Reader, found: dict[str, Node], where: str, step_id: str | None, refs: References,
               step_ids: set[str], following: dict[str, Node] | None, end: str | None) -> tuple[Edge, ...]:
    node = found.get("next")
    source = step_id or ""
    if node is None:
        # Implicit flow to the following step, unless the journey ends here.
        if end or following is None or not isinstance(following.get("id"), Scalar):
            return ()
        next_id = following["id"].text
        if next_id not in step_ids:
            return ()
        if step_id is None:
            return ()
        return (Edge(source, next_id, None, None, (), True, reader.position(found["id"])),)
    entries = [node] if isinstance(node, Scalar) else reader.items(node, where, "next")
    if entries and end:
        reader.problem(node, f"{where} has both `end: {end}` and `next:`",
                       "a step that ends the journey has nothing next; remove `next:` or `end:`")
    edges = []
    for index, entry in enumerate(entries):
        edge = _read_edge(reader, entry, f"{where}.next[{index}]", source, refs, step_ids)
        if edge is not None:
            edges.append(edge)
    return tuple(edges)


def _read_edge(reader: Reader, entry: Node, where: str, source: str, refs: References,
               step_ids: set[str]) -> Edge | None:
    if isinstance(entry, Scalar):
        to = reference(reader, entry, where, step_ids, "step", None)
        return Edge(source, to, None, None, (), False, reader.position(entry)) if to else None
    found = reader.fields(entry, "edge", where)
    if found is None:
        return None
    to = reference(reader, found.get("to"), where, step_ids, "step", None, "to")
    via = reference(reader, found.get("via"), where, refs.channels, "channel", key="via")
    within = reader.duration(found.get("within"), where, "within")
    carries = reader.texts(found.get("carries"), where, "carries")
    repeat = _read_repeat(reader, found.get("repeat"), f"{where}.repeat")
    return Edge(source, to, via, within, carries, False, reader.position(entry), repeat) if to else None


def _read_repeat(reader: Reader, node: Node | None, where: str) -> Repeat | None:
    found = None if node is None else reader.fields(node, "repeat", where)
    if not found:
        return None
    why = reader.text(found.get("why"), where, "why")
    at_most = reader.count(found.get("at_most"), where, "at_most")
    return Repeat(why, at_most, reader.position(node)) if why and at_most else None
