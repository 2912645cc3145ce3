"""Links between generated pages: the relative path of every pair of pages is what posixpath gives."""

import posixpath

from hypothesis import given, strategies as st

from blueprintgen.site.pages import Layout, _relpath

SEGMENT = st.sampled_from(["blueprints", "tags", "a-b", "index.md", "x.svg", "", "."])
PATH = st.lists(SEGMENT, max_size=4).map(lambda parts: "/".join(parts) or ".").filter(lambda p: not p.startswith("/"))


@given(PATH, PATH)
def test_relative_path_is_posixpaths(target, folder):
    assert _relpath(target, folder) == posixpath.relpath(target, folder)


def test_links_between_pages_of_both_url_styles():
    assert Layout().href("blueprints/tags/billing.md", "blueprints/refund.md", "step-a") == "../../refund/#step-a"
    assert Layout().href("index.md", "blueprints/diagrams/refund.svg") == "blueprints/diagrams/refund.svg"
    assert Layout(directory_urls=False).href("blueprints/tags/billing.md", "index.md") == "../../index.html"
    assert Layout(source_links=True).href("blueprints/refund.md", "blueprints/tags/billing.md") == "tags/billing.md"
