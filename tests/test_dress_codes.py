"""Dress codes as data (issue #21, item 1): the table, the brief reading it, and what each refuses."""

from __future__ import annotations

import pytest

from stylist.errors import ToolInputError
from stylist.fashion.brief import extract_dress_code
from stylist.fashion.dresscodes import dress_code, matches, refusal
from stylist.fashion.terms import normalise_text
from stylist.fashion.vocabulary import vocabulary

CODES = [
    "black tie",
    "cocktail",
    "wedding guest",
    "business formal",
    "business casual",
    "smart casual",
    "casual",
    "athleisure",
    "beach",
    "outdoor / hiking",
    "lounge",
]


def test_the_eleven_dress_codes_are_in_the_table():
    assert list(vocabulary().dress_codes) == CODES


def test_each_word_names_one_dress_code():
    seen: dict[str, str] = {}
    for code in vocabulary().dress_codes.values():
        for word in code.words:
            assert word not in seen, (word, seen.get(word), code.name)
            seen[word] = code.name


def test_every_rule_term_is_a_known_garment_or_article():
    v = vocabulary()
    known = {" ".join(normalise_text(w).split()) for w in (*v.articles, *v.garment_words)}
    for code in v.dress_codes.values():
        terms = [*code.forbid, *(t for r in code.slots.values() for t in (*r.allow, *r.forbid))]
        for term in terms:
            phrase = " ".join(normalise_text(term).split())
            assert term in v.garments or phrase in known or phrase + "s" in known, (code.name, term)


def test_formality_ranges_rise_from_lounge_to_black_tie():
    codes = vocabulary().dress_codes
    assert (
        codes["lounge"].formality[1]
        < codes["business formal"].formality[0]
        <= codes["black tie"].formality[0]
    )
    assert codes["black tie"].suits_formality(3.8) and not codes["black tie"].suits_formality(1.0)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("what should I wear to a summer wedding? earthy colours, under 200", "wedding guest"),
        ("smart casual outfit for a first date, men, navy and white", "smart casual"),
        ("something for a black-tie gala", "black tie"),
        ("a job interview at a bank", "business formal"),
        ("hiking in the lakes next week", "outdoor / hiking"),
        ("comfy loungewear for a night in", "lounge"),
        ("a blue shirt", None),
    ],
)
def test_the_brief_reads_the_dress_code(text, code):
    assert extract_dress_code(text) == code


@pytest.mark.parametrize(
    ("code", "slot", "article", "material", "refused"),
    [
        ("wedding guest", "bag", "Backpacks", "canvas", True),
        ("wedding guest", "bag", "Clutches", "satin", False),
        ("wedding guest", "shoes", "Sports Shoes", None, True),
        ("wedding guest", "shoes", "Flip Flops", None, True),
        ("wedding guest", "shoes", "Heels", None, False),
        ("wedding guest", "dress", "Dresses", "denim", True),
        ("black tie", "shoes", "Casual Shoes", None, True),
        ("black tie", "shoes", "Formal Shoes", None, False),
        ("black tie", "bottom", "Track Pants", None, True),
        ("business formal", "bottom", "Shorts", None, True),
        ("business formal", "top", "Shirts", "cotton", False),
        ("smart casual", "bottom", "Shorts", "linen", True),
        ("smart casual", "shoes", "Sandals", None, True),
        ("athleisure", "shoes", "Sports Shoes", None, False),
        ("athleisure", "shoes", "Heels", None, True),
        ("beach", "shoes", "Flip Flops", None, False),
        ("beach", "top", "Sweaters", "wool", True),
        ("outdoor / hiking", "bag", "Backpacks", None, False),
        ("casual", "bottom", "Jeans", "denim", False),
    ],
)
def test_what_each_code_refuses(code, slot, article, material, refused):
    reason = refusal(dress_code(code), slot, article, material)
    assert (reason is not None) is refused, reason


def test_a_refusal_says_why_in_words():
    assert refusal(dress_code("wedding guest"), "bag", "Backpacks") == "a wedding rules out backpacks"
    reason = refusal(dress_code("black tie"), "shoes", "Casual Shoes")
    assert reason and reason.startswith("black tie takes only heels") and reason.endswith("not casual shoes")


def test_rule_terms_match_garment_nouns_and_article_phrases():
    assert matches("sneakers", "Sports Shoes")  # a noun matches all of its names
    assert matches("flip flops", "Flip Flops")
    assert not matches("shirt", "Tshirts")
    assert not matches("formal shoes", "Casual Shoes")


def test_an_unknown_dress_code_is_named():
    with pytest.raises(ToolInputError, match="white tuxedo.*one of: black tie"):
        dress_code("white tuxedo")
