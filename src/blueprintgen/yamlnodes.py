"""The tree a YAML file is read into: text nodes with their positions, and the problems found reading it."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Scalar", "Mapping", "Sequence", "Node", "TreeError", "shown", "NULL_WORDS"]

NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})


@dataclass(slots=True)
class Scalar:
    """A scalar exactly as typed; `plain` is False for quoted and block scalars."""

    text: str
    plain: bool
    line: int
    column: int
    env: bool = False   # tagged `!ENV` in a project's config (read with `tolerant`)

    @property
    def is_null(self) -> bool:
        return self.plain and self.text in NULL_WORDS


@dataclass(slots=True)
class Mapping:
    """A mapping with its keys in file order."""

    is_null = False   # so any node can be asked, as a Scalar can

    line: int
    column: int
    items: list[tuple[Scalar, "Node"]] = field(default_factory=list)


@dataclass(slots=True)
class Sequence:
    """A list with its items in file order."""

    is_null = False

    line: int
    column: int
    items: list["Node"] = field(default_factory=list)
    env: bool = False


Node = Scalar | Mapping | Sequence


@dataclass(frozen=True)
class TreeError:
    """A problem found while reading the YAML itself."""

    line: int
    column: int
    message: str
    hint: str | None = None


def shown(text: str, limit: int = 60) -> str:
    """A value as quoted in a message: control characters removed, long values cut.

    Messages name the offending value so it can be found, but never reproduce a
    file's contents (or terminal escape sequences hidden in them).
    """
    visible = "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in text)
    return visible if len(visible) <= limit else visible[: limit - 1] + "…"
