"""Language-model backends behind one LangChain chat-model interface.

``make_chat_model(settings.llm, settings.models_dir)`` (or ``runtime.chat_model``) gives a
``BaseChatModel`` that supports ``bind_tools`` and streaming, or ``None`` for ``backend="none"``.
``parse_tool_calls`` is the tolerant tool-call reader the backends share; ``generate`` is a
one-shot completion for non-chat uses.
"""

from stylist.llm.factory import BACKENDS, generate, make_chat_model, resolve_gguf
from stylist.llm.toolcalls import ParsedCall, ParseResult, loads_tolerant, parse_tool_calls

__all__ = [
    "BACKENDS",
    "ParseResult",
    "ParsedCall",
    "generate",
    "loads_tolerant",
    "make_chat_model",
    "parse_tool_calls",
    "resolve_gguf",
]
