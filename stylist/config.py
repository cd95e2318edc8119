"""Configuration: one typed place for every setting.

Sources, strongest first: explicit overrides (CLI flags), environment variables ``STYLIST_*``
(nested with ``__``, e.g. ``STYLIST_LLM__BACKEND=openai``), a TOML file (``--config``,
``STYLIST_CONFIG`` or ``<user config dir>/stylist/config.toml``), then the defaults below.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from stylist.errors import ConfigError

CONFIG_ENV = "STYLIST_CONFIG"


def default_home() -> Path:
    return Path(platformdirs.user_data_dir("stylist", appauthor=False))


def default_config_file() -> Path:
    return Path(platformdirs.user_config_dir("stylist", appauthor=False)) / "config.toml"


class IndexSettings(BaseModel):
    """The garment catalogue and its vector index."""

    catalogue: Path | None = None
    """Catalogue file to index; ``None`` indexes the built-in demo catalogue."""
    demo_size: int = Field(3000, ge=10, le=200_000)
    """Number of garments the demo generator makes."""
    demo_seed: int = 7
    """Seed of the demo generator (the same seed gives the same catalogue)."""
    collection: str = "garments"
    """Chroma collection name."""
    chroma_url: str | None = None
    """Chroma server URL (``http://host:8000``) instead of the embedded persistent store."""
    sync_seconds: float = Field(2.0, gt=0, le=3600)
    """With ``chroma_url``: how often a process asks Chroma for other processes' writes (the most a
    write waits before every replica's searches see it, plus one round trip)."""
    faiss_kind: Literal["auto", "flat", "hnsw", "ivf"] = "auto"
    """FAISS index type; ``auto`` is exact below 50k vectors, IVF above (see benchmarks/search.py)."""
    faiss_gpu: Literal["auto", "on", "off"] = "auto"
    """Put the FAISS index on a GPU when faiss-gpu and CUDA are present."""


class EmbedSettings(BaseModel):
    """Text and image embedding models."""

    text_model: str = "embedded"
    """``embedded`` (packaged all-MiniLM-L6-v2), or any sentence-transformers id or local path."""
    image_model: str = "auto"
    """``auto`` (yours after ``stylist train image-encoder``; else chosen per catalogue: ``demo`` for the
    demo catalogue's drawings, ``photos`` for a catalogue with real photos; searches use the encoder the
    index was built with; ``embedded`` is the older name), ``demo`` or ``photos`` (the packaged encoders
    trained on the demo drawings / on real product photos), a checkpoint path, a CLIP-family id, or
    ``none``."""
    device: str = "auto"
    """``auto``, ``cpu``, ``cuda`` or ``cuda:N``."""
    batch_size: int = Field(64, ge=1, le=4096)
    """Texts (or images) per forward pass when embedding a catalogue."""
    threads: int | None = Field(None, ge=1)
    """CPU threads torch may use for embedding; ``None`` keeps torch's default (all cores). On a
    busy shared machine 1 is faster: idle OpenMP threads spin while a descheduled one holds them up."""
    index_images: bool = True
    """Embed garment pictures into the index at build time with ``image_model`` (off: text only)."""
    hybrid_text_weight: float = Field(0.85, ge=0.0)
    """Text queries: weight of the words ↔ garment description similarity."""
    hybrid_image_weight: float = Field(0.15, ge=0.0)
    """Text queries: weight of the words ↔ garment picture similarity (0 = text only). On the demo
    queries more picture weight costs precision (benchmarks/image_search.py), so the default is small."""
    text_weight: float = Field(0.7, ge=0.0, le=1.0)
    """Words + photo queries: weight of the words score; the photo ↔ picture score gets ``1 -
    text_weight``."""

    @model_validator(mode="after")
    def _some_hybrid_weight(self) -> EmbedSettings:
        if self.hybrid_text_weight + self.hybrid_image_weight <= 0:
            raise ValueError("hybrid_text_weight and hybrid_image_weight cannot both be 0")
        return self


class LLMSettings(BaseModel):
    """The language model behind the agent."""

    backend: Literal["embedded", "transformers", "openai", "none"] = "embedded"
    """``embedded`` (packaged Qwen2.5 0.5B GGUF on llama.cpp), ``transformers`` (any HF id or
    path), ``openai`` (any OpenAI-compatible server such as vLLM), ``none`` (rule router only)."""
    model: str | None = None
    """Model id/path (transformers), model name (openai) or GGUF path (embedded)."""
    base_url: str | None = None
    """Base URL of an OpenAI-compatible server, e.g. ``http://localhost:8000/v1``."""
    api_key: str | None = None
    temperature: float = Field(0.2, ge=0.0, le=2.0)
    max_tokens: int = Field(512, ge=16, le=32_768)
    context_tokens: int = Field(4096, ge=512, le=1_048_576)
    threads: int | None = Field(None, ge=1)
    """CPU threads for llama.cpp; ``None`` uses all cores but one (at most 8): more threads than
    free cores makes llama.cpp many times slower."""
    timeout_s: float = Field(120.0, gt=0)
    max_steps: int = Field(4, ge=1, le=20)
    """Tool-calling steps per turn before the agent must answer."""
    model_workers: int = Field(2, ge=1, le=64)
    """Threads that run model calls under the turn's deadline (one runtime-wide pool). A call that
    overran its deadline keeps its thread until it returns."""
    tool_workers: int = Field(4, ge=1, le=64)
    """Threads that run tool calls under the turn's deadline (one runtime-wide pool, separate
    from the model's, so an overrunning model call never queues the tools of later turns)."""
    model_queue: int = Field(32, ge=0, le=10_000)
    """Model calls that may wait for a model worker (per backend: the runtime's one model). One
    more is refused at once (HTTP 503 with ``Retry-After``) instead of waiting without bound; the
    time a call waited is in the reply's ``metadata.model_queue_s``."""
    device: str = "auto"
    """transformers backend: ``auto`` (GPU in bf16 when present), ``cpu``, ``cuda`` or ``cuda:N``."""
    constrained_decoding: bool = True
    """embedded backend: grammar-constrained decoding when the agent requires a tool call."""
    compact_tools: bool = True
    """embedded backend: show the model compact tool specs (first sentence, argument types), not
    full JSON schemas; prompt evaluation is most of a CPU turn."""
    prefix_cache: bool = True
    """embedded backend: keep the evaluated state of each system prompt (selection prompt with
    its tools, answer prompt) and restore it instead of evaluating the same tokens every turn."""
    batch_tokens: int = Field(512, ge=8, le=8192)
    """embedded backend: llama.cpp ``n_batch`` (prompt tokens per evaluation batch)."""
    selection_tools: int | None = Field(None, ge=1)
    """Tools the selection step sees, the router's best matches first; ``None``: all of them
    (compact descriptions on ``embedded``)."""
    answer_items: int | None = Field(None, ge=1, le=20)
    """Garments per tool result in the answer prompt; ``None``: 3 on ``embedded`` (every card
    is prompt to evaluate before the first token), 5 elsewhere."""
    router_first: bool | None = None
    """Use the router's call without asking the model when its keywords are unambiguous (a
    strong match well ahead of every other tool, or the only tool the message matches at all);
    the model selects only for the rest. ``None``:
    on for ``embedded`` (a selection call costs tens of CPU-seconds there), off elsewhere."""
    pick_tool: bool | None = None
    """The first selection step asks the model only which tool (a name from an enum, decoded
    under a grammar: a few tokens) and the tool's extractor reads the arguments from the words
    (a second, constrained call for a tool without one); ``None``: on for ``embedded``, where a
    full call from the 0.5B model took 20-30 s and filled arguments with made-up values, off
    elsewhere."""
    lean_cards: bool | None = None
    """Garments in the answer prompt as id, title, price and colours only; ``None``: on for
    ``embedded`` (the answer prompt is evaluated before the first token), off elsewhere."""
    lead_with_results: bool | None = None
    """Stream the garments the tools found (grounded, from the template) as soon as the tools
    return, then the model's explanation; ``None``: on for ``embedded``, where the model reads
    its prompt at tens of milliseconds per token on a laptop CPU and the first line it writes
    comes many seconds later. Off elsewhere: the model's answer names the garments itself."""
    repair_calls: bool | None = None
    """Retry an invalid tool call once with the validation error; ``None``: on for served and
    transformers models, off on ``embedded`` (the router's call is used at once instead)."""


class ProfileSettings(BaseModel):
    """Where profiles, feedback and conversations are stored."""

    database_url: str | None = None
    """SQLAlchemy URL; ``None`` is a SQLite file in the data home."""


class ServerSettings(BaseModel):
    """The HTTP server (OpenAI-compatible chat API and tool endpoints)."""

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    api_keys: list[str] = Field(default_factory=list)
    """Service keys: a caller with one may act for any end user it names (the ``user`` field,
    tool arguments): one backend key for a chat service with many users."""
    user_keys: dict[str, str] = Field(default_factory=dict)
    """User keys, ``{KEY = "user"}``: a caller with one acts only as that user, whatever the body
    or the tool arguments say."""
    allow_open: bool = False
    """Serve without API keys (only for local use)."""
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = Field(8_000_000, ge=1024)
    """Largest request body (pictures travel inside it, base64)."""
    max_message_chars: int = Field(8_000, ge=16)
    """Longest text of one message (or one tool argument string)."""
    max_messages: int = Field(64, ge=1)
    """Most messages in one chat request (the history the client sends)."""
    max_image_bytes: int = Field(4_000_000, ge=1024)
    """Largest picture, decoded."""
    max_image_side: int = Field(4096, ge=16)
    """Largest width or height of a picture, in pixels."""
    upload_dir: Path | None = None
    """Where pictures sent over the wire are stored; tools served over HTTP or MCP may only open
    files under it. ``None``: ``uploads/`` in the data home."""
    rate_limit_per_minute: int = Field(120, ge=1)
    """Requests a minute per end user: a user key's user, or each end user a service key names
    (the ``user`` field, a tool's ``user_id``, the ``X-Stylist-User`` header); a service key that
    names nobody is one user."""
    key_rate_limit_per_minute: int = Field(1200, ge=1)
    """Requests a minute per service key, over all the end users it names (the ceiling above the
    per-user limit, so one chat service with many users is not throttled as if it were one)."""
    concurrency: int | None = Field(None, ge=1, le=1024)
    """Chat turns that run at once (each on a thread of one bounded pool, streamed or not).
    ``None``: 1 for a local model (embedded, transformers), 32 for ``openai`` and ``none``."""
    queue_size: int = Field(64, ge=0, le=100_000)
    """Chat turns that may wait for one of those threads; one more is answered 503 with
    ``Retry-After`` at once. A turn's deadline (``llm.timeout_s``) starts when it leaves the
    queue; the wait is in the reply's ``metadata.queued_s``."""


class OutfitSettings(BaseModel):
    """Outfit compatibility scoring and assembly."""

    checkpoint: str = "auto"
    """Compatibility model: ``auto`` (a model trained with ``stylist train compat`` in the data home,
    else the packaged ``maryland`` one: real Polyvore outfits, pair evidence and FITB training),
    ``maryland``, ``demo`` (rule-made outfits), ``polyvore`` (the older real-outfit model), or a path."""
    device: str = "cpu"
    """``cpu``, ``auto`` (CUDA when available) or ``cuda:N``; the model is small, CPU is fast enough."""
    candidates_per_slot: int = Field(24, ge=2, le=200)
    """Garments searched per slot before the beam search."""
    beam_width: int = Field(12, ge=1, le=200)
    """Partial outfits kept at each step of the beam search."""
    compat_weight: float = Field(1.0, ge=0.0)
    """Weight of compatibility in the outfit objective."""
    relevance_weight: float = Field(0.5, ge=0.0)
    """Weight of relevance to the request."""
    preference_weight: float = Field(0.3, ge=0.0)
    """Weight of the user's profile preference, when a profile exists."""


class TrendSettings(BaseModel):
    """The trend forecaster."""

    model: Literal["auto", "seasonal_naive", "ets", "theta", "global"] = "auto"
    """Forecasting model; ``auto`` picks per source and kind by a rolling-origin backtest."""
    checkpoint: Path | None = None
    """Global model checkpoint; ``None`` uses the one ``stylist train trends`` wrote to the data
    home, else the packaged one."""
    horizon: str = "8w"
    """Default horizon: weeks (``8w``), months (``3m``) or years (``1y``)."""
    level: float = Field(0.8, gt=0.0, lt=1.0)
    """Coverage of the prediction intervals."""
    embed_threshold: float = Field(0.7, ge=0.0, le=1.0)
    """Cosine similarity at which a word in a post counts as an attribute by embedding (with
    all-MiniLM-L6-v2, 0.7 admits "sweatpants" -> trousers and rejects "merlot" -> wool)."""


class DesignSettings(BaseModel):
    """The GAN design sampler (``design_garments``, ``stylist design``)."""

    model: str = "auto"
    """``auto`` (a GAN trained with ``stylist train gan`` in the data home, else the packaged one
    trained on real product photos, which reads the brief's words), ``photos``, ``demo``,
    ``fashion-mnist``, or a checkpoint path."""
    device: str = "cpu"
    """``cpu``, ``auto`` (CUDA when available) or ``cuda:N``."""
    candidates: int = Field(8, ge=1, le=128)
    """Latent samples drawn per design; with an image encoder the one whose picture is closest
    to the brief's words is kept (1 = no re-ranking)."""


class Settings(BaseSettings):
    """All of Stylist's settings."""

    model_config = SettingsConfigDict(
        env_prefix="STYLIST_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    home: Path = Field(default_factory=default_home)
    """Data home: indexes, profiles, conversations, generated designs, assembled models."""
    log_level: str = "WARNING"
    index: IndexSettings = Field(default_factory=IndexSettings)
    embed: EmbedSettings = Field(default_factory=EmbedSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    profile: ProfileSettings = Field(default_factory=ProfileSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    outfits: OutfitSettings = Field(default_factory=OutfitSettings)
    trends: TrendSettings = Field(default_factory=TrendSettings)
    designs: DesignSettings = Field(default_factory=DesignSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _active_config_file
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    # Derived locations inside the data home.
    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def designs_dir(self) -> Path:
        return self.home / "designs"

    @property
    def database_url(self) -> str:
        return self.profile.database_url or f"sqlite:///{self.home / 'stylist.db'}"


_active_config_file: Path | None = None


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from file, environment and ``overrides`` (nested dicts allowed).

    Raises ``ConfigError`` naming the file and the field when anything is wrong.
    """
    global _active_config_file
    path = _resolve_config_file(config_file)
    if path is not None:
        _check_toml(path)
    _active_config_file = path
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        where = f" in {path}" if path else ""
        raise ConfigError(f"invalid configuration{where}: {_describe(exc)}") from None
    finally:
        _active_config_file = None


def _resolve_config_file(config_file: str | Path | None) -> Path | None:
    if config_file is not None:
        path = Path(config_file).expanduser()
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
        return path
    env = os.environ.get(CONFIG_ENV)
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise ConfigError(f"config file {path} (from ${CONFIG_ENV}) does not exist")
        return path
    path = default_config_file()
    return path if path.is_file() else None


def _check_toml(path: Path) -> None:
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{field}: {err['msg']}")
    return "; ".join(parts)
