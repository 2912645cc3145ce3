"""Checks across blueprint files: each id used once; a redesign names an as-is blueprint and its opportunities."""

from __future__ import annotations

from .model import Blueprint
from .problems import Problem, did_you_mean, listing
from .yamltree import shown

__all__ = ["check_across"]


def check_across(blueprints: list[Blueprint]) -> list[Problem]:
    """Problems between files: duplicate ids and `redesigns` references."""
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
