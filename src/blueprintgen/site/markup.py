"""Generated HTML, escaped by construction: Jinja2 templates with autoescape, and links built from escaped parts."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache, partial

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..escape import page_html_text
from ..words import counted, number, score

__all__ = ["Markup", "Link", "Joined", "html_value", "link", "join", "cell_json", "string_json", "link_json", "render",
           "grouped", "number",
           "shown", "counted", "score"]


# Markup(text) without Markup's own check for __html__: a page makes hundreds of thousands of
# them, and here the text is HTML already.
_markup = partial(str.__new__, Markup)


def shown(value):
    """A table cell or card figure: a whole number as a count (`30,146`), anything else as it is."""
    return number(value) if type(value) is int else value


def html_value(value) -> Markup:
    """Any value as page text; markup we built ourselves (Markup, Link, Joined) passes through unchanged."""
    if type(value) is str:   # the common case first
        return _markup(page_html_text(value))
    if isinstance(value, Markup):
        return value
    if hasattr(value, "__html__"):
        return _markup(value.__html__())
    return _markup(page_html_text("" if value is None else str(value)))


@dataclass(frozen=True)
class Link:
    """<a> to one of our own pages or anchors: the text is escaped when shown; `href` is built by us."""

    href: str
    text: str
    code: bool = False

    def __html__(self) -> str:
        # Plain string building: pages hold tens of thousands of links, and Markup's % is slow.
        label = html_value(self.text)
        if self.code:
            label = f"<code>{label}</code>"
        return f'<a href="{html_value(self.href)}">{label}</a>'

    def as_json(self) -> dict:
        return {"href": self.href, "text": str(self.text), "code": self.code}


@dataclass(frozen=True)
class Joined:
    """Texts and links shown one after another, with a separator between them."""

    parts: tuple
    separator: str = ", "

    def __html__(self) -> str:
        return str(html_value(self.separator)).join([str(html_value(part)) for part in self.parts])

    def as_json(self) -> dict:
        items: list = []
        for index, part in enumerate(self.parts):
            if index and self.separator:
                items.append(self.separator)
            items.append(cell_json(part))
        return {"parts": items}


def link(href: str, text, code: bool = False) -> Link:
    return Link(href, text, code)


def join(parts, separator: str = ", ") -> Joined:
    return Joined(tuple(parts), separator)


def cell_json(value):
    """A table cell for a list the page loads as it is read (the viewer's script shows it as text)."""
    if hasattr(value, "as_json"):
        return value.as_json()
    return "—" if value is None or value == "" else str(shown(value))


# A string as json.dumps(..., ensure_ascii=False) writes it (the same function): for lists of tens of
# thousands of rows written as text, without a dict per link (see layout.Rows).
string_json = json.encoder.encode_basestring


def link_json(href: str, text: str) -> str:
    """The JSON text of cell_json(link(href, text)), as layout.paged writes it (keys sorted, no spaces)."""
    return f'{{"code":false,"href":{string_json(href)},"text":{string_json(text)}}}'


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # `finalize` escapes every {{ value }} with our page escaping (braces, newlines)
    # before autoescape sees it; autoescape stays on as the second line of defence.
    environment = Environment(loader=PackageLoader("blueprintgen.site", "templates"), autoescape=True,
                              finalize=html_value, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    # Counts in cells, cards and sentences; never in ids or attributes (`finding-1234`).
    environment.filters.update(shown=shown, counted=counted)
    return environment


def render(template: str, **context) -> str:
    """One element as HTML with no blank lines, so Markdown keeps it as one raw block."""
    html = _environment().get_template(template).render(**context)
    return "\n".join(line for line in html.splitlines() if line.strip()) + "\n"


def grouped(text: str) -> str:
    """A tag or team name as pages group by it: `Café` typed on two machines (composed or not) and
    ` retail` with a stray space are the same tag, shown once; case still tells names apart."""
    return unicodedata.normalize("NFC", " ".join(text.split()))
