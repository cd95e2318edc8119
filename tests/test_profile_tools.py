"""The profile tools (update_profile, get_profile, record_feedback) and the statement reader."""

from __future__ import annotations

import pytest

from stylist.errors import ItemNotFoundError, ToolInputError
from stylist.profiles.statements import parse_statement
from stylist.tools.registry import build_registry
from tests.fakes.profile import ProfileCatalogueIndex, profile_runtime


@pytest.fixture
def registry():  # noqa: ANN201
    return build_registry(profile_runtime(catalogue_index=ProfileCatalogueIndex()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I hate orange", {"dislike": {"colour": ["orange"]}}),
        ("I just bought the navy blazer", {"wardrobe_add": ["navy blazer"]}),
        (
            "I love linen and earthy colours, but I can't stand polyester. My budget is 200",
            {
                "like": {"material": ["linen"], "style": ["earthy"]},
                "dislike": {"material": ["polyester"]},
                "budget": 200.0,
            },
        ),
        ("I dislike floral dresses", {"dislike": {"pattern": ["floral"]}}),
        ("I don't like skirts", {"dislike": {"article_type": ["skirt"]}}),
        ("what should I wear to a wedding?", {}),
    ],
)
def test_statements_become_changes(text: str, expected: dict) -> None:
    assert parse_statement(text)[0] == expected


def test_update_profile_from_the_users_words(registry) -> None:  # noqa: ANN001
    out = registry.invoke("update_profile", {"user_id": "ana", "statement": "I hate orange"})
    assert out.profile.dislikes == {"colour": ["orange"]} and out.understood == ["dislikes colour orange"]
    out = registry.invoke("update_profile", {"user_id": "ana", "statement": "I just bought the navy blazer"})
    assert [w.description for w in out.profile.wardrobe] == ["navy blazer"]
    out = registry.invoke(
        "update_profile", {"user_id": "ana", "liked_colours": "orange, olive", "bought": ["g003"]}
    )
    assert out.profile.likes["colour"] == ["orange", "olive"] and "colour" not in out.profile.dislikes
    assert any("the later statement wins" in n for n in out.notes)
    assert out.profile.feedback_count == 1 and "bought g003" in out.changes
    view = registry.invoke("get_profile", {"user_id": "ana"})
    assert [e.kind for e in view.recent_feedback] == ["buy"] and len(view.profile.wardrobe) == 2


def test_update_profile_bad_input(registry) -> None:  # noqa: ANN001
    with pytest.raises(ToolInputError, match="nothing to change"):
        registry.invoke("update_profile", {"statement": "what is the weather like"})
    with pytest.raises(ItemNotFoundError):
        registry.invoke("update_profile", {"bought": ["g404"], "liked_colours": ["red"]})
    assert not registry.invoke("get_profile", {}).profile.exists  # nothing half-written
    with pytest.raises(ToolInputError, match="statement"):
        registry.invoke("update_profile", {"statement": "x" * 2001})


def test_record_feedback_items_and_outfits(registry) -> None:  # noqa: ANN001
    out = registry.invoke("record_feedback", {"item_id": "g001", "kind": "like"})
    assert out.message == "liked g001" and out.user_id == "default"
    out = registry.invoke("record_feedback", {"item_ids": "g001,g002", "kind": "save", "user_id": "bo"})
    assert len(out.recorded) == 2 and out.recorded[0].outfit_id == out.recorded[1].outfit_id
    with pytest.raises(ItemNotFoundError, match="g404"):
        registry.invoke("record_feedback", {"item_id": "g404", "kind": "like"})
    with pytest.raises(ToolInputError, match="kind"):
        registry.invoke("record_feedback", {"item_id": "g001", "kind": "love"})
    with pytest.raises(ToolInputError, match="give item_id"):
        registry.invoke("record_feedback", {"kind": "like"})


def test_every_profile_tool_has_a_spec(registry) -> None:  # noqa: ANN001
    names = {s["name"] for s in registry.specs()}
    assert {"update_profile", "get_profile", "record_feedback", "write_copy", "search_garments"} <= names
    for spec in registry.specs():
        assert spec["description"] and spec["input_schema"]["type"] == "object"
