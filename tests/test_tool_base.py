import pytest

from stylist.errors import ToolInputError, ToolNotFoundError
from stylist.tools.base import Tool
from stylist.tools.registry import ToolRegistry
from tests.fakes import Echo, EchoIn, EchoOut


def test_schema_read_from_run_annotations() -> None:
    assert Echo.input_model is EchoIn and Echo.output_model is EchoOut
    spec = Echo().spec()
    assert spec["name"] == "echo" and spec["description"] == "Repeat the text."
    assert spec["input_schema"]["required"] == ["text"]


def test_invoke_validates_and_names_bad_fields() -> None:
    assert Echo().invoke({"text": "ab", "times": 2}).text == "abab"
    with pytest.raises(ToolInputError, match="missing required argument 'text'"):
        Echo().invoke({})
    with pytest.raises(ToolInputError, match="times"):
        Echo().invoke({"text": "a", "times": "many"})
    with pytest.raises(ToolInputError, match="unknown argument 'colour'"):
        Echo().invoke({"text": "a", "colour": "red"})
    with pytest.raises(ToolInputError, match="JSON object"):
        Echo().invoke(["a"])  # type: ignore[arg-type]


def test_definition_time_checks() -> None:
    with pytest.raises(TypeError, match="docstring"):

        class NoDoc(Tool):
            name = "x"

            def run(self, args: EchoIn) -> EchoOut: ...

    with pytest.raises(TypeError, match="pydantic model"):

        class Untyped(Tool):
            """Doc."""

            name = "y"

            def run(self, args: dict) -> EchoOut: ...


def test_registry_lookup_suggests_closest() -> None:
    reg = ToolRegistry([Echo()])
    assert reg.closest("ecko") == "echo"
    with pytest.raises(ToolNotFoundError, match="did you mean 'echo'"):
        reg.get("ecko")
    with pytest.raises(ValueError):
        reg.add(Echo())
