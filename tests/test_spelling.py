"""Misspelt fashion words are read as meant, through the one vocabulary; real words are left alone."""

from __future__ import annotations

import pytest

from stylist.agent.router import Router
from stylist.config import load_settings
from stylist.fashion.spelling import Speller, edit_distance, known_words_source
from stylist.runtime import Runtime
from stylist.tools.registry import build_registry


@pytest.fixture(scope="module")
def speller():
    return Speller(["trending", "caption", "outfit"])


@pytest.mark.parametrize(
    "text,expected",
    [
        ("blak jaket for a weding", "black jacket for a wedding"),
        ("sneekers under 60", "sneakers under 60"),
        ("a red dres for a partty", "a red dress for a party"),
        ("leathr boots for wintr", "leather boots for winter"),  # winter, not the variant "wintry"
        ("write a captoin for g-0009", "write a caption for g-0009"),  # a caller's keyword
        ("navy trowsers for the offce", "navy trousers for the office"),
    ],
)
def test_misspelt_fashion_words_are_corrected(speller, text, expected):
    assert speller.correct(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "While shopping I saw white shorts",  # "while" is a word, not a misspelt "white"
        "short skirts for a hot day",
        "what goes with g-0001 and demo-00524?",  # ids are never touched
        "I'd like something lovely",
        "Ana's dresses",
    ],
)
def test_real_words_ids_and_names_are_left_alone(speller, text):
    assert speller.correct(text) == text


def test_edit_distance_counts_swaps_as_one_edit():
    assert edit_distance("shrit", "shirt") == 1
    assert edit_distance("jaket", "jacket") == 1
    assert edit_distance("abc", "xyz", limit=1) == 2  # limit + 1 once past the limit


def test_known_words_come_from_the_packaged_tokenizer():
    assert known_words_source() == "embedder tokenizer"


def test_router_reads_typos_as_the_words_meant():
    router = Router(build_registry(Runtime(load_settings())))
    decision = router.route("blak jaket for men")
    assert decision.tool == "search_garments"
    assert decision.arguments.get("colours") == ["black"] and decision.arguments.get("gender") == "men"
    assert router.route("wat colors are trnding").tool == "trend_forecast"


def test_a_tie_between_two_equally_ranked_words_is_left_alone():
    speller = Speller(["abcde", "abcdf"])
    assert speller.suggest("abcdx") is None  # two keyword targets one edit away, neither preferred
    assert Speller(["abcde"]).suggest("abcdx") == "abcde"
