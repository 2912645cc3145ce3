"""The blueprint model: immutable data with source positions, and no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # only named in annotations; the loader imports it when a cost is read
    from decimal import Decimal

__all__ = [
    "ID_PATTERN", "KEY_PATTERN", "CUSTOMER", "LANES", "STAFF_LANES", "HIDDEN_LANES", "ENDS", "STATUSES",
    "LEVELS", "RESERVED_IDS", "LOWEST_SCORE", "HIGHEST_SCORE", "MAX_REPEATS",
    "Position", "Duration", "Cost", "Emotion", "Measure", "Owner", "Channel", "Promise", "Failure", "Repeat", "Edge",
    "Step", "Ignore", "Persona", "Opportunity", "Blueprint",
]

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
LANES = ("customer", "frontstage", "backstage", "support")
STAFF_LANES = ("frontstage", "backstage", "support")
# Behind the line of visibility: the customer does not see what happens there.
HIDDEN_LANES = ("backstage", "support")
ENDS = ("resolved", "abandoned")
STATUSES = ("as-is", "to-be")
# How much an opportunity does for the customer, and how much work it is.
LEVELS = ("low", "medium", "high")
# The customer's feeling at a step, from very negative to very positive.
LOWEST_SCORE, HIGHEST_SCORE = -2, 2
# Page names the site uses for itself; a blueprint id must not take them.
RESERVED_IDS = frozenset({"index", "breaks", "owners", "rules", "tags", "assets", "search", "404",
                          "opportunities", "personas", "all", "diagrams", "trends"})
# The most times a designed repeat (`repeat: {at_most: …}`) may go round.
MAX_REPEATS = 99
# The customer's actor key; parentheses keep it apart from every owner key.
CUSTOMER = "(customer)"


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """Where an element starts in its source file (1-based line and column)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Duration:
    """A span of time as the designer wrote it (`4h`) and in minutes."""

    text: str
    minutes: int

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Cost:
    """What a step costs, as written (`12.50 EUR`), as an exact amount and an optional currency code."""

    text: str
    amount: Decimal
    currency: str | None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Emotion:
    """How the customer feels at a step: a score from -2 to 2 and, optionally, what they said or felt."""

    score: int
    note: str | None
    position: Position


@dataclass(frozen=True, slots=True)
class Measure:
    """A figure the team tracks at a step (a KPI): values are text as typed.

    `volume` is how many customers pass the step in the period the team counts, when the designer
    says so; the priority of the findings there grows with it (see priority.py).
    """

    name: str
    value: str | None
    target: str | None
    unit: str | None
    volume: int | None = None


@dataclass(frozen=True, slots=True)
class Owner:
    """A person or team who acts in the journey."""

    key: str
    name: str
    team: str | None
    contact: str | None
    position: Position


@dataclass(frozen=True, slots=True)
class Channel:
    """A way of reaching someone; unwatched when `watched_by` is None."""

    key: str
    name: str
    watched_by: str | None
    response: Duration | None
    position: Position


@dataclass(frozen=True, slots=True)
class Promise:
    """A commitment made to the customer at a step.

    `within` bounds it by a duration; `until` by an event: the id of the step it must be kept by.
    """

    what: str
    within: Duration | None
    position: Position
    until: str | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """A known failure point at a step, and the step that recovers from it."""

    what: str
    recovery: str | None
    position: Position


@dataclass(frozen=True, slots=True)
class Repeat:
    """A loop the designer says is part of the design: why it goes round, and how many times at most."""

    why: str
    at_most: int
    position: Position


@dataclass(frozen=True, slots=True)
class Edge:
    """One arrow of the journey: from step `source` to step `to`.

    `implicit` edges come from the flow to the following step in the list. `repeat` is set on an
    arrow of a loop the designer says repeats by design.
    """

    source: str
    to: str
    via: str | None
    within: Duration | None
    carries: tuple[str, ...]
    implicit: bool
    position: Position
    repeat: Repeat | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One action in the journey, in one lane."""

    id: str
    lane: str
    action: str
    owner: str | None
    stage: str | None
    touchpoint: str | None
    channel: str | None
    evidence: str | None
    duration: Duration | None
    wait: Duration | None
    promise: Promise | None
    fulfils: str | None
    failure: Failure | None
    end: str | None
    next: tuple[Edge, ...]
    position: Position
    withdraws: str | None = None   # the step whose promise this step tells the customer no longer holds
    emotion: Emotion | None = None   # customer steps only
    pain: tuple[str, ...] = ()
    measures: tuple[Measure, ...] = ()
    cost: Cost | None = None

    @property
    def is_staff(self) -> bool:
        return self.lane in STAFF_LANES


@dataclass(frozen=True, slots=True)
class Ignore:
    """A finding silenced on purpose, with the designer's reason."""

    rule: str
    step: str | None
    reason: str
    position: Position


@dataclass(frozen=True, slots=True)
class Persona:
    """Who the journey is for."""

    name: str
    summary: str | None
    needs: tuple[str, ...]
    position: Position


@dataclass(frozen=True, slots=True)
class Opportunity:
    """A change the team has found: what it is, where in the journey, and how much it does for how much work."""

    id: str
    what: str
    steps: tuple[str, ...]
    impact: str | None
    effort: str | None
    owner: str | None
    position: Position


@dataclass(frozen=True)
class Blueprint:
    """A whole service blueprint as loaded from one file."""

    id: str
    title: str
    file: str
    summary: str | None = None
    status: str = "as-is"
    redesigns: str | None = None
    maintainer: str | None = None
    tags: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    owners: tuple[Owner, ...] = ()
    channels: tuple[Channel, ...] = ()
    steps: tuple[Step, ...] = ()
    ignores: tuple[Ignore, ...] = ()
    position: Position = field(default=None)  # type: ignore[assignment]
    redesigns_position: Position | None = None
    persona: Persona | None = None
    opportunities: tuple[Opportunity, ...] = ()
    # Opportunity ids of the as-is blueprint this to-be one redesigns, each with where it was written.
    realises: tuple[tuple[str, Position], ...] = ()

    # Lookups are cached in the instance dict; cached_property bypasses the
    # frozen __setattr__, so the dataclass stays immutable from outside.
    @cached_property
    def owner_by_key(self) -> dict[str, Owner]:
        return {owner.key: owner for owner in self.owners}

    @cached_property
    def channel_by_key(self) -> dict[str, Channel]:
        return {channel.key: channel for channel in self.channels}

    @cached_property
    def step_by_id(self) -> dict[str, Step]:
        return {step.id: step for step in self.steps}

    @cached_property
    def opportunities_by_step(self) -> dict[str, tuple[Opportunity, ...]]:
        found: dict[str, list[Opportunity]] = {}
        for opportunity in self.opportunities:
            for step_id in opportunity.steps:
                found.setdefault(step_id, []).append(opportunity)
        return {step_id: tuple(items) for step_id, items in found.items()}

    @property
    def edges(self) -> tuple[Edge, ...]:
        return tuple(edge for step in self.steps for edge in step.next)

    def actor(self, step: Step) -> str | None:
        """The owner key for staff steps, CUSTOMER for customer steps."""
        return step.owner if step.is_staff else CUSTOMER
