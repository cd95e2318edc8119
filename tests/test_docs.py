"""The README and docs/ stay readable and true: links resolve, commands exist, the README stays short.

Checks every relative link and #anchor in README.md and docs/*.md (anchors as GitHub renders
headings), that README.md stays under 15,000 characters, that every ``stylist …`` command shown
in a code block or an inline code span names real subcommands and options of the CLI, and that
every setting named (``llm.backend``, ``--set embed.x=…``, ``STYLIST_LLM__MODEL``) exists, and that
every project file named in a code span (``tools/registry.py``) exists, and that every
``stylist.x.y(…)`` call or ``from stylist.x import y`` shown names something the source defines.
"""

from __future__ import annotations

import ast
import functools
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer

from stylist.cli import app
from stylist.config import Settings

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
README_LIMIT = 15_000
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~)")
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
INLINE_CODE = re.compile(r"`([^`]+)`")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Line:
    """One line of a Markdown page, with whether it sits inside a fenced block (and its language)."""

    number: int
    text: str
    fence: str | None  # None outside a fence, else the fence's language ("" when none is given)


def lines_of(text: str) -> list[Line]:
    out: list[Line] = []
    fence: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        match = FENCE.match(raw.strip())
        if match:
            fence = raw.strip()[3:].strip().lower() if fence is None else None
            continue
        out.append(Line(number, raw, fence))
    return out


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: link text kept, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(text: str) -> set[str]:
    seen: dict[str, int] = {}
    found: set[str] = set()
    for line in lines_of(text):
        match = HEADING.match(line.text) if line.fence is None else None
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(page: Path) -> list[str]:
    """Every relative link or anchor in `page` that does not resolve, as 'page:line: target (why)'."""
    problems: list[str] = []
    for line in lines_of(page.read_text(encoding="utf-8")):
        if line.fence is not None:
            continue
        prose = INLINE_CODE.sub("", line.text)
        for target in LINK.findall(prose):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto: …
                continue
            path_part, _, anchor = target.partition("#")
            file = (page.parent / path_part).resolve() if path_part else page
            where = f"{page.relative_to(ROOT)}:{line.number}: {target}"
            if not file.exists():
                problems.append(f"{where} (no such file)")
            elif anchor and file.suffix == ".md" and anchor not in anchors(file.read_text(encoding="utf-8")):
                problems.append(f"{where} (no heading with anchor #{anchor})")
    return problems


def test_readme_stays_short() -> None:
    size = len(README.read_text(encoding="utf-8"))
    assert size < README_LIMIT, (
        f"README.md has {size} characters; keep it under {README_LIMIT} (move depth to docs/)"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_resolve(page: Path) -> None:
    assert broken_links(page) == []


def test_link_checker_catches_broken_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    (tmp_path / "other.md").write_text("# Other page\n## Scaling out: `chroma`\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n[ok](other.md#scaling-out-chroma) [ok](#title) [web](https://example.com/x)\n"
        "[gone](missing.md) [bad anchor](other.md#nope) `[in code](missing2.md)`\n"
        "```bash\n# not a heading\n[in a fence](missing3.md)\n```\n[no anchor](#not-a-heading)\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "page.md:3: missing.md (no such file)",
        "page.md:3: other.md#nope (no heading with anchor #nope)",
        "page.md:8: #not-a-heading (no heading with anchor #not-a-heading)",
    ]


def test_slugs_follow_github() -> None:
    assert slug("Large catalogues: `--fast`") == "large-catalogues---fast"
    assert slug("Embedding it: HTTP (OpenAI-compatible), MCP and Python") == (
        "embedding-it-http-openai-compatible-mcp-and-python"
    )
    assert anchors("# A\n## A\n") == {"a", "a-1"}


# ---------------------------------------------------------------- commands shown in the docs


def shown_commands(page: Path) -> list[tuple[int, list[str]]]:
    """Token lists of every `stylist …` invocation in shell blocks and inline code spans of `page`."""
    found: list[tuple[int, list[str]]] = []
    for line in lines_of(page.read_text(encoding="utf-8")):
        if line.fence is None:
            snippets = [s for s in INLINE_CODE.findall(line.text) if re.match(r"^(\S+/)?stylist\s", s)]
        elif line.fence in ("", "bash", "sh", "shell", "console"):
            snippets = [re.split(r"\s#", line.text, maxsplit=1)[0]]
        else:
            continue
        for snippet in snippets:
            for segment in re.split(r"&&|;|\|(?!\S)", snippet):
                try:
                    tokens = shlex.split(segment.replace("\\$", "$"))
                except ValueError:
                    tokens = segment.split()
                starts = [
                    i for i, tok in enumerate(tokens) if tok == "stylist" or tok.endswith("/bin/stylist")
                ]
                if starts:
                    found.append((line.number, tokens[starts[0] + 1 :]))
    return found


@functools.cache
def cli() -> typer.core.TyperGroup:
    return typer.main.get_command(app)


def check_command(tokens: list[str]) -> str | None:
    """Why `stylist TOKENS` names a command or option the CLI lacks, else None."""
    command = cli()
    path = ["stylist"]
    positional_seen = False
    skip_value = False
    for raw in tokens:
        token = raw.strip("[]()")
        if skip_value or token in ("", "\\", "|", "…", "...") or token.startswith("<"):
            skip_value = False
            continue
        if token.startswith("-") and len(token) > 1 and not token[1:2].isdigit():
            name = token.split("=", 1)[0]
            options = {opt: p for p in command.params for opt in (*p.opts, *p.secondary_opts)}
            if name not in options and name not in ("--help", "-h"):
                return f"{' '.join(path)} has no option {name}"
            param = options.get(name)
            skip_value = param is not None and not getattr(param, "is_flag", False) and "=" not in token
            continue
        subcommands = getattr(command, "commands", None)
        if subcommands is not None and not positional_seen:
            alternatives = token.replace("\\", "").split("|")  # `show\|set\|like` in a table cell
            if len(alternatives) == 1 and token in subcommands:
                command = subcommands[token]
                path.append(token)
                continue
            if len(alternatives) > 1 and all(name in subcommands for name in alternatives):
                return None  # several subcommands at once: their options are not shown
            if token.isupper():
                return None  # a placeholder such as COMMAND
            if not getattr(command, "invoke_without_command", False):
                return f"{' '.join(path)} has no subcommand {token!r}"
        positional_seen = True
    return None


def test_command_checker_catches_bad_commands() -> None:
    assert check_command(["search", "red dress", "--max-price", "50", "-k", "5"]) is None
    assert check_command(["trends", "--by", "colour", "--top", "5"]) is None
    assert check_command(["trends", "series", "colour", "sage", "--horizon", "3m"]) is None
    assert check_command(["--set", "llm.backend=none", "ask", "hi"]) is None
    assert check_command(["serach", "red"]) == "stylist has no subcommand 'serach'"
    assert check_command(["search", "red", "--price", "5"]) == "stylist search has no option --price"
    assert check_command(["ask", "--set", "llm.backend=none", "hi"]) == "stylist ask has no option --set"
    assert check_command(["index", "rebuild"]) == "stylist index has no subcommand 'rebuild'"
    assert check_command(["profile", "show\\|like"]) is None
    assert check_command(["profile", "show\\|lick"]) == "stylist profile has no subcommand 'show\\\\|lick'"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_shown_commands_exist(page: Path) -> None:
    commands = shown_commands(page)
    problems = [f"line {number}: {why}" for number, tokens in commands if (why := check_command(tokens))]
    assert problems == []
    if page == README:
        assert len(commands) >= 10  # the main commands are shown and checked


# ---------------------------------------------------------------- settings named in the docs

SETTING_SPAN = re.compile(r"^(?:--set\s+)?([a-z]+)\.([a-z_]+)(?:\s*=.*)?$")
SETTING_ENV = re.compile(r"\bSTYLIST_([A-Z]+)__([A-Z_]*[A-Z])")
FILE_SUFFIXES = {"json", "jsonl", "csv", "png", "pt", "toml", "md", "py"}


def named_settings(text: str) -> set[tuple[str, str]]:
    """(section, key) of every setting a page names: `llm.backend`, `--set embed.x=…`, STYLIST_LLM__MODEL."""
    found = {(s.lower(), k.lower()) for s, k in SETTING_ENV.findall(text)}
    for line in lines_of(text):
        spans = INLINE_CODE.findall(line.text) if line.fence is None else []
        for span in spans:
            match = SETTING_SPAN.match(span.strip())
            if match and match.group(1) in Settings.model_fields and match.group(2) not in FILE_SUFFIXES:
                found.add((match.group(1), match.group(2)))
    return found


def unknown_settings(text: str) -> list[str]:
    problems = []
    for section, key in sorted(named_settings(text)):
        field = Settings.model_fields.get(section)
        model = getattr(field, "annotation", None) if field else None
        if not isinstance(model, type) or key not in getattr(model, "model_fields", {}):
            problems.append(f"{section}.{key}")
    return problems


def test_settings_checker_catches_unknown_settings() -> None:
    text = (
        "`llm.backend` `--set embed.text_weight=0.5` `outfits.jsonl` STYLIST_INDEX__CHROMA_URL `llm.colour`"
    )
    assert named_settings(text) == {
        ("llm", "backend"),
        ("embed", "text_weight"),
        ("index", "chroma_url"),
        ("llm", "colour"),
    }
    assert unknown_settings(text + " STYLIST_LLM__NOPE=1") == ["llm.colour", "llm.nope"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_named_settings_exist(page: Path) -> None:
    assert unknown_settings(page.read_text(encoding="utf-8")) == []


# ---------------------------------------------------------------- project files named in the docs

PROJECT_FILE = re.compile(
    r"(?<![\w/$>.-])(?:stylist|tools|index|tui|tests|benchmarks|scripts|examples)/[\w/.-]+\.(?:py|pt|"
    r"sh|jsonl|tcss)\b"
)


def missing_files(text: str) -> list[str]:
    """Project files a page names in code (`tools/registry.py`, `python benchmarks/x.py`) that do not
    exist."""
    named: set[str] = set()
    for line in lines_of(text):
        if line.fence is None:
            named.update(m for span in INLINE_CODE.findall(line.text) for m in PROJECT_FILE.findall(span))
        elif line.fence in ("", "bash", "sh", "shell", "console"):
            named.update(PROJECT_FILE.findall(line.text))
    return sorted(n for n in named if not n.startswith("benchmarks/results/") and not (ROOT / n).is_file())


def test_file_checker_catches_missing_files() -> None:
    text = (
        "`tools/registry.py` and `tools/gone.py`; `benchmarks/results/x.jsonl`; `$HOME/tools/a.py`\n"
        "`nice -n 10 python benchmarks/gone.py --x` `<home>/index/a.pt`\n"
        "```bash\npython scripts/gone.sh  # run it\n```\n```python\nimport tui.x  # tui/x.py\n```"
    )
    assert missing_files(text) == ["benchmarks/gone.py", "scripts/gone.sh", "tools/gone.py"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_named_files_exist(page: Path) -> None:
    assert missing_files(page.read_text(encoding="utf-8")) == []


# ---------------------------------------------------------------- Python names the docs call or import

PACKAGE_FOLDERS = {
    "stylist.tools": "tools",
    "stylist.index": "index",
    "stylist.tui": "tui",
    "stylist": "stylist",
}
CALLED_NAME = re.compile(r"^(stylist(?:\.\w+)+)\(")
IMPORTED = re.compile(r"^from (stylist(?:\.\w+)*) import ([\w, ]+)$")


def module_file(module: str) -> Path | None:
    """The source file of a `stylist…` module, mapped as setup.py installs the folders."""
    for package, folder in PACKAGE_FOLDERS.items():
        if module == package or module.startswith(package + "."):
            base = ROOT / folder / Path(*module[len(package) + 1 :].split(".")) if module != package else None
            base = base or ROOT / folder
            for candidate in (base / "__init__.py", base.with_suffix(".py")):
                if candidate.is_file():
                    return candidate
            return None
    return None


def top_level_names(source: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and node.value is not None:
                names.update(ast.literal_eval(node.value))  # names a module's __getattr__ serves lazily
    return names


def unresolved(module: str, name: str) -> str | None:
    """Why `module.name` is not there (checked on the source, nothing imported), else None."""
    source = module_file(module)
    if source is None:
        return f"no module {module}"
    if name not in top_level_names(source) and module_file(f"{module}.{name}") is None:
        return f"{module} has no {name}"
    return None


def python_names(text: str) -> list[tuple[str, str]]:
    """(module, name) for every `stylist.a.b(…)` call in a code span and every `from stylist… import`
    shown."""
    found: list[tuple[str, str]] = []
    for line in lines_of(text):
        if line.fence is None:
            spans = INLINE_CODE.findall(line.text)
        elif line.fence in ("python", "py"):
            spans = [line.text.strip()]
        else:
            continue
        for span in spans:
            for statement in span.split(";"):
                statement = statement.strip()
                if called := CALLED_NAME.match(statement):
                    module, _, name = called.group(1).rpartition(".")
                    found.append((module, name))
                elif imported := IMPORTED.match(statement):
                    found.extend((imported.group(1), n.strip()) for n in imported.group(2).split(","))
    return found


def test_python_name_checker() -> None:
    text = (
        "`stylist.index.loaders.load_catalogue(path)` `from stylist.tools.functions import "
        "search_garments; x`\n"
        "`stylist.tools.outfits.nope(ids)` `stylist.conversation_id`\n```python\nfrom stylist.gone "
        "import x\n```"
    )
    names = python_names(text)
    assert names == [
        ("stylist.index.loaders", "load_catalogue"),
        ("stylist.tools.functions", "search_garments"),
        ("stylist.tools.outfits", "nope"),
        ("stylist.gone", "x"),
    ]
    assert [unresolved(m, n) for m, n in names] == [
        None,
        None,
        "stylist.tools.outfits has no nope",
        "no module stylist.gone",
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_names_exist(page: Path) -> None:
    problems = [
        why
        for module, name in python_names(page.read_text(encoding="utf-8"))
        if (why := unresolved(module, name))
    ]
    assert problems == []
