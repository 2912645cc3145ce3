"""Counts, plurals and scores in words: the one helper every page and diagram uses."""

from __future__ import annotations

import pytest

from blueprintgen.words import counted, number, score


@pytest.mark.parametrize("count, text", [(0, "0"), (999, "999"), (1000, "1,000"), (30146, "30,146"),
                                         (1_234_567, "1,234,567")])
def test_counts_have_thousands_separators(count, text):
    assert number(count) == text


@pytest.mark.parametrize("count, word, plural, text", [
    (1, "customer", None, "1 customer"), (0, "customer", None, "0 customers"), (2, "blueprint", None, "2 blueprints"),
    (1200, "customer", None, "1,200 customers"), (1, "more moment", None, "1 more moment"),
    (3, "person", "people", "3 people"), (1, "person", "people", "1 person")])
def test_a_count_agrees_with_its_noun(count, word, plural, text):
    assert counted(count, word, plural) == text


def test_a_feeling_below_neutral_has_a_real_minus_sign():
    assert [score(s) for s in (-2, -1, 0, 1, 2)] == ["\u22122", "\u22121", "0", "+1", "+2"]
