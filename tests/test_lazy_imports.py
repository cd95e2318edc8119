"""Start-up stays light: importing and building the tool registry loads no torch, scipy or
transformers; a tool loads them only when it runs a model. Checked in a fresh interpreter, since
this test process has long imported them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("torch", "scipy", "transformers")

PROBE = f"""
import json, sys
from stylist.config import load_settings
from stylist.runtime import Runtime
from stylist.tools.registry import build_registry
from tests.fakes.compat import FakeCatalogueIndex, fake_catalogue
from tests.fakes.core import HashingTextEmbedder

heavy = {HEAVY!r}
seen = {{}}
seen["import"] = [m for m in heavy if m in sys.modules]
build_registry(Runtime(load_settings()))
embedder = HashingTextEmbedder()
runtime = Runtime(
    load_settings(llm={{"backend": "none"}}),
    catalogue_index=FakeCatalogueIndex(fake_catalogue(40), embedder),
    text_embedder=embedder,
    image_embedder=None,
)
registry = build_registry(runtime)
registry.specs()
seen["build"] = [m for m in heavy if m in sys.modules]
registry.invoke("search_garments", {{"query": "red dress"}})
registry.invoke("get_profile", {{}})
seen["search"] = [m for m in heavy if m in sys.modules]
print(json.dumps(seen))
"""


def test_the_registry_builds_and_searches_without_torch_scipy_or_transformers():
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"import": [], "build": [], "search": []}, seen


def test_the_probe_would_see_a_heavy_import():
    """The check is not blind: a module that does need torch shows up in ``sys.modules``."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys, stylist.tools.outfits.model; print('torch' in sys.modules)"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.strip() == "True", done.stderr[-2000:]
