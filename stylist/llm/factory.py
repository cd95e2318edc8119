"""Choosing and building the chat model from ``settings.llm``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stylist.errors import ConfigError, LLMError, ModelUnavailableError, StylistError
from stylist.llm.gguf import LARGE_MODEL, default_model_path, smollm2_path

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from stylist.config import LLMSettings
    from stylist.runtime import Runtime

BACKENDS = ("embedded", "transformers", "openai", "none")
DEFAULT_ALIASES = ("default", "qwen2.5-coder-0.5b", "qwen2.5-coder-0.5b-instruct")
LARGE_ALIASES = ("qwen2.5-coder-1.5b", "qwen2.5-coder-1.5b-instruct", "large")
SMOLLM2_ALIASES = ("smollm2", "smollm2-135m", "smollm2-135m-instruct")


def make_chat_model(llm: LLMSettings, models_dir: Path) -> BaseChatModel | None:
    """The chat model ``llm`` describes, or ``None`` for ``backend = "none"``.

    Nothing heavy is loaded here except assembling the default GGUF the first time: local models
    load on their first message. Raises ``ConfigError`` for settings that cannot work and
    ``ModelUnavailableError`` when the model files are missing.
    """
    backend = llm.backend
    if backend == "none":
        return None
    if backend == "embedded":
        from stylist.llm.llamacpp import LlamaCppChatModel

        path = resolve_gguf(llm.model, models_dir)
        return LlamaCppChatModel(
            model_path=path,
            model_name=path.name,
            context_tokens=llm.context_tokens,
            threads=llm.threads,
            temperature=llm.temperature,
            max_tokens=llm.max_tokens,
            constrain_tool_calls=llm.constrained_decoding,
            compact_tools=llm.compact_tools,
            batch_tokens=llm.batch_tokens,
            prefix_cache=llm.prefix_cache,
        )
    if backend == "transformers":
        from stylist.llm.hf import TransformersChatModel

        if not llm.model:
            raise ConfigError(
                "llm.model is required for the transformers backend",
                hint="set it to a Hugging Face model id, a local folder or a .gguf file",
            )
        model = str(resolve_gguf(llm.model, models_dir)) if _is_alias(llm.model) else llm.model
        return TransformersChatModel(
            model_id=model,
            model_name=Path(model).name if Path(model).exists() else model,
            device=llm.device,
            context_tokens=llm.context_tokens,
            threads=llm.threads,
            temperature=llm.temperature,
            max_tokens=llm.max_tokens,
        )
    if backend == "openai":
        from stylist.llm.openai_backend import make_openai_chat_model

        if not llm.model:
            raise ConfigError(
                "llm.model is required for the openai backend",
                hint="the model name the server serves, e.g. Qwen/Qwen2.5-7B-Instruct",
            )
        return make_openai_chat_model(
            model=llm.model,
            base_url=llm.base_url,
            api_key=llm.api_key,
            temperature=llm.temperature,
            max_tokens=llm.max_tokens,
            timeout_s=llm.timeout_s,
        )
    raise ConfigError(f"llm.backend: unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


def resolve_gguf(model: str | None, models_dir: Path) -> Path:
    """The GGUF file ``llm.model`` names: the default, ``qwen2.5-coder-1.5b``, ``smollm2`` or a path."""
    if model is None or model.lower() in DEFAULT_ALIASES:
        return default_model_path(models_dir)
    if model.lower() in LARGE_ALIASES:
        return default_model_path(models_dir, LARGE_MODEL)
    if model.lower() in SMOLLM2_ALIASES:
        return smollm2_path()
    path = Path(model).expanduser()
    if not path.is_file():
        raise ConfigError(
            f"llm.model: GGUF file {path} does not exist",
            hint="give a .gguf path, 'default', 'qwen2.5-coder-1.5b' or 'smollm2' for the embedded backend",
        )
    return path


def _is_alias(model: str) -> bool:
    return model.lower() in DEFAULT_ALIASES + LARGE_ALIASES + SMOLLM2_ALIASES


def generate(
    prompt: str,
    *,
    system: str | None = None,
    max_tokens: int = 256,
    temperature: float | None = None,
    runtime: Runtime,
) -> str:
    """One completion from ``runtime``'s chat model, for non-chat uses (copy, summaries).

    Raises ``ModelUnavailableError`` when no model is configured (``llm.backend = "none"``) and
    ``LLMError`` when the model or server fails.
    """
    from langchain_core.messages import HumanMessage, SystemMessage

    from stylist.llm.prompting import message_text

    model = runtime.chat_model
    if model is None:
        raise ModelUnavailableError(
            "no language model is configured (llm.backend = 'none')",
            hint="set llm.backend to embedded, transformers or openai",
        )
    messages = ([SystemMessage(system)] if system else []) + [HumanMessage(prompt)]
    options: dict[str, object] = {"max_tokens": max_tokens}
    if temperature is not None:
        options["temperature"] = temperature
    try:
        reply = model.invoke(messages, **options)
    except StylistError:
        raise
    except Exception as exc:  # server down, timeout, model crash: one clear error
        raise LLMError(f"the language model failed: {type(exc).__name__}: {exc}") from exc
    return message_text(reply).strip()
