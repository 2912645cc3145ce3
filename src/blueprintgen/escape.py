"""One escaping function per destination, so YAML text is only ever shown as text."""

from __future__ import annotations

import html
import re

__all__ = ["clean", "file_name", "one_line", "html_text", "page_html_text", "markdown_text", "cell"]

# C0/C1 controls (but tab and newline), and bidirectional marks, overrides and isolates
# that can make text read differently from what it is. Zero-width joiners stay:
# emoji sequences and Persian or Indic text need them.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

# Characters that mean something to Markdown, to its common extensions (attr_list
# braces, emoji shortcodes, pymdownx snippets `--8<--`, tables, magiclink), or to
# template plugins (`{{ }}`, `{% %}`). Written as numeric character references, they
# stay literal text in every Markdown flavour and decode back to the input.
_MARKDOWN_SPECIAL = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|:~^=<>&\"'%$@"}


# One pass for page HTML (the pages carry tens of thousands of values): drop what `clean`
# drops, escape what html.escape escapes, and braces, newlines and tabs as described below.
_PAGE_HTML: dict[int, str | None] = {
    **{code: None for code in [*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0), 0x061c, 0x200e, 0x200f,
                               *range(0x202a, 0x202f), *range(0x2066, 0x206a), 0xfeff]},
    ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#x27;",
    ord("{"): "&#123;", ord("}"): "&#125;", ord("\n"): "&#10;", ord("\t"): " ",
}

_PAGE_HTML_FOUND = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_PAGE_HTML)) + "]")


def clean(text: str) -> str:
    """Remove control and bidirectional-override characters; keep everything else."""
    return _INVISIBLE.sub("", text)


# In a file name these are written as escapes, so the name shows what it is and stays on its line.
_NAME_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def file_name(path: str) -> str:
    """A file name for a line of output: control and bidi characters as `\\x0a`-style escapes.

    A name with a newline in it could otherwise forge a whole line of `validate` or `check` output.
    """
    return _NAME_CONTROLS.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", path)


def one_line(text: str) -> str:
    """`clean` text kept on one line: a newline (e.g. from a file name in a message) is written `\\n`."""
    return clean(text).replace("\n", "\\n")


def html_text(text: str) -> str:
    """Text for HTML element content or a double- or single-quoted attribute value."""
    return html.escape(clean(text), quote=True)


def page_html_text(text: str) -> str:
    """Text for HTML inside a Markdown page: HTML-escaped, and inert to what reads the page first.

    Markdown preprocessors and template plugins see a page before its HTML is parsed:
    braces (`{{ }}`, `{% %}`, attribute lists) are written as references; `<`, `&` and
    quotes are escaped already, which disarms `--8<--` snippets. Newlines become `&#10;`
    so a text never ends a raw HTML block.
    """
    # Most texts need nothing: a search in C is far cheaper than translating character by character.
    return text.translate(_PAGE_HTML) if _PAGE_HTML_FOUND.search(text) else text


def markdown_text(text: str) -> str:
    """Text for any Markdown inline position (paragraph, list item, link text, table cell).

    Newlines become `&#10;` so a value never breaks a table row or starts a block.
    """
    return clean(text).translate(_MARKDOWN_SPECIAL).replace("\n", "&#10;").replace("\t", " ")


def cell(text: str | None) -> str:
    """A Markdown table cell: escaped text, or an em dash for nothing."""
    return markdown_text(text) if text else "—"
