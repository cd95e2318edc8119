"""Stylist's tools (installed as ``stylist.tools``): each a typed function and an agent tool."""

from stylist.tools.base import Tool
from stylist.tools.registry import ToolRegistry, build_registry
from stylist.tools.search import SearchGarments, search_garments

__all__ = ["SearchGarments", "Tool", "ToolRegistry", "build_registry", "search_garments"]
