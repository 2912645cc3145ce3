"""One escaping function per destination, so text from blueprints, file names and settings is only ever shown as text.

    terminal            a line on a terminal or in a CI log (stdout, stderr, logging): one line, controls as escapes
    workflow_data       the message of a GitHub workflow command (`::error …::DATA`)
    workflow_property   a property of a GitHub workflow command (`file=`, `title=`)
    markdown            GitHub Markdown: `diff --format markdown`, the job summary, a pull-request comment
    markdown_text       the site's Markdown: page titles in the front matter (and `cell`, a table cell)
    page_html_text      HTML, in the site's pages (inert to what reads a Markdown page before its HTML)
    clean               text drawn in a diagram: controls and direction changes removed

Every message goes through the function for where it is shown, whatever made it (a blueprint,
a file name, a setting, a command-line argument, git or Graphviz).
"""

from __future__ import annotations

import re

__all__ = ["clean", "terminal", "workflow_data", "workflow_property", "markdown", "markdown_text", "cell",
           "page_html_text"]

# C0/C1 controls (but tab and newline), and bidirectional marks, overrides and isolates
# that can make text read differently from what it is. Zero-width joiners stay:
# emoji sequences and Persian or Indic text need them.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

# Characters that mean something to Markdown, to its common extensions (attr_list
# braces, emoji shortcodes, pymdownx snippets `--8<--`, tables, magiclink), or to
# template plugins (`{{ }}`, `{% %}`). Written as numeric character references, they
# stay literal text in every Markdown flavour and decode back to the input.
_MARKDOWN_SPECIAL = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|:~^=<>&\"'%$@"}

# Why not markupsafe.escape (which Jinja2 uses for the templates' own values): a page value must also
# lose control characters and have its braces and newlines written as references (see page_html_text),
# which markupsafe does not do, and doing both would be two passes over tens of thousands of values.
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


# What a terminal or a log viewer could act on or be misled by: C0 and C1 controls (an escape
# sequence, a carriage return that overwrites the line), line and paragraph separators, direction
# marks, overrides and isolates, a byte order mark, and the lone surrogates that undecodable
# bytes in a file name become. Written as escapes, they show what the text holds.
_CONTROLS = ("\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
             "\ufeff\ud800-\udfff")
_SHOWN_AS_ESCAPES = re.compile(f"[{_CONTROLS}\r\n]")
_SHOWN_AS_ESCAPES_IN_DATA = re.compile(f"[{_CONTROLS}]")   # a workflow command percent-encodes CR and LF
# GitHub's runner reads a line that starts with `::` (after white space) as a workflow command,
# and `##[command]` anywhere in a line as one in the older syntax (`##[error]`, `##[stop-commands]`).
_COMMAND_START = re.compile(r"\s*:(?=:)")


def _escape(match: re.Match) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """A message as one line for a terminal or a CI log: every control, line break and direction
    character written as a `\\x0a`-, `\\x1b`- or `\\u202e`-style escape.

    So a file name, a setting or a blueprint text can neither forge a line of output, nor send an
    escape sequence, nor make GitHub's runner read the line as a workflow command: a leading `::`
    is written `\\x3a:` and `##[` as `##\\x5b`. Ordinary text comes back unchanged.
    """
    text = _SHOWN_AS_ESCAPES.sub(_escape, str(text))
    if "##[" in text:
        text = text.replace("##[", "##\\x5b")
    found = _COMMAND_START.match(text)
    return text if found is None else text[:found.end() - 1] + "\\x3a" + text[found.end():]


def workflow_data(text: str) -> str:
    """The data (message) of a GitHub workflow command, escaped as the runner unescapes it:
    `%` as `%25`, CR as `%0D`, LF as `%0A`; other controls are written as in `terminal`."""
    text = _SHOWN_AS_ESCAPES_IN_DATA.sub(_escape, str(text))
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A property value of a GitHub workflow command: as `workflow_data`, and `:` as `%3A`, `,` as `%2C`."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


# GitHub's autolink extension turns `scheme://…`, `www.…` and `local@domain` into links, and it
# reads text after character references are decoded, so `&#64;` is no defence. A WORD JOINER
# (U+2060, invisible, no line break) inside each keeps the text reading the same and makes none match.
_JOINER = "\u2060"
_AUTOLINKED = re.compile(r"(?<=:)(?=//)|(?i:(?<=www)(?=\.))|(?=@)|(?<=@)")


def _unlinked(text: str) -> str:
    return _AUTOLINKED.sub(_JOINER, text)


# What can turn text into markup inside a line of GitHub Markdown: emphasis, code, strikethrough,
# links, images and table cells (`&` and `<` are written as references: no entity, no HTML).
# Line-start constructs cannot occur: text never starts a line.
_GITHUB_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def markdown(text, code: bool = False) -> str:
    """Text for a line of GitHub Markdown (cmark-gfm with its extensions): no markup, no HTML, no
    link, one line. `code` gives a code span instead, in which nothing is live."""
    text = clean(str(text)).replace("\n", " ")
    if code:
        return "`" + text.replace("`", "\u2019") + "`"
    text = _unlinked(text).replace("&", "&amp;").replace("<", "&lt;")
    return _GITHUB_MARKDOWN_SPECIAL.sub(r"\\\1", text)


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
    """Text for any Markdown inline position (paragraph, list item, link text, table cell) of the
    site's pages, and for HTML: a page title in the front matter is both.

    Newlines become `&#10;` so a value never breaks a table row or starts a block; web and mail
    addresses are broken as in `markdown`, so no autolinking extension makes a link of them.
    """
    return _unlinked(clean(text)).translate(_MARKDOWN_SPECIAL).replace("\n", "&#10;").replace("\t", " ")


def cell(text: str | None) -> str:
    """A Markdown table cell: escaped text, or an em dash for nothing."""
    return markdown_text(text) if text else "—"
