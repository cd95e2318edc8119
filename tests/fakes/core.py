"""Deterministic fakes for the model interfaces."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from stylist.index.store.catalogue_index import ScoredHit
from stylist.tools.base import Tool
from stylist.tools.output import ToolOutput


class HashingTextEmbedder:
    """Bag of hashed words (and word pairs): texts sharing words get similar vectors.

    Deterministic across processes, fast, and good enough that "red dress" finds red dresses.
    """

    name = "fake-hashing"

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim

    def _bucket(self, token: str) -> tuple[int, float]:
        digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dim, 1.0 if (value >> 32) & 1 else -1.0

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"[a-z0-9]+", text.lower())
            for token in words + [a + "_" + b for a, b in zip(words, words[1:])]:
                index, sign = self._bucket(token)
                out[row, index] += sign
            norm = np.linalg.norm(out[row])
            if norm > 0:
                out[row] /= norm
        return out


class MeanColourImageEmbedder:
    """A fake image embedder: the picture's mean RGB and its mean over a 2x2 grid, normalised."""

    name = "fake-mean-colour"
    dim = 15

    def embed_images(self, images) -> np.ndarray:
        out = np.zeros((len(images), self.dim), dtype=np.float32)
        for row, image in enumerate(images):
            pixels = np.asarray(image.convert("RGB").resize((8, 8)), dtype=np.float32) / 255.0
            cells = [pixels.mean(axis=(0, 1))] + [
                pixels[y : y + 4, x : x + 4].mean(axis=(0, 1)) for y in (0, 4) for x in (0, 4)
            ]
            vec = np.concatenate(cells)
            out[row] = vec / (np.linalg.norm(vec) or 1.0)
        return out


class ColourWordImageEmbedder:
    """A fake picture encoder into a text space: the picture's dominant named colour, embedded as a
    word by the text embedder (so "red dress" scores red pictures higher, as the real one does)."""

    shares_text_space = True
    COLOURS = {
        "red": (220, 20, 20), "blue": (30, 60, 200), "green": (20, 150, 40), "black": (10, 10, 10),
        "yellow": (240, 220, 30), "navy": (0, 0, 128), "beige": (220, 200, 160), "white": (250, 250, 250),
    }  # fmt: skip

    def __init__(self, text_embedder) -> None:
        self.text_embedder = text_embedder
        self.dim = text_embedder.dim
        self.name = f"fake-colour-word:{text_embedder.name}"

    def colour_of(self, image) -> str:
        from PIL import Image

        pixels = np.asarray(
            image.convert("RGB").resize((16, 16), Image.Resampling.NEAREST), dtype=np.float32
        ).reshape(-1, 3)
        fg = pixels[(pixels < 240).any(axis=1)]  # drop a white background
        mean = (fg if len(fg) else pixels).mean(axis=0)
        return min(self.COLOURS, key=lambda c: float(np.sum((np.array(self.COLOURS[c]) - mean) ** 2)))

    def embed_images(self, images) -> np.ndarray:
        return self.text_embedder.embed_texts([self.colour_of(im) for im in images])


class ColourTowerImageEmbedder(ColourWordImageEmbedder):
    """A fake CLIP-style model with its own space and text tower: one-hot named colours."""

    shares_text_space = False
    has_text_tower = True
    name = "fake-colour-tower"

    def __init__(self) -> None:
        self.dim = len(self.COLOURS)

    def _one_hot(self, colours) -> np.ndarray:
        out = np.zeros((len(colours), self.dim), dtype=np.float32)
        for row, c in enumerate(colours):
            if c in self.COLOURS:
                out[row, list(self.COLOURS).index(c)] = 1.0
        return out

    def embed_images(self, images) -> np.ndarray:
        return self._one_hot([self.colour_of(im) for im in images])

    def embed_query(self, texts) -> np.ndarray:
        return self._one_hot([next((w for w in t.lower().split() if w in self.COLOURS), "") for t in texts])


class ScoredSearch:
    """``search_scored`` (the catalogue index contract's search with score parts) over the fake's
    own ``search``; fakes score one way, so the parts are empty."""

    def search_scored(self, query, filters=None, k=10, image_path=None):  # noqa: ANN001, ANN201
        hits = self.search(query, filters=filters, k=k, image_path=image_path)
        return [ScoredHit(g, float(s), {}) for g, s in hits]


class EchoStylist:
    """A scripted stand-in for the ``Stylist`` facade (same methods, same event stream).

    Answers ``"turn N: you said <message>"`` word by word, so tests can see streaming,
    conversation continuity (N counts the turns of that conversation) and that concurrent
    conversations do not mix. ``fail_with`` makes ``stream`` raise (a broken facade).
    """

    def __init__(
        self,
        runtime,
        registry,
        *,
        items=None,
        images=None,
        fail_with: Exception | None = None,
        delay: float = 0.0,
    ) -> None:
        import threading

        self.runtime = runtime
        self.registry = registry
        self.items = list(items or [])
        self.images = list(images or [])
        self.fail_with = fail_with
        self.delay = delay
        self.turns: dict[str, list[tuple[str, str]]] = {}
        self._lock = threading.Lock()

    def info(self):
        from stylist.events import StylistInfo

        return StylistInfo(backend="fake", model="echo", device="cpu", catalogue_size=len(self.items))

    def chat(self, message: str, conversation_id: str | None = None, user_id: str | None = None):
        from stylist.events import Done, Error

        for event in self.stream(message, conversation_id=conversation_id, user_id=user_id):
            if isinstance(event, Done):
                return event.reply
            if isinstance(event, Error):
                from stylist.errors import LLMError

                raise LLMError(event.message)
        raise AssertionError("stream ended without Done")

    def stream(
        self,
        message: str,
        conversation_id: str | None = None,
        user_id: str | None = None,
        *,
        history=None,
        system=None,
        generation=None,
    ):
        """With ``history`` (stateless, as the API sends it) N counts its exchanges plus this one."""
        import time
        import uuid

        from stylist.events import ChatReply, Done, Item, Timings, Token

        if self.fail_with is not None:
            raise self.fail_with
        self.last_call = {"history": history, "system": system, "generation": generation, "user_id": user_id}
        cid = conversation_id or uuid.uuid4().hex
        with self._lock:
            turns = self.turns.setdefault(cid, [])
            turns.append((user_id or "", message))
            n = len(turns) if history is None else len(history) + 1
        text = f"turn {n}: you said {message}"
        for i, word in enumerate(text.split(" ")):
            if self.delay:
                time.sleep(self.delay)
            yield Token(text=word if i == 0 else " " + word)
        for item in self.items:
            yield Item(item=item)
        yield Done(
            reply=ChatReply(
                conversation_id=cid,
                text=text,
                items=self.items,
                images=self.images,
                backend="fake",
                timings=Timings(total_s=0.0),
            )
        )


class EchoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    times: int = 1


class EchoOut(ToolOutput):
    text: str


class Echo(Tool):
    """Repeat the text."""

    name = "echo"

    def run(self, args: EchoIn) -> EchoOut:
        return EchoOut(text=args.text * args.times)
