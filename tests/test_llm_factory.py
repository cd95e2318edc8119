"""Backend choice, configuration errors and assembling the split default GGUF."""

from __future__ import annotations

import hashlib
import sys
import types
from pathlib import Path

import pytest

from stylist.config import load_settings
from stylist.errors import ConfigError, ModelUnavailableError
from stylist.llm import factory as factory_module
from stylist.llm import generate, gguf, make_chat_model
from stylist.runtime import Runtime


def write_parts(folder: Path, chunks: list[bytes]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, chunk in enumerate(chunks, 1):
        path = folder / f"part{i:02d}.bin"
        path.write_bytes(chunk)
        paths.append(path)
    return paths


CHUNKS = [b"GGUF" + bytes(range(256)) * 3, b"middle" * 100, b"tail-bytes"]
JOINED = b"".join(CHUNKS)
SHA = hashlib.sha256(JOINED).hexdigest()


def test_assemble_joins_and_verifies(tmp_path):
    parts = write_parts(tmp_path / "parts", CHUNKS)
    dest = tmp_path / "models" / "model.gguf"
    assert gguf.assemble_gguf(parts, dest, size=len(JOINED), sha256=SHA) == dest
    assert dest.read_bytes() == JOINED
    assert [p.name for p in dest.parent.iterdir()] == ["model.gguf"]  # no temp file left


def test_assemble_is_done_once(tmp_path):
    parts = write_parts(tmp_path / "parts", CHUNKS)
    dest = tmp_path / "model.gguf"
    gguf.assemble_gguf(parts, dest, size=len(JOINED), sha256=SHA)
    parts[0].unlink()  # the parts are not read again
    assert gguf.assemble_gguf(parts, dest, size=len(JOINED), sha256=SHA) == dest


def test_checksum_mismatch_leaves_no_file(tmp_path):
    corrupt = [CHUNKS[0], b"MIDDLE" * 100, CHUNKS[2]]  # same size, different bytes
    parts = write_parts(tmp_path / "parts", corrupt)
    dest = tmp_path / "models" / "model.gguf"
    with pytest.raises(ModelUnavailableError, match="checksum mismatch for model.gguf") as info:
        gguf.assemble_gguf(parts, dest, size=len(JOINED), sha256=SHA)
    assert SHA in str(info.value)
    assert not dest.exists() and list(dest.parent.iterdir()) == []


def test_wrong_total_size_names_each_part(tmp_path):
    parts = write_parts(tmp_path / "parts", CHUNKS[:2] + [b"x"])
    with pytest.raises(ModelUnavailableError, match="add up to") as info:
        gguf.assemble_gguf(parts, tmp_path / "m.gguf", size=len(JOINED), sha256=SHA)
    assert "part 3: 1" in str(info.value)


def test_missing_part_file(tmp_path):
    parts = write_parts(tmp_path / "parts", CHUNKS)
    parts[1].unlink()
    with pytest.raises(ModelUnavailableError, match="model part 2"):
        gguf.assemble_gguf(parts, tmp_path / "m.gguf", size=len(JOINED), sha256=SHA)


def fake_part_modules(monkeypatch, tmp_path, chunks, *, skip: int | None = None) -> gguf.SplitModel:
    paths = write_parts(tmp_path / "pkgs", chunks)
    modules = []
    for i, path in enumerate(paths, 1):
        name = f"fake_llm_part{i}"
        modules.append(name)
        if i == skip:
            monkeypatch.setitem(sys.modules, name, None)  # import fails
            continue
        module = types.ModuleType(name)
        module.get_part_path = lambda p=path: str(p)
        monkeypatch.setitem(sys.modules, name, module)
    return gguf.SplitModel(
        filename="fake.gguf",
        part_modules=tuple(modules),
        part_packages=tuple(f"fake-llm-part{i}==1.0" for i in range(1, len(chunks) + 1)),
        size=len(b"".join(chunks)),
        sha256=hashlib.sha256(b"".join(chunks)).hexdigest(),
    )


def test_missing_part_package_is_named(monkeypatch, tmp_path):
    model = fake_part_modules(monkeypatch, tmp_path, CHUNKS, skip=2)
    with pytest.raises(ModelUnavailableError, match="part 2 of 3") as info:
        gguf.part_paths(model)
    assert "'fake-llm-part2'" in str(info.value)
    assert info.value.hint == "pip install 'fake-llm-part2==1.0'"


def test_default_model_assembled_into_models_dir(monkeypatch, tmp_path):
    model = fake_part_modules(monkeypatch, tmp_path, CHUNKS)
    monkeypatch.setattr(gguf, "DEFAULT_MODEL", model)
    settings = load_settings()
    chat = make_chat_model(settings.llm, settings.models_dir)
    assert chat.model_path == settings.models_dir / "fake.gguf"
    assert chat.model_path.read_bytes() == JOINED
    assert chat._llama is None  # nothing loaded until the first message


def test_default_parts_are_installed():
    paths = gguf.part_paths()
    assert len(paths) == 6
    assert sum(p.stat().st_size for p in paths) == gguf.DEFAULT_MODEL.size


def test_smollm2_is_found_without_importing_it():
    path = gguf.smollm2_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50_000_000


# ------------------------------------------------------------------ factory


def test_none_backend_gives_no_model():
    settings = load_settings(llm={"backend": "none"})
    assert make_chat_model(settings.llm, settings.models_dir) is None
    runtime = Runtime(settings)
    assert runtime.chat_model is None


def test_generate_without_a_model_is_a_clear_error():
    runtime = Runtime(load_settings(llm={"backend": "none"}))
    with pytest.raises(ModelUnavailableError, match="no language model is configured"):
        generate("write a tagline", runtime=runtime)


def test_unknown_backend_is_a_config_error(monkeypatch):
    with pytest.raises(ConfigError, match="llm.backend"):
        load_settings(llm={"backend": "gpt5"})
    monkeypatch.setenv("STYLIST_LLM__BACKEND", "vllm")
    with pytest.raises(ConfigError, match="llm.backend"):
        load_settings()


def test_factory_rejects_unknown_backend_object():
    settings = load_settings()
    llm = settings.llm.model_copy(update={"backend": "bogus"})
    with pytest.raises(ConfigError, match="unknown backend 'bogus'"):
        make_chat_model(llm, settings.models_dir)


def test_missing_gguf_path_is_a_config_error(tmp_path):
    settings = load_settings(llm={"model": str(tmp_path / "nope.gguf")})
    with pytest.raises(ConfigError, match="nope.gguf does not exist"):
        make_chat_model(settings.llm, settings.models_dir)


def test_smollm2_alias():
    settings = load_settings(llm={"model": "smollm2"})
    chat = make_chat_model(settings.llm, settings.models_dir)
    assert chat.model_path == gguf.smollm2_path()


@pytest.mark.parametrize("backend", ["transformers", "openai"])
def test_backends_that_need_a_model_name(backend):
    settings = load_settings(llm={"backend": backend})
    with pytest.raises(ConfigError, match=f"llm.model is required for the {backend} backend"):
        make_chat_model(settings.llm, settings.models_dir)


def test_openai_backend_from_settings():
    settings = load_settings(
        llm={"backend": "openai", "model": "qwen", "base_url": "http://127.0.0.1:9/v1", "timeout_s": 7}
    )
    chat = Runtime(settings).chat_model
    assert chat.model_name == "qwen"
    assert chat.openai_api_base == "http://127.0.0.1:9/v1"
    assert chat.request_timeout == 7


def test_transformers_missing_local_model_is_clear(tmp_path):
    settings = load_settings(llm={"backend": "transformers", "model": str(tmp_path / "missing.gguf")})
    chat = make_chat_model(settings.llm, settings.models_dir)
    with pytest.raises(ModelUnavailableError, match="missing.gguf does not exist"):
        chat.load()


def test_runtime_injected_chat_model_wins():
    sentinel = object()
    assert Runtime(load_settings(), chat_model=sentinel).chat_model is sentinel


def test_large_model_alias_assembles_its_parts(monkeypatch, tmp_path):
    model = fake_part_modules(monkeypatch, tmp_path, CHUNKS)
    monkeypatch.setattr(gguf, "LARGE_MODEL", model)
    monkeypatch.setattr(factory_module, "LARGE_MODEL", model)
    settings = load_settings(llm={"model": "qwen2.5-coder-1.5b"})
    chat = make_chat_model(settings.llm, settings.models_dir)
    assert chat.model_path == settings.models_dir / "fake.gguf"
    assert chat.model_path.read_bytes() == JOINED


def test_large_model_missing_parts_point_at_the_extra(monkeypatch):
    monkeypatch.setattr(
        gguf,
        "LARGE_MODEL",
        gguf.SplitModel("x.gguf", ("no_such_part_module_1",), ("no-such-part==1",), 1, "0" * 64),
    )
    with pytest.raises(ModelUnavailableError, match="part 1 of 1") as info:
        gguf.part_paths(gguf.LARGE_MODEL)
    assert "x.gguf" in str(info.value) and "llm-large" in info.value.hint


def test_large_model_is_declared_as_in_the_design():
    assert gguf.LARGE_MODEL.size == 1_117_320_768
    assert gguf.LARGE_MODEL.sha256.startswith("cc324af070c2") and gguf.LARGE_MODEL.sha256.endswith("3bb046")
    assert len(gguf.LARGE_MODEL.part_modules) == 22


def test_openai_tool_call_message_is_sent_with_empty_text_not_null():
    """llama_cpp.server rejects an assistant message whose content is null (HTTP 500)."""
    from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

    from stylist.llm.openai_backend import make_openai_chat_model

    model = make_openai_chat_model(
        model="m", base_url="http://127.0.0.1:9/v1", api_key=None, temperature=0, max_tokens=8, timeout_s=1
    )
    call = {"name": "search_garments", "args": {"query": "navy shirt"}, "id": "c1", "type": "tool_call"}
    payload = model._get_request_payload(
        [
            HumanMessage("navy shirt"),
            AIMessage(content="", tool_calls=[call]),
            ToolMessage("[]", tool_call_id="c1"),
        ]
    )
    assistant = payload["messages"][1]
    assert assistant["role"] == "assistant" and assistant["tool_calls"]
    assert assistant["content"] == ""
    assert payload["messages"][0]["content"] == "navy shirt"
