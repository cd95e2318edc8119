"""Pictures over the wire, never paths: decoding, limits, the upload folder, the path rule.

HTTP and MCP clients send a picture itself: an OpenAI ``image_url`` content part with a
``data:`` URL, or ``image_base64`` in a tool's arguments. It is checked (size, format,
dimensions), stored under the upload folder with a random name, and the tools get that path.
A path a client names is refused unless it is under the upload folder, with one message
whether or not it exists. The local CLI does not go through here and keeps accepting paths.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import uuid
from pathlib import Path
from typing import Any

from stylist.config import ServerSettings
from stylist.errors import StylistError, ToolInputError

#: Picture formats accepted over the wire (Pillow's names) and the extension they are stored with.
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif", "BMP": ".bmp"}
#: Tool arguments that name a file the tool opens.
PATH_ARGUMENTS = ("image_path",)


class PictureError(StylistError):
    """A picture sent over the wire that cannot be used; ``status`` is the HTTP status it maps to."""

    def __init__(self, message: str, *, status: int = 422, code: str = "invalid_image") -> None:
        super().__init__(message)
        self.status, self.code = status, code


class PathRefusedError(ToolInputError):
    """A server-side path a remote caller named (the message never says whether it exists)."""


def upload_dir(settings: ServerSettings, home: Path) -> Path:
    return Path(settings.upload_dir) if settings.upload_dir else home / "uploads"


class Uploads:
    """The upload folder: stores checked pictures and decides which paths tools may open."""

    def __init__(self, root: Path, settings: ServerSettings) -> None:
        self.root = root
        self.settings = settings

    def save_data_url(self, url: str) -> Path:
        """Store the picture of an ``image_url`` (only ``data:image/...;base64,...`` URLs)."""
        head, sep, data = url.partition(",")
        if not sep or not head.startswith("data:") or not head.endswith(";base64"):
            raise PictureError(
                "image_url must be a data: URL with base64 data (data:image/png;base64,...); "
                "the server fetches no URLs and opens no paths",
                code="unsupported_image_url",
            )
        return self.save_base64(data)

    def save_base64(self, data: str) -> Path:
        """Store a base64 picture (a ``data:`` URL is accepted too) after checking it."""
        if data.startswith("data:"):
            return self.save_data_url(data)
        limit = self.settings.max_image_bytes
        if len(data) > (limit * 4) // 3 + 8:
            raise PictureError(
                f"the picture is larger than {limit} bytes", status=413, code="image_too_large"
            )
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise PictureError("the picture is not valid base64", code="invalid_image") from None
        return self.save_bytes(raw)

    def save_bytes(self, raw: bytes) -> Path:
        from PIL import Image, UnidentifiedImageError

        limit, side = self.settings.max_image_bytes, self.settings.max_image_side
        if len(raw) > limit:
            raise PictureError(
                f"the picture is larger than {limit} bytes", status=413, code="image_too_large"
            )
        try:
            with Image.open(io.BytesIO(raw)) as image:  # reads the header only
                fmt, (width, height) = image.format, image.size
                if fmt not in FORMATS:
                    raise PictureError(
                        f"picture format {fmt} is not accepted; send one of {', '.join(FORMATS)}",
                        code="unsupported_image_format",
                    )
                if width > side or height > side:
                    raise PictureError(
                        f"the picture is {width}x{height} pixels; at most {side} a side",
                        status=413,
                        code="image_too_large",
                    )
                image.verify()
        except PictureError:
            raise
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise PictureError("the data is not a readable picture", code="invalid_image") from None
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / (uuid.uuid4().hex + FORMATS[fmt])
        path.write_bytes(raw)
        return path

    def check_path(self, path: str) -> str:
        """``path`` when it names a stored upload; otherwise one refusal, existing file or not."""
        root = os.path.realpath(self.root)
        real = (
            os.path.realpath(os.path.join(root, path)) if not os.path.isabs(path) else os.path.realpath(path)
        )
        if os.path.commonpath([root, real]) != root or real == root or not os.path.isfile(real):
            raise PathRefusedError(
                f"{path!r} is not an uploaded picture: send the picture itself "
                "(an image_url data: URL in a chat message, or image_base64 in the tool's arguments)"
            )
        return real


def served_arguments(tool: Any, raw: dict[str, Any], uploads: Uploads) -> dict[str, Any]:
    """A remote caller's tool arguments: ``image_base64`` stored as a picture, paths checked,
    string lengths bounded."""
    fields = tool.input_model.model_fields
    args = dict(raw)
    limit = uploads.settings.max_message_chars
    for name, value in args.items():
        if isinstance(value, str) and name != "image_base64" and len(value) > limit:
            raise PictureError(
                f"argument {name!r} is longer than {limit} characters", status=413, code="argument_too_long"
            )
    picture = args.pop("image_base64", None)
    if picture is not None:
        if "image_path" not in fields:
            raise ToolInputError(f"tool {tool.name!r} takes no picture (unknown argument 'image_base64')")
        if not isinstance(picture, str) or not picture:
            raise ToolInputError("image_base64 must be a non-empty base64 string")
        args["image_path"] = str(uploads.save_base64(picture))
    for name in PATH_ARGUMENTS:
        if isinstance(args.get(name), str) and args[name]:
            args[name] = uploads.check_path(args[name])
    return args


def served_schema(tool: Any) -> dict[str, Any]:
    """The tool's input schema as remote callers see it: ``image_base64`` beside ``image_path``."""
    schema = tool.input_schema()
    props = schema.get("properties", {})
    if "image_path" not in props:
        return schema
    schema = {**schema, "properties": dict(props)}
    schema["properties"]["image_base64"] = {
        "type": "string",
        "description": "The picture itself, base64 or a data: URL (JPEG, PNG, WebP, GIF, BMP). "
        "Over HTTP and MCP, image_path must name an uploaded picture.",
    }
    if "image_path" in schema.get("required", []):
        schema["required"] = [r for r in schema["required"] if r != "image_path"]
    return schema


def guard_tools(registry: Any, uploads: Uploads) -> None:
    """Make every tool of ``registry`` refuse paths outside the upload folder (the chat agent
    calls them with paths it read from messages)."""
    for tool in registry:
        fields = tool.input_model.model_fields
        if not any(name in fields for name in PATH_ARGUMENTS) or getattr(tool, "_path_guarded", False):
            continue
        invoke = tool.invoke

        def guarded(raw: Any = None, _invoke: Any = invoke) -> Any:
            if isinstance(raw, dict):
                raw = dict(raw)
                for name in PATH_ARGUMENTS:
                    if isinstance(raw.get(name), str) and raw[name]:
                        raw[name] = uploads.check_path(raw[name])
            elif raw is not None and hasattr(raw, "model_dump"):
                return guarded(raw.model_dump(), _invoke)
            return _invoke(raw)

        tool.invoke = guarded
        tool._path_guarded = True
