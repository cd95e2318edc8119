"""Shared fixtures: every test gets its own data home; real data lives in ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _shared_data() -> Path:
    # ../shared/data next to the checkout; from a worktree (/work/wt/NAME) it is further up
    if os.environ.get("STYLIST_SHARED_DATA"):
        return Path(os.environ["STYLIST_SHARED_DATA"])
    here = Path(__file__).resolve().parents[1]
    for folder in here.parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    return here.parent / "shared" / "data"


SHARED_DATA = _shared_data()

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(autouse=True)
def stylist_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point STYLIST_HOME at a fresh folder and ignore any user config file."""
    home = tmp_path / "stylist-home"
    monkeypatch.setenv("STYLIST_HOME", str(home))
    monkeypatch.setenv("STYLIST_CONFIG", "")
    for key in list(os.environ):
        if key.startswith("STYLIST_") and key not in ("STYLIST_HOME", "STYLIST_CONFIG"):
            monkeypatch.delenv(key)
    # index builds through a runtime or the CLI embed no pictures unless a test turns this back on:
    # the packaged image encoder takes seconds to load (tests/test_image_search.py covers it)
    monkeypatch.setenv("STYLIST_EMBED__INDEX_IMAGES", "false")
    monkeypatch.setattr("stylist.config.default_config_file", lambda: tmp_path / "no-config.toml")
    from stylist.runtime import set_default_runtime

    set_default_runtime(None)
    yield home
    set_default_runtime(None)
    from stylist import db

    db.close_all()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent")
    return SHARED_DATA
