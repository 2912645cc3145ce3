"""Checks across blueprint files: each id used once; a redesign names an as-is blueprint and its opportunities."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Blueprint, Position
from .problems import Problem, did_you_mean, listing
from .yamltree import shown

__all__ = ["check_across", "Facts", "facts_of"]


@dataclass(frozen=True, eq=False)
class _Opportunity:
    id: str


@dataclass(frozen=True, eq=False)
class Facts:
    """What the checks across files read of one blueprint, kept as plain data by a build (see site/survey):
    a build after one change checks every file without loading the others again."""

    id: str
    file: str
    position: Position
    status: str
    redesigns: str | None
    redesigns_position: Position | None
    opportunities: tuple[_Opportunity, ...]
    realises: tuple[tuple[str, Position], ...]

    def to_json(self) -> list:
        def where(position):
            return [position.file, position.line, position.column] if position is not None else None
        return [self.id, self.file, where(self.position), self.status, self.redesigns, where(self.redesigns_position),
                [o.id for o in self.opportunities], [[name, where(at)] for name, at in self.realises]]

    @classmethod
    def from_json(cls, data) -> "Facts":
        """Facts from `to_json`'s list; TypeError or ValueError when it is not of that shape."""
        def where(value):
            if value is None:
                return None
            file, line, column = value
            if not (isinstance(file, str) and type(line) is int and type(column) is int):
                raise TypeError("not a position")
            return Position(file, line, column)
        blueprint_id, file, position, status, redesigns, redesigns_position, opportunities, realises = data
        if not all(isinstance(text, str) for text in (blueprint_id, file, status, *opportunities)) or \
                not isinstance(redesigns, (str, type(None))) or position is None:
            raise TypeError("not facts")
        return cls(blueprint_id, file, where(position), status, redesigns, where(redesigns_position),
                   tuple(_Opportunity(o) for o in opportunities),
                   tuple((str(name), where(at)) for name, at in realises if isinstance(name, str)))


def facts_of(blueprint: Blueprint) -> Facts:
    return Facts(blueprint.id, blueprint.file, blueprint.position, blueprint.status, blueprint.redesigns,
                 blueprint.redesigns_position, tuple(_Opportunity(o.id) for o in blueprint.opportunities),
                 tuple(blueprint.realises))


def check_across(blueprints: list[Blueprint | Facts]) -> list[Problem]:
    """Problems between files: duplicate ids and `redesigns` references (of blueprints, or of their Facts)."""
    problems = []
    by_id: dict[str, Blueprint] = {}
    for blueprint in blueprints:
        first = by_id.setdefault(blueprint.id, blueprint)
        if first is not blueprint:
            where = blueprint.position
            problems.append(Problem(where.file, where.line, where.column,
                                    f"blueprint id '{blueprint.id}' is already used by {first.file}",
                                    "give each blueprint its own `id:` (or file name)"))
    for blueprint in blueprints:
        if not blueprint.redesigns:
            continue
        target = by_id.get(blueprint.redesigns)
        where = blueprint.redesigns_position
        if target is None:
            suggestion = did_you_mean(blueprint.redesigns, set(by_id) - {blueprint.id})   # never itself
            problems.append(Problem(where.file, where.line, where.column,
                                    f"redesigns unknown blueprint '{shown(blueprint.redesigns)}'",
                                    suggestion or "check the id of the as-is blueprint, "
                                                  "and check it together with this one"))
        elif target is blueprint:
            problems.append(Problem(where.file, where.line, where.column,
                                    f"blueprint '{blueprint.id}' redesigns itself",
                                    "give the id of the as-is blueprint this one redesigns"))
        elif target.status != "as-is":
            problems.append(Problem(where.file, where.line, where.column,
                                    f"redesigns '{target.id}', which is not an as-is blueprint",
                                    "a to-be blueprint redesigns an as-is one"))
        else:
            problems.extend(_check_realises(blueprint, target))
    return problems


def _check_realises(blueprint: Blueprint, target: Blueprint) -> list[Problem]:
    """Every opportunity a to-be blueprint realises is one of the as-is blueprint it redesigns."""
    known = {opportunity.id for opportunity in target.opportunities}
    problems = []
    for opportunity_id, where in blueprint.realises:
        if opportunity_id in known:
            continue
        hint = (did_you_mean(opportunity_id, known) or f"known opportunities of '{target.id}': {listing(known)}"
                if known else f"add it under `opportunities:` in {target.file} first")
        problems.append(Problem(where.file, where.line, where.column,
                                f"realises unknown opportunity '{shown(opportunity_id)}' of '{target.id}'", hint))
    return problems
