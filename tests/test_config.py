from pathlib import Path

import pytest

from stylist.config import load_settings
from stylist.errors import ConfigError


def test_defaults_and_home_from_env(stylist_home: Path) -> None:
    s = load_settings()
    assert s.home == stylist_home
    assert s.llm.backend == "embedded"
    assert s.database_url == f"sqlite:///{stylist_home / 'stylist.db'}"


def test_precedence_overrides_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[llm]\nbackend = "openai"\ntemperature = 0.9\nmax_tokens = 100\n')
    monkeypatch.setenv("STYLIST_LLM__TEMPERATURE", "0.5")
    s = load_settings(cfg, llm={"max_tokens": 64})
    assert s.llm.backend == "openai"  # file
    assert s.llm.temperature == 0.5  # env beats file
    assert s.llm.max_tokens == 64  # override beats both


def test_config_file_from_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('log_level = "DEBUG"\n')
    monkeypatch.setenv("STYLIST_CONFIG", str(cfg))
    assert load_settings().log_level == "DEBUG"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('[llm]\nbackend = "gpt-banana"\n', "llm.backend"),
        ("[llm\nbackend=", "not valid TOML"),
        ("[server]\nport = 99999\n", "server.port"),
        ('colour_scheme = "x"\n', "colour_scheme"),
    ],
)
def test_broken_config_names_the_problem(tmp_path: Path, text: str, needle: str) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_settings(cfg)
    assert needle in str(info.value)
    assert str(cfg) in str(info.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_bad_env_value_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STYLIST_LLM__MAX_TOKENS", "lots")
    with pytest.raises(ConfigError, match="llm.max_tokens"):
        load_settings()
