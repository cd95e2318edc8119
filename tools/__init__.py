"""Stylist's tools (installed as ``stylist.tools``): one file per tool, wired in
:func:`stylist.tools.registry.build_registry`; their plain functions are in
:mod:`stylist.tools.functions`. Importing this package loads no tool (some need torch)."""

from stylist.tools.base import Tool
from stylist.tools.output import ToolOutput

__all__ = ["Tool", "ToolOutput"]
