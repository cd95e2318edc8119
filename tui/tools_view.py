"""Calling registry tools from screens, and turning their JSON schemas into form fields.

The profile and trends screens know tools only by name and schema, so they keep working as
those tools' models grow, and say clearly when a tool is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from stylist.errors import ToolInputError

FieldKind = Literal["string", "number", "integer", "boolean", "list", "map"]


@dataclass
class FormField:
    name: str
    kind: FieldKind
    description: str
    nullable: bool


def has_tool(stylist: Any, name: str) -> bool:
    registry = getattr(stylist, "registry", None)
    return registry is not None and name in registry


def user_args(stylist: Any, tool: str, user_id: str) -> dict[str, Any]:
    """``{"user_id": ...}`` when the tool takes a user id, else nothing."""
    props = stylist.registry.get(tool).input_schema().get("properties", {})
    return {"user_id": user_id} if "user_id" in props else {}


def _kind(prop: dict[str, Any]) -> tuple[FieldKind | None, bool]:
    options = prop.get("anyOf") or [prop]
    nullable = any(o.get("type") == "null" for o in options)
    for option in options:
        kind = option.get("type")
        if kind in ("string", "number", "integer", "boolean"):
            return kind, nullable
        if kind == "array" and option.get("items", {}).get("type") in ("string", "number", "integer"):
            return "list", nullable
        if kind == "object" and option.get("additionalProperties", {}).get("type") in (
            "string",
            "number",
            "integer",
        ):
            return "map", nullable
    return None, nullable


def form_fields(schema: dict[str, Any], skip: tuple[str, ...] = ("user_id",)) -> list[FormField]:
    """The editable fields of a tool's input schema (simple types only)."""
    out = []
    for name, prop in schema.get("properties", {}).items():
        if name in skip:
            continue
        kind, nullable = _kind(prop)
        if kind is not None:
            out.append(
                FormField(name, kind, prop.get("description", "") or prop.get("title", name), nullable)
            )
    return out


def to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_field(field: FormField, text: str) -> Any:
    """The value typed into ``field``; raises ToolInputError naming the field."""
    text = text.strip()
    if not text:
        return None if field.nullable or field.kind in ("list", "map") else ""
    try:
        if field.kind == "list":
            return [part.strip() for part in text.split(",") if part.strip()]
        if field.kind == "map":
            pairs = {}
            for part in text.split(","):
                key, sep, value = part.partition("=")
                if not sep or not key.strip():
                    raise ValueError(f"expected key=value pairs separated by commas, got {part.strip()!r}")
                pairs[key.strip()] = value.strip()
            return pairs
        if field.kind == "number":
            return float(text)
        if field.kind == "integer":
            return int(text)
        if field.kind == "boolean":
            lowered = text.lower()
            if lowered not in ("yes", "no", "true", "false", "1", "0"):
                raise ValueError("expected yes or no")
            return lowered in ("yes", "true", "1")
    except ValueError as exc:
        raise ToolInputError(f"{field.name}: {exc}") from None
    return text


def profile_record(result: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(profile, extras)``: tools wrap the profile (``{"profile": {...}, "recent_feedback": [...]}``)."""
    if isinstance(result.get("profile"), dict):
        extras = {k: v for k, v in result.items() if k != "profile"}
        return result["profile"], extras
    return result, {}


def split_record(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Scalars and simple lists on one side (nested dicts flattened to "likes colour"), lists of
    records (wardrobe, feedback…) on the other."""
    simple: dict[str, Any] = {}
    tables: dict[str, list[dict[str, Any]]] = {}
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables[key] = value
        elif isinstance(value, dict) and value and all(isinstance(v, (list, dict)) for v in value.values()):
            for sub, inner in value.items():
                simple[f"{key} {sub}"] = inner
        else:
            simple[key] = value
    return simple, tables
