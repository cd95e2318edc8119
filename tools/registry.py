"""The tool registry: a plain dict of tools, the one source for the agent, MCP and HTTP."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from stylist.errors import ToolNotFoundError
from stylist.tools.base import Tool

if TYPE_CHECKING:
    from stylist.runtime import Runtime


class ToolRegistry:
    """Tools by name. Lookups of unknown names raise an error that suggests the closest one."""

    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self.tools: dict[str, Tool] = {}
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

    def invoke(self, name: str, args: dict[str, Any] | BaseModel | None = None) -> BaseModel:
        return self.get(name).invoke(args)

    def specs(self) -> list[dict[str, Any]]:
        return [tool.spec() for tool in self.tools.values()]

    def __contains__(self, name: object) -> bool:
        return name in self.tools

    def __iter__(self) -> Iterator[Tool]:
        return iter(self.tools.values())

    def __len__(self) -> int:
        return len(self.tools)


def build_registry(runtime: Runtime) -> ToolRegistry:
    """Every built-in tool, wired to ``runtime``. Building it loads no model."""
    from stylist.tools.copywriting import WriteCopy
    from stylist.tools.designs.tool import DesignGarments
    from stylist.tools.get_profile import GetProfile
    from stylist.tools.outfits.build_tool import BuildOutfit
    from stylist.tools.outfits.score_tool import ScoreOutfit
    from stylist.tools.recognise.tool import RecogniseGarment
    from stylist.tools.record_feedback import RecordFeedback
    from stylist.tools.search import SearchGarments
    from stylist.tools.trends.tool import TrendForecast
    from stylist.tools.update_profile import UpdateProfile

    return ToolRegistry(
        [
            SearchGarments(runtime),
            GetProfile(runtime),
            UpdateProfile(runtime),
            RecordFeedback(runtime),
            WriteCopy(runtime),
            TrendForecast(runtime),
            ScoreOutfit(runtime),
            BuildOutfit(runtime),
            DesignGarments(runtime),
            RecogniseGarment(runtime),
        ]
    )
