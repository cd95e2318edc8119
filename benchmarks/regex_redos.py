"""Every regular expression that runs on user text, timed on 100,000-character adversarial inputs.

A regex that backtracks (``\\S+\\.jpg`` over a long word) costs time quadratic in the message
length, so one long chat message can hold a server core for minutes. This script times each
target at 10,000 and 100,000 characters for every adversarial input and reports the worst: a
linear target takes about 10x longer at 10x the length, a quadratic one about 100x.

Targets: the router (every tool's routing hooks: extract, applies, score, refine, plus the
search extractor), the filter extractors, the picture-path finder, the grounding check (it reads
model output, which may quote the user) and every module-level compiled pattern of the modules
that read chat text. The regex the picture-path finder replaced is timed too, as the reference
("before"), at 20,000 characters only.

    python benchmarks/regex_redos.py            # table on stdout, JSON in benchmarks/results/
    python benchmarks/regex_redos.py --quick    # 2,000 / 20,000 characters
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine, print_table, write_results  # noqa: E402

#: Repeated to the wanted length: runs of one class, near-misses of paths, prices, ids, JSON.
UNITS = [
    "a",
    " ",
    "a ",
    "a.",
    '"',
    "'",
    "\"a'",
    "1",
    "$1 ",
    "1.",
    "Ab Cd ",
    "Ab Cd - ",
    "x.jpg",
    ".jpgx",
    "a.jpg ",
    "-",
    "a-1_",
    "\n",
    "é",
    "under $",
    "between 1 and ",
    "size ",
    "what is this ",
    "i like ",
    "not ",
    "top 1",
    '{"a":',
    ",",
    "#",
    "sku-12 ",
    "sku-1 ",
    "Olive linen shirt $12 ",
    "Ab Cd $1 - ",
    "x9-7 ",
    "BLK-",
    "the ",
    "navy blue ",
]

#: Modules whose compiled patterns see chat text (the user's message or the model's answer).
MODULES = [
    "stylist.fashion.brief",
    "stylist.fashion.terms",
    "stylist.agent.router",
    "stylist.tools.routing",
    "stylist.tools.record_feedback",
    "stylist.tools.copywriting",
    "stylist.tools.update_profile",
    "stylist.tools.trends.tool",
    "stylist.tools.outfits.score_tool",
    "stylist.tools.outfits.build_tool",
    "stylist.agent.grounding",
    "stylist.agent.loop",
    "stylist.agent.answer",
    "stylist.agent.context",
    "stylist.profiles.statements",
    "stylist.llm.toolcalls",
    "stylist.tools.recognise.tool",
    "stylist.tools.recognise.paths",
    "stylist.tools.copykit.grounding",
    "stylist.tools.copykit.facts",
    "stylist.tools.outfits.brief",
    "stylist.tools.outfits.attributes",
    "stylist.tools.designs.brief",
    "stylist.tools.trends.text",
    "stylist.index.slots",
]

OLD_IMAGE_PATH = re.compile(
    r"""(?:"([^"]+\.(?:jpe?g|png|webp|bmp|gif))"|'([^']+\.(?:jpe?g|png|webp|bmp|gif))'|(\S+\.(?:jpe?g|png|webp|bmp|gif)))(?![\w])""",
    re.I,
)


def targets() -> dict[str, Callable[[str], Any]]:
    """Name -> a callable over one message."""
    from stylist.agent.grounding import Grounder
    from stylist.agent.items import SeenItem
    from stylist.agent.router import Router
    from stylist.config import load_settings
    from stylist.fashion.brief import clean_query, extract_dress_code, extract_filters
    from stylist.fashion.terms import KINDS, colours_in, find_terms, material_in, pattern_in
    from stylist.runtime import Runtime
    from stylist.tools.recognise.paths import image_path_in
    from stylist.tools.registry import build_registry
    from stylist.tools.routing import RouteContext
    from stylist.tools.search import search_arguments

    registry = build_registry(Runtime(load_settings()))
    context = RouteContext(
        last_call=("search_garments", {"query": "linen shirt", "max_price": 80}),
        last_items=[{"id": "sku-1", "title": "Olive linen shirt", "price": 49.0}],
        user_id="ana",
    )
    router = Router(registry)
    grounder = Grounder(
        {"sku-1": SeenItem(id="sku-1", title="Olive linen shirt", price=49.0, colours=["olive"])}
    )
    found: dict[str, Callable[[str], Any]] = {
        "router.route": lambda t: router.route(t, context),
        "router.search_arguments": lambda t: search_arguments(t, context),
        "brief.extract_filters": extract_filters,
        "brief.clean_query": clean_query,
        "brief.extract_dress_code": extract_dress_code,
        "terms.colours_in": colours_in,
        "terms.pattern_in": pattern_in,
        "terms.material_in": material_in,
        **{f"terms.find_terms[{kind}]": lambda t, k=kind: find_terms(k, t) for kind in KINDS},
        "recognise.image_path_in": image_path_in,
        "grounding.check_line": grounder.check_line,
    }
    for tool in registry:
        hint = getattr(tool, "routing", None)
        if hint is None:
            continue
        for hook in ("extract", "applies", "score"):
            fn = getattr(hint, hook)
            if fn is not None:
                found[f"{tool.name}.{hook}"] = lambda t, fn=fn: fn(t, context)
        if hint.refine is not None:
            found[f"{tool.name}.refine"] = lambda t, fn=hint.refine: fn(t, {"query": "x"}, context)
        for i, pattern in enumerate(hint.patterns):
            compiled = re.compile(pattern)
            found[f"{tool.name}.patterns[{i}]"] = lambda t, p=compiled: p.findall(t.lower())
    for module_name in MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:  # a module another change moved: its patterns are found where it went
            continue
        for attr, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found[f"{module_name.split('.', 1)[1]}.{attr}"] = lambda t, p=value: p.findall(t)
    return found


def timed(fn: Callable[[str], Any], text: str, repeats: int = 1) -> float:
    """The best of ``repeats`` runs (the shared machine's load only ever adds time)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - start)
    return best


def measure(name: str, fn: Callable[[str], Any], small: int, large: int) -> dict[str, Any]:
    """The worst adversarial input for ``fn``: its time at both lengths and their ratio.

    Each input is first timed at ``small`` and ``4 * small`` characters; more than 8x the time
    for 4x the length is super-linear already (linear: about 4x, quadratic: 16x), and that input
    is not run at ``large`` (a quadratic target would hold the machine for minutes there).
    """
    worst: dict[str, Any] | None = None
    for unit in UNITS:
        t_small = timed(fn, _repeat(unit, small), 2)
        t_double = timed(fn, _repeat(unit, 4 * small), 2)
        if t_double > 0.2 and t_double > 8 * t_small:  # below 0.2 s, 100k characters is cheap to run
            estimate = t_small * (large / small) ** 2
            row = {"unit": unit, "t_small_s": t_small, "t_large_s": None, "ratio": None, "skipped": True}
        else:
            estimate = timed(fn, _repeat(unit, large), 2 if t_double < 0.1 else 1)
            row = {
                "unit": unit,
                "t_small_s": t_small,
                "t_large_s": estimate,
                "ratio": estimate / max(t_small, 1e-6),
                "skipped": False,
            }
        if worst is None or estimate > worst["worst_large_s"]:
            worst = {**row, "worst_large_s": estimate}
    assert worst is not None
    # Linear: ~10x the time at 10x the length (below 0.2 s the load of the shared machine decides).
    # Quadratic: ~100x.
    linear = not worst["skipped"] and (worst["worst_large_s"] < 0.2 or worst["ratio"] < 40)
    return {"target": name, **worst, "linear": linear}


def _repeat(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2,000 / 20,000 characters")
    parser.add_argument(
        "--only", default="", help="only targets whose name contains one of these (comma-separated)"
    )
    args = parser.parse_args()
    small, large = (2_000, 20_000) if args.quick else (10_000, 100_000)
    rows = [
        measure(name, fn, small, large)
        for name, fn in sorted(targets().items())
        if any(part in name for part in args.only.split(","))
    ]
    reference = {
        "target": "BEFORE: recognise._IMAGE_PATH (old regex)",
        "unit": "a",
        "length": 20_000,
        "t_s": timed(OLD_IMAGE_PATH.search, "a" * 20_000),
    }
    print_table(
        [{**r, "unit": repr(r["unit"])} for r in rows],
        ["target", "unit", "t_small_s", "t_large_s", "ratio", "worst_large_s", "linear"],
    )
    print(f"\nlengths: {small:,} and {large:,} characters; {len(UNITS)} adversarial inputs per target")
    print(f"reference: the replaced picture-path regex takes {reference['t_s']:.2f} s on 20,000 x 'a'")
    bad = [r["target"] for r in rows if not r["linear"]]
    print("super-linear:", ", ".join(bad) if bad else "none")
    path = write_results(
        "regex_redos" + ("_quick" if args.quick else ""),
        {"machine": machine(), "lengths": [small, large], "rows": rows, "reference": reference, "bad": bad},
    )
    print(f"wrote {path}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
