"""The tool contract: one typed entry point, a docstring the LLM reads, pydantic in and out.

A tool is a class with a ``name``, a docstring (the description the model sees) and one
``run(self, args: In) -> Out`` method. The input and output models are read from ``run``'s
annotations when the class is defined, so the schema is written once. Dependencies come in
through the constructor; ``run`` takes only what the model supplies. Conversions to LangChain,
MCP and HTTP happen in adapters at the boundary, never per tool.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Generic, TypeVar, get_type_hints

from pydantic import BaseModel, BeforeValidator, ValidationError

from stylist.concurrency import checkpoint
from stylist.errors import ToolInputError
from stylist.tools.output import ToolOutput
from stylist.tools.routing import RouteHint

T = TypeVar("T")


def split_list(value: Any, spaces: bool = False) -> Any:
    """Small models often send ``"red, navy"`` where a list is expected: accept both. With
    ``spaces``, blanks separate too (catalogue ids never contain one)."""
    if not isinstance(value, str):
        return value
    parts = value.replace(",", " ").split() if spaces else value.split(",")
    return [p.strip() for p in parts if p.strip()]


#: A list of strings that also accepts one comma-separated string.
CommaList = Annotated[list[str], BeforeValidator(split_list)]
#: Catalogue ids: a list, or one string of ids separated by commas or blanks.
IdList = Annotated[list[str], BeforeValidator(lambda value: split_list(value, spaces=True))]


class Lazy(Generic[T]):
    """A dependency made when it is first needed (a model, an index built on demand). It is asked
    for again on each use, so a tool follows a runtime that swaps its index."""

    def __init__(self, make: Callable[[], T]) -> None:
        self.make = make


def use(dep: T | Lazy[T]) -> T:
    """The dependency itself (made now, when it is :class:`Lazy`)."""
    return dep.make() if isinstance(dep, Lazy) else dep


class Dep(Generic[T]):
    """A tool's dependency, given to its constructor as the object itself or as :class:`Lazy`.
    Declare it on the class (``index = Dep[SearchIndex]()``) and assign it in ``__init__``."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_dep_{name}"

    def __get__(self, obj: Any, owner: type | None = None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        return use(obj.__dict__[self.slot])

    def __set__(self, obj: Any, value: T | Lazy[T]) -> None:
        obj.__dict__[self.slot] = value


class Tool:
    """Base class of every Stylist tool."""

    name: ClassVar[str]
    input_model: ClassVar[type[BaseModel]]
    output_model: ClassVar[type[ToolOutput]]
    routing: ClassVar[RouteHint | None] = None
    """How the deterministic router reaches this tool (``None``: only a model can call it)."""
    id_arguments: ClassVar[tuple[str, ...]] = ()
    """Arguments that hold catalogue ids: a call that succeeded with them proves they exist."""

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
        for label, model, base in (
            ("argument", in_model, BaseModel),
            ("return value", out_model, ToolOutput),
        ):
            if not (inspect.isclass(model) and issubclass(model, base)):
                what = "pydantic model" if base is BaseModel else "pydantic model subclassing ToolOutput"
                raise TypeError(f"{cls.__name__}.run's {label} must be annotated with a {what}")
        for arg in cls.id_arguments:
            if arg not in in_model.model_fields:
                raise TypeError(f"{cls.__name__}.id_arguments names {arg!r}, which is not an argument")
        cls.input_model = in_model  # type: ignore[assignment]
        cls.output_model = out_model  # type: ignore[assignment]

    @property
    def description(self) -> str:
        return inspect.getdoc(type(self)) or ""

    def run(self, args: Any) -> Any:  # pragma: no cover - replaced by every subclass
        raise NotImplementedError

    def argument_ids(self, arguments: dict[str, Any]) -> list[str]:
        """The catalogue ids in a call's arguments (the fields :attr:`id_arguments` names)."""
        ids: list[str] = []
        for key in self.id_arguments:
            value = arguments.get(key)
            for v in [value] if isinstance(value, str) else (value or []):
                if isinstance(v, str) and v not in ids:
                    ids.append(v)
        return ids

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

    def invoke(self, raw: dict[str, Any] | BaseModel | None = None) -> ToolOutput:
        """Validate ``raw`` and run the tool. A call whose turn or request was cancelled (its client
        went away) does not start, and a result that comes back after the cancel is discarded:
        both raise ``TurnCancelled``. Long tools also call ``checkpoint()`` in their loops."""
        args = self.parse_args(raw)
        checkpoint()
        result = self.run(args)
        checkpoint()
        return result

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
