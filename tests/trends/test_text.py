from __future__ import annotations

import json

import pytest

from stylist.tools.trends.demo import generate_demo_posts
from stylist.tools.trends.errors import TrendDataError
from stylist.tools.trends.text import MentionExtractor, ingest_posts
from tests.fakes import HashingTextEmbedder
from tests.fakes.trends import SynonymTextEmbedder


def _pairs(mentions):
    return {(m.kind, m.value, m.method) for m in mentions}


def test_lexicon_prefers_the_longest_phrase_and_maps_synonyms():
    found = MentionExtractor().extract(
        "Loving my polka-dot SLIP DRESS in crimson, very y2k, with linen trousers"
    )
    assert _pairs(found) == {
        ("pattern", "polka dot", "lexicon"),
        ("article", "slip dress", "lexicon"),
        ("colour", "red", "lexicon"),
        ("style", "y2k", "lexicon"),
        ("fabric", "linen", "lexicon"),
        ("article", "trousers", "lexicon"),
    }
    assert not any(m.value == "dress" for m in found)  # "slip dress" is not also a plain dress


def test_words_inside_other_words_do_not_match():
    assert MentionExtractor().extract("redemption arc, ordered it online") == []


def test_embedding_matching_finds_words_missing_from_the_lexicon():
    text = "a seafoam blouse for spring"
    assert ("colour", "sage") not in {(m.kind, m.value) for m in MentionExtractor().extract(text)}
    found = MentionExtractor(SynonymTextEmbedder({"seafoam": "sage"}, dim=4096), threshold=0.9).extract(text)
    assert ("colour", "sage", "embedding") in _pairs(found)
    assert ("article", "blouse", "lexicon") in _pairs(found)
    # an embedder that does not relate the words finds nothing extra (4096-d: no hash collisions here)
    plain = MentionExtractor(HashingTextEmbedder(dim=4096), threshold=0.9).extract(text)
    assert {m.method for m in plain} == {"lexicon"}


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_posts_become_weekly_mention_series_with_zero_weeks(tmp_path):
    path = _write(
        tmp_path / "posts.jsonl",
        [
            json.dumps({"date": "2024-01-01", "text": "red dress, red again"}),
            json.dumps({"date": "2024-01-03", "text": "a red coat"}),
            json.dumps({"date": "2024-01-20", "text": "striped shirt"}),
            json.dumps({"date": "2024-01-15", "text": "nothing to see here"}),
        ],
    )
    series, report = ingest_posts(path, MentionExtractor(), source="posts")
    by = {(s.key.kind, s.key.value): s.values.tolist() for s in series}
    assert by[("colour", "red")] == [
        2.0,
        0.0,
        0.0,
    ]  # weeks of Jan 1, 8, 15: two posts (one count each), then none
    assert by[("pattern", "striped")] == [0.0, 0.0, 1.0]
    assert report.posts == 4 and report.posts_with_mentions == 3 and report.mentions_embedding == 0
    assert report.embedder == "off" and report.first == "2024-01-01" and report.last == "2024-01-15"


def test_bad_post_lines_are_named(tmp_path):
    path = _write(
        tmp_path / "p.jsonl",
        [
            json.dumps({"date": "2024-01-01", "text": "red"}),
            "{not json",
            json.dumps({"date": "soon", "text": "blue"}),
            json.dumps({"date": "2024-01-02"}),
        ],
    )
    with pytest.raises(TrendDataError) as err:
        ingest_posts(path, MentionExtractor())
    message = str(err.value)
    assert (
        "p.jsonl:2: (line): not JSON" in message
        and "p.jsonl:3: date" in message
        and "p.jsonl:4: text: missing" in message
    )
    series, report = ingest_posts(path, MentionExtractor(), on_bad="skip")
    assert [p.line for p in report.skipped_rows] == [2, 3, 4] and series[0].key.value == "red"


def test_demo_posts_follow_the_demo_series():
    posts = generate_demo_posts(400)
    assert posts == generate_demo_posts(400)  # seeded
    found = MentionExtractor(
        SynonymTextEmbedder({"seafoam": "sage", "merlot": "burgundy"}, dim=4096), threshold=0.9
    ).extract_many([p["text"] for p in posts])
    assert sum(bool(f) for f in found) == len(posts)
    assert any(m.method == "embedding" for f in found for m in f)


@pytest.mark.slow
def test_packaged_minilm_places_an_unlisted_word(runtime):
    """The real packaged text embedder (runtime.text_embedder) at the default threshold."""
    extractor = MentionExtractor(runtime.text_embedder, threshold=runtime.settings.trends.embed_threshold)
    found = extractor.extract("comfy grey sweatpants and a merlot scarf")
    assert ("article", "trousers", "embedding") in _pairs(found)
    assert ("colour", "grey", "lexicon") in _pairs(found) and ("article", "scarf", "lexicon") in _pairs(found)
    assert not any(m.surface == "merlot" for m in found)  # 0.63 to "wool": under the threshold
