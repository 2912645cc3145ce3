"""The example blueprints carry what their seed stories say: how the customer felt where, in their words."""

import json

import pytest

from blueprintgen.loader import load_paths
from clirun import invoke
from helpers import EXAMPLES


# Each story's lowest moment, where the text puts it, and the customer's words there.
LOWEST = {
    "beauty-store-headset-help": ("walks-out", -2, "I felt ignored and walked out."),
    "facial-appointment-cancelled": ("no-follow-up", -2, "I was angered by the lack of communication by management"),
    "two-providers-four-people": ("rejects-policy", -2, "I felt underappreciated and used."),
    "double-charge-refund": ("back-in-store", -1, "my perspective of the customer experience had been tainted"),
    "ortho-shoes-prescription": ("calls-corporate", -2, "fed up to my eyeballs"),
}


@pytest.fixture(scope="module")
def metrics():
    result = invoke("check", "--format", "json", "--fail-on", "never", "blueprints")
    assert result.exit_code == 0, result.output
    return {entry["id"]: entry["metrics"] for entry in json.loads(result.output)["blueprints"]}


@pytest.fixture(scope="module")
def blueprints():
    loaded = load_paths([str(EXAMPLES)])
    assert loaded.problems == ()
    return {blueprint.id: blueprint for blueprint in loaded.blueprints}


@pytest.mark.parametrize("story", sorted(LOWEST))
def test_each_story_is_lowest_where_its_text_puts_it(story, metrics, blueprints):
    step, score, words = LOWEST[story]
    assert (metrics[story]["lowest_emotion_step"], metrics[story]["lowest_emotion"]) == (step, score)
    assert words in blueprints[story].step_by_id[step].emotion.note
    # Only one moment is that low: the lowest is not a tie broken by file order.
    lows = [s.id for s in blueprints[story].steps if s.emotion and s.emotion.score == score]
    assert lows == [step]


def test_the_beauty_store_shopper_is_lowest_as_she_walks_out_past_four_associates(blueprints):
    walks_out = blueprints["beauty-store-headset-help"].step_by_id["walks-out"]
    assert walks_out.end == "abandoned" and "four associates socialising" in walks_out.pain[0]


def test_stories_that_end_well_end_on_feeling_valued(blueprints):
    for story, step in (("facial-appointment-cancelled", "customer-stays"), ("ortho-shoes-prescription", "chooses-another-location")):
        emotion = blueprints[story].step_by_id[step].emotion
        assert emotion.score == 2 and "feel valued" in emotion.note


def test_metrics_in_json_count_pain_and_opportunities(metrics):
    assert metrics["facial-appointment-cancelled"]["steps_below_neutral"] == 2
    assert metrics["beauty-store-headset-help"]["pain_points"] == 3
    assert metrics["double-charge-refund"]["opportunities_by_impact"] == {"high": 2, "medium": 1, "low": 0, "unrated": 0}
    assert all(m["cost_on_longest_path"] is None for m in metrics.values())   # no story states a cost


def test_personas_where_the_story_gives_one_and_redesigns_realise_opportunities(blueprints):
    assert {b.id: b.persona.name for b in blueprints.values() if b.persona} == {
        "beauty-store-headset-help": "Shopper who is spendy on her hair",
        "facial-appointment-cancelled": "VIP card holder with prepaid facials",
        "two-providers-four-people": "A leader as customer",
        "ortho-shoes-prescription": "Dave, a patient with bad feet",
    }
    for blueprint in blueprints.values():
        if blueprint.status == "to-be":
            redesigned = blueprints[blueprint.redesigns]
            assert {o for o, _ in blueprint.realises} < {o.id for o in redesigned.opportunities}
            assert blueprint.realises, blueprint.id
