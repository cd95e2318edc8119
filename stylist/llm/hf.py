"""Any Hugging Face causal LM through transformers, with tool calling.

``ChatHuggingFace`` does not call tools with a local pipeline, so this renders the tools with
the tokenizer's own chat template (``apply_chat_template(..., tools=...)``) and reads the calls
back with the tolerant parser. ``model_id`` is a hub id (needs the network or a warm cache), a
local folder, or a ``.gguf`` file (transformers de-quantises it; needs the ``gguf`` package).
On a GPU the model loads in bf16 with ``device_map="auto"``; on CPU in float32.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage
from pydantic import PrivateAttr

from stylist.errors import LLMError, MissingDependencyError, ModelUnavailableError
from stylist.llm.local import LocalChatModel, Prompt
from stylist.llm.prompting import (
    CHATML_TEMPLATE,
    inline_tools,
    template_supports_tools,
    to_template_messages,
)

CALL_PREFILL = "<tool_call>\n"


class TransformersChatModel(LocalChatModel):
    """A transformers ``AutoModelForCausalLM``, loaded on first use."""

    model_id: str
    device: str = "auto"
    context_tokens: int = 4096
    threads: int | None = None

    _model: Any = PrivateAttr(default=None)
    _tokenizer: Any = PrivateAttr(default=None)
    _device: str = PrivateAttr(default="cpu")

    @property
    def _llm_type(self) -> str:
        return "stylist-transformers"

    def load(self) -> Any:
        if self._model is not None:
            return self._model
        source, options = self._source()
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError:
            raise MissingDependencyError("transformers", "hf", purpose="the transformers backend") from None
        device = self.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if self.threads:
            torch.set_num_threads(self.threads)
        if device.startswith("cuda"):
            options.update(dtype=torch.bfloat16, device_map="auto" if device == "cuda" else device)
        else:
            options.update(dtype=torch.float32)
        try:
            tokenizer = AutoTokenizer.from_pretrained(source, **_tokenizer_options(options))
            model = AutoModelForCausalLM.from_pretrained(source, **options)
        except (OSError, ValueError) as exc:
            raise ModelUnavailableError(
                f"transformers could not load {self.model_id!r}: {exc}",
                hint="with no network, give a local folder or a .gguf file as llm.model",
            ) from None
        if not device.startswith("cuda"):
            model.to(device)
        model.eval()
        if not tokenizer.chat_template:
            tokenizer.chat_template = CHATML_TEMPLATE
        self._model, self._tokenizer, self._device = model, tokenizer, str(model.device)
        return model

    def _source(self) -> tuple[str, dict[str, Any]]:
        path = Path(self.model_id).expanduser()
        if path.suffix == ".gguf":
            if not path.is_file():
                raise ModelUnavailableError(f"GGUF file {path} does not exist")
            try:
                import gguf  # noqa: F401
            except ImportError:
                raise MissingDependencyError(
                    "gguf", "hf", purpose="loading GGUF files in transformers"
                ) from None
            return str(path.parent), {"gguf_file": path.name}
        return str(path) if path.exists() else self.model_id, {}

    def get_num_tokens(self, text: str) -> int:
        self.load()
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])

    # ---------------------------------------------------------------- LocalChatModel hooks
    def _render(
        self, messages: Sequence[BaseMessage], tools: list[dict[str, Any]], choice: str | None
    ) -> Prompt:
        self.load()
        tokenizer = self._tokenizer
        dicts = to_template_messages(messages)
        native = template_supports_tools(tokenizer.chat_template)
        if not native:
            dicts = inline_tools(dicts, tools)
        text = tokenizer.apply_chat_template(
            dicts, tools=tools if native and tools else None, add_generation_prompt=True, tokenize=False
        )
        prompt = Prompt(text=text)
        if tools and choice is not None:
            prompt.prefill = CALL_PREFILL
            prompt.text += CALL_PREFILL
        return prompt

    def _pieces(
        self, prompt: Prompt, *, max_tokens: int, temperature: float, stop: list[str]
    ) -> Iterator[str]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        tokenizer, model = self._tokenizer, self._model
        inputs = tokenizer(prompt.text, return_tensors="pt", add_special_tokens=False).to(self._device)
        n_prompt = int(inputs["input_ids"].shape[1])
        room = self.context_tokens - n_prompt
        if room < 16:
            raise LLMError(
                f"the prompt is {n_prompt} tokens but the context window is {self.context_tokens}",
                hint="shorten the conversation or raise llm.context_tokens",
            )
        cancel = threading.Event()

        class Cancelled(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:
                return cancel.is_set()

        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
        options: dict[str, Any] = dict(
            **inputs,
            max_new_tokens=min(max_tokens, room),
            streamer=streamer,
            stopping_criteria=StoppingCriteriaList([Cancelled()]),
            pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id,
            eos_token_id=_eos_ids(tokenizer),
        )
        if temperature > 0:
            options.update(do_sample=True, temperature=temperature)
        else:
            options.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                with torch.inference_mode():
                    outcome["output"] = model.generate(**options)
            except Exception as exc:  # surfaced in the caller's thread below
                outcome["error"] = exc
                streamer.end()

        worker = threading.Thread(target=run, name="stylist-generate", daemon=True)
        worker.start()
        text, sent, finish = "", 0, "length"
        try:
            for piece in streamer:
                text += piece
                cut = min((i for i in (text.find(s) for s in stop) if i >= 0), default=-1)
                if cut >= 0:
                    if cut > sent:
                        yield text[sent:cut]
                    finish = "stop"
                    break
                # hold back a tail that may be the start of a stop string
                safe = len(text) - max((len(s) - 1 for s in stop), default=0)
                if safe > sent:
                    yield text[sent:safe]
                    sent = safe
            else:
                if len(text) > sent:
                    yield text[sent:]
        finally:
            cancel.set()
            worker.join()
        if "error" in outcome:
            raise LLMError(f"transformers generation failed: {outcome['error']}") from outcome["error"]
        n_out = int(outcome["output"].shape[1]) - n_prompt if "output" in outcome else 0
        if finish != "stop" and n_out < min(max_tokens, room):
            finish = "stop"
        self._last_usage = (n_prompt, n_out, finish)


def _tokenizer_options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in options.items() if k == "gguf_file"}


def _eos_ids(tokenizer: Any) -> list[int]:
    ids = {tokenizer.eos_token_id} if tokenizer.eos_token_id is not None else set()
    for marker in ("<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<end_of_turn>"):
        token = tokenizer.convert_tokens_to_ids(marker)
        if isinstance(token, int) and token != tokenizer.unk_token_id and token >= 0:
            ids.add(token)
    return sorted(ids)
