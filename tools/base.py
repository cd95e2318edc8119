"""The tool contract: one typed entry point, a docstring the LLM reads, pydantic in and out.

A tool is a class with a ``name``, a docstring (the description the model sees) and one
``run(self, args: In) -> Out`` method. The input and output models are read from ``run``'s
annotations when the class is defined, so the schema is written once. Dependencies come in
through the constructor; ``run`` takes only what the model supplies. Conversions to LangChain,
MCP and HTTP happen in adapters at the boundary, never per tool.
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar, get_type_hints

from pydantic import BaseModel, ValidationError

from stylist.errors import ToolInputError


class Tool:
    """Base class of every Stylist tool."""

    name: ClassVar[str]
    input_model: ClassVar[type[BaseModel]]
    output_model: ClassVar[type[BaseModel]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if inspect.isabstract(cls) or cls.__dict__.get("run") is None:
            return
        if not getattr(cls, "name", None):
            raise TypeError(f"tool {cls.__name__} must set a class attribute 'name'")
        if not (cls.__doc__ or "").strip():
            raise TypeError(f"tool {cls.__name__} needs a docstring: it is the LLM's description")
        hints = get_type_hints(cls.run)
        params = [p for p in inspect.signature(cls.run).parameters if p != "self"]
        if len(params) != 1:
            raise TypeError(f"{cls.__name__}.run must take exactly one argument (the input model)")
        in_model, out_model = hints.get(params[0]), hints.get("return")
        for label, model in (("argument", in_model), ("return value", out_model)):
            if not (inspect.isclass(model) and issubclass(model, BaseModel)):
                raise TypeError(f"{cls.__name__}.run's {label} must be annotated with a pydantic model")
        cls.input_model = in_model  # type: ignore[assignment]
        cls.output_model = out_model  # type: ignore[assignment]

    @property
    def description(self) -> str:
        return inspect.getdoc(type(self)) or ""

    def run(self, args: Any) -> Any:  # pragma: no cover - replaced by every subclass
        raise NotImplementedError

    def parse_args(self, raw: dict[str, Any] | BaseModel | None) -> BaseModel:
        """Validate raw arguments (from an LLM, HTTP or MCP) into the input model."""
        if isinstance(raw, self.input_model):
            return raw
        if isinstance(raw, BaseModel):
            raw = raw.model_dump()
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ToolInputError(f"{self.name}: arguments must be a JSON object, got {type(raw).__name__}")
        try:
            return self.input_model.model_validate(raw)
        except ValidationError as exc:
            raise ToolInputError(f"{self.name}: {describe_validation_error(exc)}") from None

    def invoke(self, raw: dict[str, Any] | BaseModel | None = None) -> BaseModel:
        """Validate ``raw`` and run the tool."""
        return self.run(self.parse_args(raw))

    def input_schema(self) -> dict[str, Any]:
        return self.input_model.model_json_schema()

    def output_schema(self) -> dict[str, Any]:
        return self.output_model.model_json_schema()

    def spec(self) -> dict[str, Any]:
        """Name, description and JSON schemas: what ``stylist tools --json`` and ``GET /v1/tools`` show."""
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": self.input_schema(),
            "output_schema": self.output_schema(),
        }


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming each bad field and what is wrong with it."""
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "(arguments)"
        if err["type"] == "extra_forbidden":
            parts.append(f"unknown argument {field!r}")
        elif err["type"] == "missing":
            parts.append(f"missing required argument {field!r}")
        else:
            parts.append(f"{field}: {err['msg']} (got {err.get('input')!r})")
    return "; ".join(parts)
