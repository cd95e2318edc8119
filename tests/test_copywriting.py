"""Copy generation: grounding catches wrong facts, regeneration and template fallback, tone/length."""

from __future__ import annotations

import pytest

from stylist.config import load_settings
from stylist.errors import LLMError, ToolInputError
from stylist.tools.copykit.facts import Facts
from stylist.tools.copykit.grounding import check_copy
from stylist.tools.copywriting import write_copy
from stylist.tools.registry import build_registry
from tests.fakes.profile import (
    FakeTextGenerator,
    ProfileCatalogueIndex,
    ScriptedChatModel,
    make_garments,
    profile_runtime,
)

GARMENTS = make_garments()
SHIRT = GARMENTS[0]  # Navy linen shirt, $20.00


def test_the_shirt_is_what_the_tests_assume() -> None:
    assert (SHIRT.colours, SHIRT.material, SHIRT.article_type, SHIRT.price) == (
        ["navy"],
        "linen",
        "shirts",
        20.0,
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("A crisp red linen shirt for formal days.", "colour 'red'"),
        ("A crisp navy silk shirt for formal days.", "material 'silk'"),
        ("A crisp navy linen dress for formal days.", "names a dress"),
        ("A crisp navy linen shirt for formal days, $25.", "price $25"),
        ("A crisp navy linen shirt for formal days at 19.99 USD.", "price 19.99 USD"),
        ("Wow! A crisp navy linen shirt for formal days.", "exclamation"),
        ("Navy.", "words long"),
    ],
)
def test_grounding_names_each_wrong_fact(text: str, problem: str) -> None:
    report = check_copy(text, Facts.of([SHIRT]), kind="product", tone="luxury")
    assert not report.ok and any(problem in p for p in report.problems), report.problems


def test_true_copy_passes_including_colour_families() -> None:
    text = "A crisp blue linen shirt in navy, made for formal days and easy summers. Yours at $20.00."
    assert check_copy(text, Facts.of([SHIRT]), kind="product", tone="luxury").ok


def test_wrong_colour_is_regenerated() -> None:
    llm = FakeTextGenerator(
        ["This red linen shirt is a must-have.", "A crisp navy linen shirt for formal days."]
    )
    result = write_copy([SHIRT], kind="product", tone="minimal", llm=llm)
    assert result.source == "llm_retry" and result.text == "A crisp navy linen shirt for formal days."
    assert "colour 'red'" in result.rejected[0]
    assert "colour 'red'" in llm.prompts[1][0]  # the retry prompt names the problem
    assert "colours: navy" in llm.prompts[0][0] and "material: linen" in llm.prompts[0][0]


def test_wrong_colour_twice_falls_back_to_the_template() -> None:
    llm = FakeTextGenerator(["This red linen shirt is a must-have for any season."])
    result = write_copy([SHIRT], kind="product", tone="playful", llm=llm)
    assert result.source == "template" and result.attempts == 2 and len(result.rejected) == 2
    assert "red" not in result.text.lower() and "navy" in result.text.lower()
    assert check_copy(result.text, Facts.of([SHIRT]), kind="product", tone="playful").ok


def test_first_good_draft_is_used_and_preamble_trimmed() -> None:
    llm = FakeTextGenerator(
        ['Here is your copy: "Meet the navy linen shirt, breezy and sharp for formal summer days!"']
    )
    result = write_copy([SHIRT], kind="caption", tone="playful", llm=llm)
    assert result.source == "llm" and result.text.startswith("Meet the navy")


def test_llm_failure_falls_back() -> None:
    class Broken:
        def generate(self, *a, **k):  # noqa: ANN002, ANN003, ANN201
            raise LLMError("model crashed")

    result = write_copy([SHIRT], llm=Broken())
    assert result.source == "template" and "model crashed" in result.rejected[0]


@pytest.mark.parametrize("kind", ["product", "caption", "outfit"])
@pytest.mark.parametrize("tone", ["playful", "luxury", "minimal"])
def test_templates_are_grounded_for_every_kind_and_tone(kind: str, tone: str) -> None:
    for start in range(0, len(GARMENTS), 5):
        items = GARMENTS[start : start + 3] if kind == "outfit" else [GARMENTS[start]]
        result = write_copy(items, kind=kind, tone=tone)
        report = check_copy(result.text, Facts.of(items), kind=kind, tone=tone)
        assert report.ok, (result.text, report.problems)


def test_tool_uses_template_with_backend_none_and_checks_ids_and_lang() -> None:
    llm = ScriptedChatModel(script=["should not be called"])
    runtime = profile_runtime(
        load_settings(llm={"backend": "none"}), catalogue_index=ProfileCatalogueIndex(), chat_model=llm
    )
    tool = build_registry(runtime).get("write_copy")
    out = tool.invoke({"item_id": "g000", "kind": "product", "tone": "luxury"})
    assert out.source == "template" and out.attempts == 0 and llm.calls == []
    out = tool.invoke({"item_ids": ["g000", "g010", "g020"], "kind": "outfit", "tone": "minimal"})
    assert out.item_ids == ["g000", "g010", "g020"]
    with pytest.raises(ToolInputError, match="English"):
        tool.invoke({"item_id": "g000", "lang": "fr"})
    with pytest.raises(Exception, match="g404"):
        tool.invoke({"item_id": "g404"})


def test_tool_drafts_through_the_configured_chat_model() -> None:
    llm = ScriptedChatModel(
        script=["A red linen shirt. $20.00.", "A navy linen shirt, cut clean for formal days. $20.00."]
    )
    runtime = profile_runtime(
        load_settings(llm={"backend": "embedded"}), catalogue_index=ProfileCatalogueIndex(), chat_model=llm
    )
    out = build_registry(runtime).invoke("write_copy", {"item_id": "g000", "tone": "minimal"})
    assert out.source == "llm_retry" and out.text.endswith("$20.00.") and "colour 'red'" in out.rejected[0]
    system, prompt = llm.calls[0]["messages"]
    assert "minimal" in system.content and "colours: navy" in prompt.content


def test_tool_falls_back_when_the_model_cannot_load() -> None:
    runtime = profile_runtime(
        load_settings(llm={"backend": "embedded"}),
        catalogue_index=ProfileCatalogueIndex(),
        chat_model=ScriptedChatModel(script=[LLMError("the GGUF file is missing")]),
    )
    out = build_registry(runtime).invoke("write_copy", {"item_id": "g000"})
    assert out.source == "template" and "the GGUF file is missing" in out.rejected[0]
