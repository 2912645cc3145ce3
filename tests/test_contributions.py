"""The pages across blueprints made from per-blueprint contributions: plain JSON, one blueprint's alone, and
the same pages after a trip through JSON (as a per-file cache keeps them) as from the analyses."""

import json
import shutil
import sys

import pytest

from blueprintgen.actions import action
from blueprintgen.analysis import analyse
from blueprintgen.loader import load_paths
from blueprintgen.model import RESERVED_IDS
from blueprintgen.site.contributions import contribution, portfolio_from
from blueprintgen.site.layout import Layout
from blueprintgen.site.pages import Page, portfolio_pages
from blueprintgen.site.ranking import finding_of
from helpers import EXAMPLES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402

# A month of history in the shape trends.site_history gives it.
HISTORY = {"by": "month", "periods": [
    {"period": f"2026-0{m}", "commit": f"{m:040x}", "settings_problem": None,
     "totals": {"high": 3 * m, "medium": m, "low": 1, "findings": 4 * m + 1}, "blueprint_count": 2,
     "teams": [{"team": "Billing", "high": m, "medium": 1, "low": 0, "findings": m + 1}]} for m in (1, 2, 3)]}

LAYOUTS = [(Layout(), (), None),
           (Layout(directory_urls=False, search=True), ["blueprints/x.yaml:1:1: not a mapping"], HISTORY),
           (Layout(home="blueprints/index.md", search=True), (), "shallow"),
           (Layout(source_links=True, directory_urls=False), [f"b{i}.yaml:1:1: wrong" for i in range(25)], None)]


def _analyses(folder) -> list:
    loaded = load_paths([str(folder)])
    assert loaded.problems == ()
    return [analyse(b) for b in loaded.blueprints]


@pytest.fixture(scope="module")
def examples():
    return _analyses(EXAMPLES)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated portfolio large enough that every long list has its JSON files of more rows."""
    folder = tmp_path_factory.mktemp("contributed") / "blueprints"
    generate.write_blueprints(str(folder), 60)
    return _analyses(folder)


def _through_json(contributions: list[dict]) -> list[dict]:
    return json.loads(json.dumps(contributions, sort_keys=True))


def _same(made: dict, expected: dict) -> None:
    assert list(made) == list(expected)
    for path, page in expected.items():
        if isinstance(page, Page):
            assert (made[path].markdown, made[path].blocks, made[path].late, made[path].title) == \
                (page.markdown, page.blocks, page.late, page.title), path
        else:
            assert made[path] == page, path


@pytest.mark.parametrize("layout, problems, history", LAYOUTS)
@pytest.mark.parametrize("which", ["examples", "generated"])
def test_the_pages_from_contributions_read_back_from_json_are_the_pages_from_the_analyses(which, layout, problems,
                                                                                          history, request):
    analyses = request.getfixturevalue(which)
    expected = portfolio_pages(analyses, layout, problems, history)
    made = portfolio_from(_through_json([contribution(a, layout) for a in analyses]), layout, problems, history)
    _same(made, expected)
    if which == "generated":   # the lists are long enough to be split into files
        assert any(path.endswith("rows-1.json") for path in made if "/owners/" in path)
        assert any(path.endswith("rows-1.json") for path in made if "/breaks/" in path)


def _json_native(value, where="") -> None:
    """Only what JSON holds as it is: dicts with str keys, lists, str, int, bool, None."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str, where
            _json_native(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _json_native(item, f"{where}[{index}]")
    else:
        assert value is None or type(value) in (str, int, bool), (where, value)


def test_every_contribution_is_plain_json(examples, generated):
    for a in examples + generated:
        c = contribution(a, Layout())
        _json_native(c, a.blueprint.id)
        assert json.loads(json.dumps(c, sort_keys=True)) == c


def test_a_contribution_keeps_every_fix_as_the_site_words_it(examples, generated):
    """A fix is kept as the texts its rule's action is filled with: put back together, it is the action."""
    for a in examples + generated:
        c = _through_json([contribution(a, Layout())])[0]
        for f in a.findings:
            assert finding_of(c, f.number)[4] == action(a.blueprint, f)
        assert all(len(column) == len(a.findings) for column in c["findings"].values())


def test_one_blueprints_contribution_does_not_change_when_another_changes(tmp_path):
    """The to-be redesigns the as-is, whose page it links to and whose opportunities it realises: its
    contribution is the same whatever the as-is says."""
    folder = tmp_path / "blueprints"
    folder.mkdir()
    for name in ("double-charge-refund", "double-charge-refund-to-be"):
        shutil.copy(EXAMPLES / f"{name}.yaml", folder)
    before = {a.blueprint.id: contribution(a, Layout()) for a in _analyses(folder)}
    as_is = folder / "double-charge-refund.yaml"
    text = as_is.read_text()
    changed = text.replace("title: ", "title: Changed ", 1)
    assert changed != text
    as_is.write_text(changed)
    after = {a.blueprint.id: contribution(a, Layout()) for a in _analyses(folder)}
    assert after["double-charge-refund-to-be"] == before["double-charge-refund-to-be"]
    assert after["double-charge-refund"] != before["double-charge-refund"]


@pytest.mark.parametrize("layout", [Layout(), Layout(directory_urls=False), Layout(source_links=True),
                                    Layout(home="blueprints/index.md"), Layout(folder="docs/maps")])
def test_links_to_blueprints_made_once_per_page_are_the_links_made_one_by_one(layout):
    pages = [layout.home, "index.md", layout.path("all"), layout.path("owners"), layout.path("owners/team-a-b"),
             layout.path("owners/no-owner"), layout.path("breaks/context-lost"), layout.path("tags/retail"),
             layout.path("personas"), layout.path("bp00001-refund"), layout.path("bp00001-refund/deeper")]
    ids = ["bp00001-refund", "a", "0-blueprint-id", "all-of-it", "owners-x", "index-1", "0"]   # none reserved
    assert not set(ids) & RESERVED_IDS
    for page in pages:
        hrefs = layout.blueprint_hrefs(page)
        for blueprint_id in ids:
            if page != layout.path(blueprint_id):
                assert hrefs(blueprint_id) == layout.href(page, layout.path(blueprint_id)), (page, blueprint_id)


def test_summaries_put_together_are_the_summary_of_all_their_findings(generated):
    """The pages sum a blueprint's, a team's, a rule's findings from the summaries of their parts."""
    from blueprintgen.priority import combined, ranked_findings, summarise, summary_data

    everything = [r for a in generated for r in ranked_findings(a)]
    for size in (1, 7, 100):
        parts = [everything[start:start + size] for start in range(0, len(everything), size)]
        assert combined(summary_data(summarise(part)) for part in parts) == summarise(everything)
    assert combined([]) == summarise([])


def test_show_more_files_are_taken_from_an_earlier_build_only_while_their_rows_are_the_same(generated):
    """A contribution with a key names the "Show more" files it has rows in: after one blueprint changed (a
    new key), the files without its rows are the kept ones and the others are made again, and the pages
    are the pages made from nothing."""
    layout = Layout(search=True)
    keyed = [{**contribution(a, layout), "key": f"record-{a.blueprint.id}"} for a in generated]
    keys: dict = {}
    first = portfolio_from(keyed, layout, keys=keys)
    _same(first, portfolio_pages(generated, layout))
    assert keys and all(path.endswith(".json") and "/rows-" in path for path in keys)
    assert any("/owners/" in path for path in keys) and any("/breaks/" in path for path in keys)
    kept = {keys[path]: first[path] for path in keys}

    changed = [dict(c) for c in keyed]
    target = changed[7]
    target.update(title="A title changed since", key="record-changed")
    taken, asked = [], []

    def lookup(key):
        asked.append(key)
        if key in kept:
            taken.append(key)
        return kept.get(key)

    again: dict = {}
    made = portfolio_from(changed, layout, kept=lookup, keys=again)
    _same(made, portfolio_from([{k: v for k, v in c.items() if k != "key"} for c in changed], layout))
    assert sorted(asked) == sorted(again.values())
    mentions = {path for path in again if b"A title changed since" in made[path]}
    assert mentions, "the changed blueprint has rows in some file"
    assert {path for path in again if again[path] not in taken} == mentions
    assert len(taken) == len(again) - len(mentions) > 0


def test_a_contribution_without_a_key_names_no_file(generated):
    keys: dict = {}
    portfolio_from([contribution(a, Layout()) for a in generated], Layout(), keys=keys, kept=lambda key: b"never")
    assert keys == {}
