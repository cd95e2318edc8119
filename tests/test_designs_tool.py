"""design_garments through the registry, the router and the agent (Image events), and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from designs_helpers import train_tiny
from pydantic import BaseModel, ConfigDict

from stylist.agent.router import Router
from stylist.config import load_settings
from stylist.errors import IndexNotBuiltError, ToolInputError
from stylist.events import Done, Image, ToolFinished
from stylist.runtime import Runtime
from stylist.tools.base import Tool
from stylist.tools.designs.sample import DesignSampler
from stylist.tools.output import ToolOutput, image_pairs
from stylist.tools.registry import build_registry
from stylist.tools.routing import RouteHint
from tests.fakes import MeanColourImageEmbedder
from tests.fakes.agent import FakeCatalogueIndex, fake_stylist


@pytest.fixture(scope="module")
def sampler(tmp_path_factory):
    _, exported = train_tiny(tmp_path_factory.mktemp("gan"))
    return DesignSampler(exported)


class WordsOnlyIndex(FakeCatalogueIndex):
    """The index without image vectors: search by picture fails as the real one does."""

    def search(self, query, filters=None, k=10, image_path=None):
        if image_path:
            raise IndexNotBuiltError("this index has no image vectors to compare a picture with")
        return super().search(query, filters, k)


class PictureIndex(FakeCatalogueIndex):
    """Records the pictures it is asked about."""

    def __init__(self):
        super().__init__()
        self.pictures = []

    def search(self, query, filters=None, k=10, image_path=None):
        self.pictures.append(image_path)
        return super().search(query, filters, k)


def runtime_with(sampler, image_embedder=None, index=None, **settings) -> Runtime:
    """A runtime on the tiny GAN and the fake catalogue; no image encoder unless given."""
    services = {
        "design_sampler": sampler,
        "catalogue_index": index or WordsOnlyIndex(),
        "image_embedder": image_embedder,
    }
    return Runtime(load_settings(llm={"backend": "none"}, **settings), **services)


def test_tool_through_the_registry_writes_pngs_under_designs_dir(sampler):
    runtime = runtime_with(sampler)
    out = build_registry(runtime).invoke(
        "design_garments", {"brief": "a red circle", "n": 3, "seed": 5, "size": 96}
    )
    designs_dir = Path(runtime.settings.designs_dir).resolve()
    assert len(out.images) == 3 and out.images == [d.path for d in out.designs]
    for path in out.images:
        p = Path(path)
        assert p.is_absolute() and p.is_file() and designs_dir in p.parents
        from PIL import Image as PILImage

        assert PILImage.open(p).size == (96, 96)
    assert out.read == {"article_type": ["circle"], "colour": ["red"]}
    assert all(d.labels == {"article_type": "circle", "colour": "red"} for d in out.designs)
    assert out.seed == 5 and out.candidates == 1 and out.inspired_by_method == "text any article"
    assert all(len(d.inspired_by) == 3 for d in out.designs)
    assert out.image_captions[0].startswith("design 1: circle red")
    assert out.designs[0].inspired_by[0].garment.id.startswith("g-")
    assert "circle red" in out.designs[0].reason or "red circle" in out.designs[0].reason
    index = PictureIndex()
    by_picture = build_registry(runtime_with(sampler, index=index)).invoke(
        "design_garments", {"brief": "a red circle", "n": 2, "seed": 5}
    )
    assert by_picture.inspired_by_method == "image+text any article"
    assert list(dict.fromkeys(index.pictures)) == by_picture.images  # each design by its own picture
    again = build_registry(runtime).invoke(
        "design_garments", {"brief": "a red circle", "n": 3, "seed": 5, "size": 96}
    )
    assert [Path(p).read_bytes() for p in again.images] == [Path(p).read_bytes() for p in out.images]


def test_rerank_keeps_the_candidate_closest_to_the_brief(sampler):
    class ColourWords(MeanColourImageEmbedder):
        """Pictures by mean colour; the brief's words map to a colour vector in the same space."""

        def embed_query(self, texts):
            from PIL import Image as PILImage

            return self.embed_images([PILImage.new("RGB", (8, 8), (255, 0, 0))])

    runtime = runtime_with(sampler, image_embedder=ColourWords(), designs={"candidates": 6})
    out = build_registry(runtime).invoke(
        "design_garments", {"brief": "a red circle", "n": 2, "seed": 1, "inspired_by": 0}
    )
    assert out.candidates == 6
    assert all(d.brief_similarity is not None for d in out.designs)
    # the kept design is the best of its six candidates by the embedder's similarity
    from stylist.tools.designs.sample import rerank

    rows = [{"article_type": "circle", "colour": "red"}] * 12
    images = sampler.generate(rows, seed=1)
    text = ColourWords().embed_query(["a red circle"])[0]
    _, best = rerank(images[:6], text, ColourWords(), keep=6)
    assert out.designs[0].brief_similarity == pytest.approx(best[0], abs=1e-4) and best[0] >= best[-1]


def test_bad_inputs_are_clear_errors(sampler):
    registry = build_registry(runtime_with(sampler))
    with pytest.raises(ToolInputError, match="n: Input should be less than or equal to 16"):
        registry.invoke("design_garments", {"brief": "a red circle", "n": 17})
    with pytest.raises(ToolInputError, match="size"):
        registry.invoke("design_garments", {"brief": "a red circle", "size": 5000})
    with pytest.raises(ToolInputError, match=r"cannot draw colour 'purple'.*valid colours: red, blue, green"):
        registry.invoke("design_garments", {"brief": "a purple circle"})
    with pytest.raises(ToolInputError, match="names no article type.*square, circle"):
        registry.invoke("design_garments", {"brief": "something red"})


def test_router_sends_design_requests_to_the_tool(sampler):
    router = Router(build_registry(runtime_with(sampler)))
    for message in (
        "design me a navy striped summer dress",
        "generate a red jacket",
        "sketch 3 floral skirts",
    ):
        decision = router.route(message)
        assert decision.tool == "design_garments", message
        assert decision.arguments["brief"] == message
    assert router.route("sketch 3 floral skirts").arguments["n"] == 3
    assert router.route("find me a red dress under 100").tool == "search_garments"


def test_agent_streams_image_events_and_reply_images(sampler):
    stylist = fake_stylist("none")
    stylist.runtime._services["design_sampler"] = sampler
    stylist.runtime._services["image_embedder"] = None
    events = list(stylist.stream("design me a blue square", conversation_id=None))
    assert isinstance(events[-1], Done), events[-1]
    reply = events[-1].reply
    images = [e for e in events if isinstance(e, Image)]
    assert reply.tool_calls[0].name == "design_garments" and reply.tool_calls[0].ok
    assert [e.path for e in images] == reply.images and len(reply.images) == 4
    assert images[0].caption.startswith("design 1: square blue")
    finished = next(i for i, e in enumerate(events) if isinstance(e, ToolFinished))
    assert events.index(images[0]) == finished + 1
    assert all(Path(p).is_file() for p in reply.images)
    assert (
        reply.text.startswith("I drew 4 new designs (design 1: square blue")
        and "that inspired them" in reply.text
    )


class PictureOut(ToolOutput):
    images: list[str]
    image_captions: list[str] = []

    def pictures(self) -> list[tuple[str, str]]:
        return image_pairs(self.images, self.image_captions)


class PictureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    what: str = ""


class DrawPicture(Tool):
    """Draw a picture (a fake tool whose output names images)."""

    name = "draw_picture"
    routing = RouteHint(keywords=("picture",), extract=lambda text, ctx: {"what": text})

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths

    def run(self, args: PictureIn) -> PictureOut:
        return PictureOut(images=self.paths + self.paths[:1], image_captions=["first"])


def test_any_tool_output_with_images_reaches_the_reply():
    from stylist.agent.loop import Agent
    from stylist.agent.state import TurnContext
    from stylist.tools.registry import ToolRegistry

    paths = ["/tmp/a.png", "/tmp/b.png"]
    agent = Agent(ToolRegistry([DrawPicture(paths)]), load_settings(llm={"backend": "none"}).llm, None)
    events = list(agent.run("a picture please", TurnContext(conversation_id="c1", user_id="default")))
    reply = events[-1].reply
    assert reply.images == paths  # repeats dropped, order kept
    assert [(e.path, e.caption) for e in events if isinstance(e, Image)] == [
        ("/tmp/a.png", "first"),
        ("/tmp/b.png", ""),
    ]


def test_cli_design_json(sampler, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from stylist.cli import app

    checkpoint = sampler.checkpoint
    out_dir = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "--set",
            f"designs.model={checkpoint}",
            "design",
            "two blue squares",
            "-n",
            "2",
            "--seed",
            "3",
            "--out",
            str(out_dir),
            "--inspired-by",
            "0",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["seed"] == 3 and len(data["images"]) == 2
    assert all(Path(p).parent == out_dir.resolve() and Path(p).is_file() for p in data["images"])
    assert data["designs"][0]["labels"] == {"article_type": "square", "colour": "blue"}


def test_cli_design_bad_input_is_an_error_line_not_a_traceback(sampler, capsys):
    from stylist.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--set", f"designs.model={sampler.checkpoint}", "design", "a kimono", "--inspired-by", "0"])
    assert exit_info.value.code != 0
    err = capsys.readouterr().err
    assert "names no article type" in err and "Traceback" not in err


def test_cli_train_gan_one_epoch_then_resume_then_design(tmp_path):
    """`stylist train gan --catalogue` on 12 demo garments: a real epoch, --resume, then sampling."""
    from typer.testing import CliRunner

    from stylist.cli import app
    from stylist.index.demo import generate_demo_catalogue
    from stylist.index.loaders.native import write_catalogue

    catalogue = write_catalogue(generate_demo_catalogue(12, 3, tmp_path / "pics"), tmp_path / "cat.jsonl")
    run_dir, out = tmp_path / "run", tmp_path / "gan.pt"
    common = [
        "train",
        "gan",
        "--catalogue",
        str(catalogue),
        "--run-dir",
        str(run_dir),
        "--out",
        str(out),
        "--width",
        "4",
        "--batch-size",
        "6",
        "--json",
    ]
    first = CliRunner().invoke(app, [*common, "--epochs", "1"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["epochs_done"] == 1 and summary["train_size"] == 12 and out.is_file()
    assert (run_dir / "samples" / "epoch_001.png").is_file()
    again = CliRunner().invoke(app, [*common, "--epochs", "2"])
    assert again.exit_code != 0 and "--resume" in str(again.exception or again.output)
    resumed = CliRunner().invoke(app, [*common, "--epochs", "2", "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert json.loads(resumed.stdout)["epochs_done"] == 2
    sampler = DesignSampler(out)
    assert "article_type" in sampler.conditions and sampler.metrics["seen"]["colour"]


def test_cli_out_of_range_n_is_a_usage_error_not_a_traceback(capsys):
    from stylist.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["design", "a dress", "-n", "40"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "less than or equal to 16" in err and "Traceback" not in err
