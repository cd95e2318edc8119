"""The tool registry: a plain dict of tools, the one source for the agent, MCP and HTTP."""

from __future__ import annotations

import difflib
import inspect
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from stylist.errors import StylistError, ToolNotFoundError
from stylist.profiles.personal_cache import personal_cache
from stylist.runtime import Runtime, default_runtime
from stylist.tools.base import Lazy, Tool, use
from stylist.tools.copywriting import WriteCopy, text_generator
from stylist.tools.designs.sample import DesignSampler, design_text_encoder, resolve_checkpoint
from stylist.tools.designs.tool import DesignGarments
from stylist.tools.get_profile import GetProfile
from stylist.tools.outfits.build_tool import BuildOutfit, outfit_assembler
from stylist.tools.outfits.score_tool import ScoreOutfit
from stylist.tools.outfits.scorer import scorer_from_settings
from stylist.tools.output import SeenItem, ToolOutput
from stylist.tools.recognise.service import recogniser_for
from stylist.tools.recognise.tool import RecogniseGarment
from stylist.tools.recommend_for_me import RecommendForMe
from stylist.tools.record_feedback import RecordFeedback
from stylist.tools.search import SearchGarments
from stylist.tools.size_advice import SizeAdviceTool
from stylist.tools.trends.neural import default_checkpoint as trends_checkpoint
from stylist.tools.trends.tool import TrendForecast
from stylist.tools.update_profile import UpdateProfile

log = logging.getLogger(__name__)


class ToolRegistry:
    """Tools by name. Lookups of unknown names raise an error that suggests the closest one.
    ``catalogue`` (optional) looks garments up by id for what a call's arguments name."""

    def __init__(self, tools: Iterable[Tool] = (), catalogue: Any | Lazy[Any] | None = None) -> None:
        self.tools: dict[str, Tool] = {}
        self.catalogue = catalogue
        for tool in tools:
            self.add(tool)

    def add(self, tool: Tool) -> None:
        if tool.name in self.tools:
            raise ValueError(f"a tool named {tool.name!r} is already registered")
        self.tools[tool.name] = tool

    def get(self, name: str) -> Tool:
        try:
            return self.tools[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self.tools), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known tools: {', '.join(self.tools)}"
            raise ToolNotFoundError(f"unknown tool {name!r}", hint=hint) from None

    def closest(self, name: str, cutoff: float = 0.6) -> str | None:
        """The registered name nearest to ``name`` (for repairing a model's near-miss)."""
        if name in self.tools:
            return name
        close = difflib.get_close_matches(name, list(self.tools), n=1, cutoff=cutoff)
        return close[0] if close else None

    def invoke(self, name: str, args: dict[str, Any] | BaseModel | None = None) -> ToolOutput:
        return self.get(name).invoke(args)

    def known_items(self, ids: list[str]) -> list[SeenItem]:
        """The catalogue garments among ``ids`` (free-text wardrobe entries are skipped)."""
        if not ids or self.catalogue is None:
            return []
        out: list[SeenItem] = []
        try:
            catalogue = use(self.catalogue)
            for item_id in ids:
                try:
                    out.append(SeenItem.from_garment(catalogue.get(item_id)))
                except StylistError:
                    continue  # not a catalogue id
        except Exception as exc:  # no catalogue: grounding still works, the answer just may not name them
            log.debug("could not look up ids %s: %s", ids, exc)
        return out

    def specs(self) -> list[dict[str, Any]]:
        return [tool.spec() for tool in self.tools.values()]

    def __contains__(self, name: object) -> bool:
        return name in self.tools

    def __iter__(self) -> Iterator[Tool]:
        return iter(self.tools.values())

    def __len__(self) -> int:
        return len(self.tools)


def build_registry(runtime: Runtime) -> ToolRegistry:
    """Every built-in tool, wired to ``runtime``: the one place tools get their dependencies.
    Building it loads no model; each heavy service is made on the first call that needs it."""
    rt = runtime
    settings = rt.settings
    index = Lazy(lambda: rt.catalogue_index)
    profiles = Lazy(lambda: rt.profile_store)
    preferences = Lazy(lambda: rt.preference_model)
    scorer = Lazy(lambda: rt.service("compat_scorer", lambda: scorer_from_settings(rt)))
    assembler = Lazy(lambda: outfit_assembler(use(index), use(scorer), settings.outfits, preferences))
    sampler = Lazy(
        lambda: rt.service(
            "design_sampler",
            lambda: DesignSampler(
                resolve_checkpoint(settings.designs.model, settings.models_dir), settings.designs.device
            ),
        )
    )
    recogniser = Lazy(lambda: recogniser_for(rt))
    personal = Lazy(lambda: personal_cache(rt))
    trends = settings.trends
    return ToolRegistry(
        [
            SearchGarments(index, preferences),
            GetProfile(profiles),
            UpdateProfile(profiles),
            RecordFeedback(profiles),
            WriteCopy(index, text_generator(rt)),
            TrendForecast(
                Lazy(lambda: rt.trend_store),
                trends,
                checkpoint=Lazy(lambda: trends.checkpoint or trends_checkpoint(settings.models_dir)),
                charts_dir=settings.designs_dir,
            ),
            ScoreOutfit(index, scorer),
            BuildOutfit(assembler, profiles),
            DesignGarments(
                sampler,
                index,
                Lazy(lambda: rt.image_embedder),
                candidates=settings.designs.candidates,
                out_dir=settings.designs_dir,
                text_encoder=Lazy(lambda: design_text_encoder(rt, use(sampler).text_model)),
            ),
            RecogniseGarment(recogniser, index, assembler),
            SizeAdviceTool(profiles, personal),
            RecommendForMe(profiles, index, personal),
        ],
        catalogue=index,
    )


def tools_for(runtime: Runtime) -> ToolRegistry:
    """The runtime's registry, built once."""
    return runtime.service("tool_registry", lambda: build_registry(runtime))


def plain_function(cls: type[Tool], *positional: str) -> Callable[..., ToolOutput]:
    """The tool as a plain Python function on the default runtime (or ``runtime=``): keyword
    arguments are the input model's fields, ``positional`` names the ones that may come first."""
    fields = cls.input_model.model_fields

    def call(*args: Any, runtime: Runtime | None = None, **kwargs: Any) -> ToolOutput:
        if len(args) > len(positional):
            raise TypeError(f"{cls.name}() takes {len(positional)} positional arguments, got {len(args)}")
        given = dict(zip(positional, args)) | kwargs
        return tools_for(runtime or default_runtime()).get(cls.name).invoke(given)

    def default(name: str) -> Any:
        field = fields[name]
        return (
            inspect.Parameter.empty if field.is_required() else field.get_default(call_default_factory=True)
        )

    params = [
        inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default(p)) for p in positional
    ]
    params += [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=default(n))
        for n in fields
        if n not in positional
    ]
    params.append(inspect.Parameter("runtime", inspect.Parameter.KEYWORD_ONLY, default=None))
    call.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    call.__name__ = call.__qualname__ = cls.name
    call.__doc__ = f"Plain-function form of the ``{cls.name}`` tool.\n\n{inspect.getdoc(cls)}"
    return call
