"""The picture-path finder: same answers as the regex it replaced, linear on long words."""

from __future__ import annotations

import random
import re

import pytest

from stylist.tools.recognise.paths import image_path_in

# The replaced regex: quadratic, kept here only as the reference for equal answers.
_OLD = re.compile(
    r"""(?:"([^"]+\.(?:jpe?g|png|webp|bmp|gif))"|'([^']+\.(?:jpe?g|png|webp|bmp|gif))'|(\S+\.(?:jpe?g|png|webp|bmp|gif)))(?![\w])""",
    re.I,
)


def _old(text: str) -> str | None:
    match = _OLD.search(text)
    return next(g for g in match.groups() if g).rstrip(".,;:!?)") if match else None


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("what is this? ~/photos/shirt.jpg", "~/photos/shirt.jpg"),
        ("what goes with shirt.JPEG?", "shirt.JPEG"),
        ('is "my photos/red shirt.png" smart?', "my photos/red shirt.png"),
        ("'a b.webp' and c.gif", "a b.webp"),
        ("x.jpgx then y.png.", "y.png"),
        ("no picture here.", None),
        (".jpg alone", None),
    ],
)
def test_finds_the_first_picture_path(text: str, path: str | None) -> None:
    assert image_path_in(text) == path


def test_same_answers_as_the_replaced_regex_on_random_text() -> None:
    pieces = ["a", ".", "jpg", "PNG", "jpeg", '"', "'", " ", "_", "/", "?", ")", "\n", ".jp", "g", "é"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert image_path_in(text) == _old(text), repr(text)
