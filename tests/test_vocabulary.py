"""The one fashion vocabulary: its cross references, and each disagreement between the old tables,
settled once (the test names say which way)."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest

from stylist.errors import VocabularyError
from stylist.fashion.brief import COLOUR_GROUPS, SLOT_WORDS, extract_colours, extract_filters
from stylist.fashion.terms import (
    canonical_colour,
    colours_in,
    find_terms,
    material_in,
    pattern_in,
    seasons_of,
)
from stylist.fashion.vocabulary import parse, vocabulary
from stylist.index.schema import Garment, Slot
from stylist.index.slots import slot_for_article
from stylist.tools.outfits import attributes
from stylist.tools.trends.text import MentionExtractor


def _garment(**kw) -> Garment:
    base = dict(id="g1", title="Item", article_type="Shirts", slot=Slot.TOP, gender="men")
    return Garment(**{**base, **kw})


def _trend(text: str) -> set[tuple[str, str]]:
    return {(m.kind, m.value) for m in MentionExtractor().extract(text)}


def test_the_vocabulary_is_read_once():
    assert vocabulary() is vocabulary()


def test_every_colour_has_a_known_family_and_a_hex_value():
    v = vocabulary()
    for c in v.colours.values():
        assert c.family is None or c.family in v.families, c.name
        if c.name != "multi":
            assert c.hex and re.fullmatch(r"#[0-9a-f]{6}", c.hex), c.name


def test_khaki_is_khaki_a_brown_earth_tone_and_counts_as_beige_in_trends():
    # Was: khaki in the catalogue lexicon, brown in the outfit rules, olive in the trend lexicon.
    assert canonical_colour("Khaki") == "khaki"
    assert colours_in("khaki chinos") == ["khaki"]
    assert attributes.colour_family("khaki") == "brown"
    assert attributes.is_earthy("khaki")
    assert "khaki" in COLOUR_GROUPS["earthy"]
    assert ("colour", "beige") in _trend("khaki trousers everywhere")
    assert ("colour", "olive") not in _trend("khaki trousers everywhere")
    # the green khakis are olive everywhere
    assert canonical_colour("army green") == canonical_colour("khaki green") == "olive"
    assert ("colour", "olive") in _trend("army green jacket")


def test_earthy_is_one_list_for_requests_and_outfit_rules():
    # Was: the request group had cream but not burgundy, the rules the reverse.
    assert set(COLOUR_GROUPS["earthy"]) == set(attributes.EARTHY_COLOURS)
    assert COLOUR_GROUPS["earth"] == COLOUR_GROUPS["earthy"]
    assert "cream" in COLOUR_GROUPS["earthy"] and attributes.is_earthy("cream")
    assert not attributes.is_earthy("burgundy") and "burgundy" not in COLOUR_GROUPS["earthy"]


def test_neutral_is_every_colour_of_a_neutral_family():
    assert set(COLOUR_GROUPS["neutral"]) == set(attributes.NEUTRAL_COLOURS)
    assert {"camel", "navy blue", "charcoal"} <= set(COLOUR_GROUPS["neutral"])
    assert all(attributes.is_neutral(c) for c in COLOUR_GROUPS["neutral"])


def test_outfit_rules_read_canonical_colours_from_names():
    # Was: the outfit reader kept raw words ("navy", "wine") and read "denim" as navy.
    assert attributes.colour_words_in("Navy wine-coloured denim jacket") == ("navy blue", "burgundy")
    assert attributes.colour_words_in("blue denim jacket") == ("blue",)


def test_leopard_is_a_pattern_not_a_colour():
    assert colours_in("leopard print bag") == []
    assert pattern_in("leopard print bag") == "animal print"
    assert extract_colours("a leopard bag")[0] is None


def test_plaid_is_its_own_pattern_and_a_checked_trend():
    assert pattern_in("tartan scarf") == "plaid"
    assert pattern_in("gingham shirt") == "checked"
    assert ("pattern", "checked") in _trend("plaid skirts are back")


def test_materials_are_one_list():
    assert material_in("merino wool jumper") == "wool"
    assert material_in("vegan leather tote") == "faux leather"
    # the copy checker once split "vegan leather" into a material called "vegan"
    assert find_terms("material", "a vegan-friendly bag") == []
    assert ("fabric", "leather") in _trend("vegan leather everything")


def test_every_season_word_means_the_same_on_garments_and_in_catalogues():
    # Was: "all" meant every season to the outfit rules only, "all year" to the loaders only.
    every = ["spring", "summer", "autumn", "winter"]
    for word in ("all", "all season", "all year", "All-Season"):
        assert seasons_of([word]) == every
        assert attributes.garment_seasons(_garment(seasons=[word.lower()])) == frozenset()
    assert seasons_of(["Fall"]) == ["autumn"]


def test_every_garment_word_and_router_word_has_the_slot_the_catalogue_gives_it():
    v = vocabulary()
    for noun in v.garments.values():
        for word in (noun.name, *noun.every_word):
            assert slot_for_article(word).value == noun.slot, (word, noun.name)
    for word, slot in SLOT_WORDS.items():
        assert slot_for_article(word).value == slot, word


def test_a_wallet_is_a_bag_to_the_router_and_the_catalogue():
    # Was: the router asked for accessories while the catalogue files wallets under bags.
    assert SLOT_WORDS["wallet"] == SLOT_WORDS["wallets"] == "bag"
    assert slot_for_article("Wallets") is Slot.BAG
    assert extract_filters("show me leather wallets")["slot"] == "bag"


def test_tights_are_hosiery_not_leggings():
    assert slot_for_article("Tights") is Slot.ACCESSORY
    assert vocabulary().garments["tights"].slot == "accessory"
    assert find_terms("garment", "black tights") == ["tights"]


def test_trend_lexicon_is_derived_from_the_vocabulary():
    v = vocabulary()
    found = _trend("a navy blue slip dress in satin")
    assert {("colour", "navy"), ("article", "slip dress"), ("fabric", "satin")} <= found
    assert {c.trend for c in v.colours.values() if c.trend} >= {"navy", "lilac", "sage", "gold"}


def test_bad_vocabulary_entries_are_named():
    text = resources.files("stylist.fashion").joinpath("vocabulary.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    data["colours"]["khaki"]["family"] = "mud"
    with pytest.raises(VocabularyError, match="khaki.*mud"):
        parse(data)
    data = tomllib.loads(text)
    data["dress_codes"]["beach"]["forbid_materials"] = ["plutonium"]
    with pytest.raises(VocabularyError, match="beach.*plutonium"):
        parse(data)
    data = tomllib.loads(text)
    del data["genders"]
    with pytest.raises(VocabularyError, match="genders"):
        parse(data)


def test_pair_nouns_are_garment_facts():
    # Was a list of its own in the copy templates ("a pair of jeans"); tights were leggings there.
    garments = vocabulary().garments
    pairs = {g.name for g in garments.values() if g.pair}
    assert {"jeans", "trousers", "shoes", "sneakers", "tights", "sunglasses", "socks"} <= pairs
    assert not any(garments[n].slot in ("top", "dress", "bag") for n in pairs)
