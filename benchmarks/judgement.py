"""Outfits a stylist would sign: briefs with the checks a stylist makes, through `stylist outfit build`.

Each brief in ``data/judgement_briefs.jsonl`` is labelled by hand with its dress code, who it is for,
the budget, whether it is cold (under 10 °C) and which colours would answer it. The checks read those
labels and the garments' catalogue records (`stylist item ID --json`), never the product's own brief
parser, so the judge cannot agree with a bug. Briefs split once by a fixed rule: numeric id divisible
by 3 is held-out, the rest is tune (nothing is tuned here; the columns keep later work honest).

    python benchmarks/judgement.py                          # demo and Kaggle catalogues, 3 outfits a brief
    python benchmarks/judgement.py --catalogues demo --k 1 --limit 20
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _common import machine, print_table, shared_data, write_results

HERE = Path(__file__).parent
BRIEFS = HERE / "data" / "judgement_briefs.jsonl"


KAGGLE_CSV = shared_data() / "kaggle-fashion-styles" / "styles.csv"

FORMAL_CODES = {"wedding", "interview", "black_tie", "business_formal", "cocktail", "funeral"}
SPORTY = re.compile(
    r"\b(backpacks?|flip ?flops?|track ?pants|tracksuits?|sports? (shoes|sandals)|sweatshirts?|hoodies?"
    r"|swim\w*|bikinis?|trunks|night ?suits?|nightdress|pyjamas?|lounge ?pants|caps?|joggers?)\b"
)
SHORTS = re.compile(r"\b(shorts|capris?|boxers)\b")
SUMMER_ONLY = re.compile(r"\b(shorts|flip ?flops?|sandals?|swim\w*)\b")
CASUAL_AT_TOP_FORMAL = re.compile(r"\b(t-?shirts?|tshirts?|tops? - casual|vests?|tank)\b")
WARM_LAYER = re.compile(
    r"\b(jackets?|coats?|blazers?|sweaters?|cardigans?|jumpers?|parkas?|shrugs?|waistcoats?|rain ?jackets?"
    r"|sweatshirts?|hoodies?|suits?|nehru jackets?|boots?)\b"
)
KIDS = re.compile(r"\b(kids?|girls?'?|boys?'?|infants?|toddlers?|baby)\b", re.I)
WHOLE = {"dress", "jumpsuit"}


def load_briefs(limit: int | None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in BRIEFS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        row["split"] = "held-out" if int(row["id"][1:]) % 3 == 0 else "tune"
    return rows[:limit] if limit else rows


def words(garment: dict[str, Any]) -> str:
    return f"{garment['article_type']} {garment['title']}".lower()


def check_outfit(brief: dict[str, Any], garments: list[dict[str, Any]], total: float) -> list[str]:
    """The names of the checks this outfit breaks (empty: a stylist would sign it)."""
    broken: list[str] = []
    code = brief["code"]
    texts = [words(g) for g in garments]
    slots = {g["slot"] for g in garments}
    if code in FORMAL_CODES and any(SPORTY.search(t) for t in texts):
        broken.append("sporty or casual item at a formal occasion")
    if code in FORMAL_CODES and any(SHORTS.search(t) for t in texts):
        broken.append("shorts at a formal occasion")
    if code in {"black_tie", "business_formal", "interview", "funeral"} and any(
        CASUAL_AT_TOP_FORMAL.search(t) for t in texts
    ):
        broken.append("t-shirt or vest for a formal dress code")
    if brief.get("cold"):
        if not ("outerwear" in slots or any(WARM_LAYER.search(t) for t in texts)):
            broken.append("no coat or layer under 10 °C")
        if any(SUMMER_ONLY.search(t) for t in texts):
            broken.append("shorts, sandals or swimwear under 10 °C")
    if not brief.get("kids") and any(
        g["gender"] in {"girls", "boys"} or KIDS.search(g["title"]) for g in garments
    ):
        broken.append("kids' item for an adult")
    if brief.get("kids") and any(g["gender"] in {"men", "women"} for g in garments):
        broken.append("adult item for a child")
    if brief.get("budget") and total > brief["budget"] + 0.01:
        broken.append("over budget")
    wanted = brief.get("gender")
    if wanted and any(g["gender"] not in {wanted, "unisex"} for g in garments):
        broken.append("wrong gender")
    if brief.get("colours"):
        asked = set(brief["colours"])
        if not any(asked & {c.lower() for c in g["colours"]} for g in garments):
            broken.append("asked colours absent")
    whole = any(g["article_type"].lower() in WHOLE or "dress" == g["slot"] for g in garments)
    if not (whole or {"top", "bottom"} <= slots or (code == "beach" and "swimwear" in slots)):
        broken.append("incomplete: no dress and no top with bottom")
    if "shoes" not in slots and code not in {"lounge", "beach"}:
        broken.append("incomplete: no shoes")
    return broken


class Cli:
    """The real `stylist` command, run in-process on one runtime (so the index, MiniLM and the
    compatibility model load once, not once a brief: each command line would otherwise build its
    own runtime; the command's code is the same)."""

    def __init__(self, home: Path) -> None:
        from typer.testing import CliRunner

        from stylist.cli import app

        self.app, self.runner, self.home = app, CliRunner(), home
        self._garments: dict[str, dict[str, Any]] = {}
        self._runtime: Any = None

    def __call__(self, *args: str) -> Any:
        from stylist.cli.common import CliState
        from stylist.config import load_settings
        from stylist.runtime import Runtime

        if self._runtime is None:
            self._runtime = Runtime(load_settings(None, home=str(self.home)))
        runtime, CliState.runtime = CliState.runtime, property(lambda _: self._runtime)
        try:
            result = self.runner.invoke(self.app, ["--home", str(self.home), *args])
        finally:
            CliState.runtime = runtime
        if result.exit_code != 0:
            raise RuntimeError(f"stylist {' '.join(args)} failed: {result.output.strip()[-400:]}")
        return json.loads(result.stdout)

    def garment(self, item_id: str) -> dict[str, Any]:
        if item_id not in self._garments:
            self._garments[item_id] = self("item", item_id, "--json")
        return self._garments[item_id]


def ensure_index(cli: Cli, catalogue: str) -> None:
    if catalogue == "kaggle" and not (cli.home / "index" / "CURRENT").exists():
        print(f"building the Kaggle index in {cli.home} (once) …", file=sys.stderr)
        result = cli.runner.invoke(
            cli.app, ["--home", str(cli.home), "index", "build", "--catalogue", str(KAGGLE_CSV), "--fast"]
        )
        if result.exit_code != 0:
            raise RuntimeError(result.output[-800:])


def judge(cli: Cli, briefs: list[dict[str, Any]], k: int) -> list[dict[str, Any]]:
    rows = []
    for brief in briefs:
        t = time.perf_counter()
        try:
            result = cli("outfit", "build", brief["brief"], "--k", str(k), "--json")
        except RuntimeError as exc:  # the command refused (no outfit fits): a failed brief, not a crash
            result = {"outfits": [], "notes": [str(exc)[-300:]]}
        seconds = time.perf_counter() - t
        outfits = result.get("outfits", [])
        if not outfits:
            rows.append(
                {
                    **brief,
                    "outfit": None,
                    "notes": result.get("notes", []),
                    "broken": ["no outfit"],
                    "seconds": seconds,
                }
            )
        for n, outfit in enumerate(outfits):
            garments = [cli.garment(item["id"]) for item in outfit["items"] if not item.get("owned")]
            rows.append(
                {
                    **brief,
                    "outfit": n,
                    "items": [
                        f"{g['id']} {g['title']} ({g['article_type']}, {g['gender']})" for g in garments
                    ],
                    "total": outfit["total_price"],
                    "notes": result.get("notes", []),
                    "broken": check_outfit(brief, garments, outfit["total_price"]),
                    # a budget cannot be checked on garments without a price (Kaggle's styles.csv)
                    "budget_unchecked": bool(brief.get("budget"))
                    and any(g.get("price") is None for g in garments),
                    "seconds": seconds,
                }
            )
    return rows


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for split in ("tune", "held-out", "all"):
        part = [r for r in rows if split == "all" or r["split"] == split]
        if part:
            out[split] = {
                "outfits": len(part),
                "pass_rate": round(sum(not r["broken"] for r in part) / len(part), 4),
                "first_outfit_pass_rate": round(
                    sum(not r["broken"] for r in part if r["outfit"] in (0, None))
                    / max(1, sum(r["outfit"] in (0, None) for r in part)),
                    4,
                ),
            }
    out["broken_checks"] = Counter(c for r in rows for c in r["broken"]).most_common()
    out["budget_unchecked"] = sum(bool(r.get("budget_unchecked")) for r in rows)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--catalogues", nargs="+", default=["demo", "kaggle"], choices=["demo", "kaggle"])
    parser.add_argument("--home-root", type=Path, default=Path("/tmp/stylist-judgement"))
    parser.add_argument("--k", type=int, default=3, help="outfits per brief")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument(
        "--ids", default=None, help="only these briefs, e.g. b03,b07 (a re-check, not a figure)"
    )
    parser.add_argument("--out", default="judgement", help="results name (benchmarks/results/NAME.json)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    briefs = load_briefs(args.limit)
    if args.ids:
        briefs = [b for b in briefs if b["id"] in set(args.ids.split(","))]
    report: dict[str, Any] = {"machine": machine(), "briefs": len(briefs), "k": args.k, "catalogues": {}}
    table = []
    for catalogue in args.catalogues:
        if catalogue == "kaggle" and not KAGGLE_CSV.exists():
            print(f"skipping kaggle: {KAGGLE_CSV} is absent", file=sys.stderr)
            continue
        cli = Cli(args.home_root / catalogue)
        ensure_index(cli, catalogue)
        rows = judge(cli, briefs, args.k)
        summary = summarise(rows)
        report["catalogues"][catalogue] = {"summary": summary, "rows": rows}
        for split in ("tune", "held-out", "all"):
            if split in summary:
                table.append({"catalogue": catalogue, "split": split, **summary[split]})
        print(f"\n{catalogue}: checks broken most", file=sys.stderr)
        for name, count in summary["broken_checks"][:8]:
            print(f"  {count:4d}  {name}", file=sys.stderr)
        if summary["budget_unchecked"]:
            print(
                f"  ({summary['budget_unchecked']} outfits with a budget had unpriced garments)",
                file=sys.stderr,
            )
    print_table(table, ["catalogue", "split", "outfits", "pass_rate", "first_outfit_pass_rate"])
    print(f"results: {write_results(args.out, report)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
