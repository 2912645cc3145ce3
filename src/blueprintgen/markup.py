"""Generated HTML, escaped by construction: Jinja2 templates with autoescape, and links built from escaped parts."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .escape import page_html_text

__all__ = ["Markup", "shown", "link", "join", "render"]


def shown(value) -> Markup:
    """Any value as page text; markup we built ourselves passes through unchanged."""
    if isinstance(value, Markup):
        return value
    return Markup(page_html_text("" if value is None else str(value)))


def link(href: str, text, code: bool = False) -> Markup:
    """<a> to one of our own pages or anchors; the text is escaped, `href` is built by us."""
    label = Markup("<code>%s</code>") % shown(text) if code else shown(text)
    return Markup('<a href="%s">%s</a>') % (shown(href), label)


def join(parts, separator: str = ", ") -> Markup:
    return shown(separator).join(shown(part) for part in parts)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # `finalize` escapes every {{ value }} with our page escaping (braces, newlines)
    # before autoescape sees it; autoescape stays on as the second line of defence.
    return Environment(loader=PackageLoader("blueprintgen", "templates"), autoescape=True, finalize=shown,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context) -> str:
    """One element as HTML with no blank lines, so Markdown keeps it as one raw block."""
    html = _environment().get_template(template).render(**context)
    return "\n".join(line for line in html.splitlines() if line.strip()) + "\n"
